"""THE PERMISSION MATRIX: for every list endpoint and every role of the shared world, the
number of rows is exactly what the role's jurisdiction allows; the regulator of another county
sees none of county A's rows and gets 404 (as for a missing record) on every county-A detail,
action and UI page; the blind-spot figures obey the same scope.

World (see anjian/conftest.py): province → city → county A (township A, grid A, department A,
enterprises A [machinery, grid A, supervised] and A-construction [no grid, no plate]) and
county B (township B, grid B, department B, enterprise B [supervised])."""

import pytest
from django.test import Client

from anjian.enterprises import selectors
from anjian.enterprises.models import Enterprise, Supervision
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.portal.testing.mixins import (
    ACTORS,
    OTHER_COUNTY,
    act_as,
    actor_id,
    api_url,
    get_page,
    ui_url,
)

pytestmark = pytest.mark.django_db

FORBIDDEN = 403

# rows per list endpoint, per actor
#                  admin reg ind grid com ent exp other
LIST_COUNTS = {
    "region":      (6, 2, 2, 1, 2, 1, 2, 2),   # grid/enterprise scopes fall back to their township
    "grid":        (2, 1, 1, 1, 1, 1, 1, 1),
    "department":  (2, 1, 1, 0, 1, 0, 1, 1),   # county departments sit above a township
    "enterprise":  (3, 2, 1, 1, 2, 1, 2, 1),   # the industry officer sees construction only
    "supervision": (2, 1, 0, 1, 1, 1, 1, 1),   # the construction enterprise has no plate
    "user":        (8, *(FORBIDDEN,) * 7),     # accounts: system administrators only
}
MATRIX = [(endpoint, who, counts[i]) for endpoint, counts in LIST_COUNTS.items() for i, who in enumerate(ACTORS)]


@pytest.mark.parametrize(("endpoint", "who", "expected"), MATRIX,
                         ids=[f"{e}-{actor_id(w)}" for e, w, _ in MATRIX])
def test_list_counts(world, api, endpoint, who, expected):
    # given a user of this role, when they read the list endpoint
    response = act_as(api, world.users[who]).get(api_url(endpoint))
    # then they get exactly the rows their jurisdiction allows (or 403 for the accounts list)
    if expected == FORBIDDEN:
        assert response.status_code == 403
    else:
        assert response.status_code == 200, response.content
        assert response.json()["count"] == expected


def county_a_ids(world) -> dict[str, set]:
    """The ids (or codes, for regions) of every county-A row, per endpoint."""
    return {
        "region": {world.county_a.code, world.township_a.code},
        "grid": {world.grid_a.pk},
        "department": {world.dept_a.pk},
        "enterprise": {world.ent_a.pk, world.ent_a_construction.pk},
        "supervision": set(Supervision.objects.filter(enterprise__region=world.township_a).values_list("pk",
                                                                                                         flat=True)),
    }


def test_other_county_lists_hold_no_county_a_row(world, api):
    # given county B's regulator
    client = act_as(api, world.users[OTHER_COUNTY])
    for endpoint, hidden in county_a_ids(world).items():
        # when they read every list in one page, then no county-A row is in it
        key = "code" if endpoint == "region" else "id"
        rows = get_page(client, api_url(endpoint), page_size=500)["results"]
        assert rows, endpoint  # they do see their own county
        assert not {row[key] for row in rows} & hidden, endpoint


def test_other_county_sees_no_county_a_blind_spot(world):
    # given county A has a blind spot (the construction enterprise) and county B has none
    other = User.objects.get(pk=world.users[OTHER_COUNTY].pk)
    regulator = User.objects.get(pk=world.users[Role.REGULATOR].pk)
    # then county A's regulator counts it, and county B's regulator counts nothing
    assert set(selectors.blind_spots(regulator)) == {world.ent_a_construction}
    assert selectors.blind_spots(other).count() == 0
    assert selectors.home_counts(other)["blind_spots"] == 0
    assert selectors.home_counts(other)["total"] == 1


def detail_requests(world) -> dict[str, tuple[str, str, dict | None]]:
    """label → (method, url, body) for every county-A detail, action and write endpoint."""
    plate = Supervision.objects.get(enterprise=world.ent_a)
    ent = world.ent_a.pk
    return {
        "region-county": ("get", api_url("region", world.county_a.code), None),
        "region-township": ("get", api_url("region", world.township_a.code), None),
        "grid": ("get", api_url("grid", world.grid_a.pk), None),
        "department": ("get", api_url("department", world.dept_a.pk), None),
        "enterprise": ("get", api_url("enterprise", ent), None),
        "enterprise-construction": ("get", api_url("enterprise", world.ent_a_construction.pk), None),
        "supervision": ("get", api_url("supervision", plate.pk), None),
        "enterprise-events": ("get", api_url("enterprise", ent, "events"), None),
        "enterprise-history": ("get", api_url("enterprise", ent, "history"), None),
        "region-history": ("get", api_url("region", world.county_a.code, "history"), None),
        "grid-history": ("get", api_url("grid", world.grid_a.pk, "history"), None),
        "department-history": ("get", api_url("department", world.dept_a.pk, "history"), None),
        "enterprise-status": ("post", api_url("enterprise", ent, "change-status"), {"status": "closed"}),
        "enterprise-void": ("post", api_url("enterprise", ent, "void"), {"reason": "越权"}),
        "enterprise-delete": ("delete", api_url("enterprise", ent), {"reason": "越权"}),
        "enterprise-patch": ("patch", api_url("enterprise", ent), {"name": "越权改名"}),
    }


READ_LABELS = ["region-county", "region-township", "grid", "department", "enterprise", "enterprise-construction",
               "supervision", "enterprise-events", "enterprise-history", "region-history", "grid-history",
               "department-history"]
WRITE_LABELS = ["enterprise-status", "enterprise-void", "enterprise-delete", "enterprise-patch"]


def test_the_labels_name_every_request(world):
    # given the labels the tests below walk, then they are exactly the requests built (none left out)
    assert set(READ_LABELS + WRITE_LABELS) == set(detail_requests(world))


@pytest.mark.parametrize("label", READ_LABELS + WRITE_LABELS)
def test_other_county_gets_404_on_county_a(world, api, label):
    # given county B's regulator and a county-A endpoint
    method, url, body = detail_requests(world)[label]
    # when they call it
    response = getattr(act_as(api, world.users[OTHER_COUNTY]), method)(url, body, format="json")
    # then it answers 404, exactly as for a record that does not exist, and nothing changed
    assert response.status_code == 404, response.content
    world.ent_a.refresh_from_db()
    assert (world.ent_a.name, world.ent_a.status, world.ent_a.is_voided) == ("甲机械有限公司", "operating", False)


@pytest.mark.parametrize("label", READ_LABELS)
def test_county_a_regulator_reads_the_same_endpoints(world, api, label):
    # given county A's own regulator (the control: the 404s above are about scope, not broken URLs)
    method, url, body = detail_requests(world)[label]
    # when they read the same endpoint, then it answers 200
    assert getattr(act_as(api, world.users[Role.REGULATOR]), method)(url, body).status_code == 200


# --- UI pages ------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


UI_DETAILS = [
    ("anjian.enterprises.views", "enterprise_detail", "enterprises:detail", lambda w: [w.ent_a.pk]),
    ("anjian.enterprises.views", "enterprise_detail", "enterprises:detail", lambda w: [w.ent_a_construction.pk]),
    ("anjian.regions.views", "region_detail", "regions:detail", lambda w: [w.county_a.code]),
    ("anjian.regions.views", "region_detail", "regions:detail", lambda w: [w.township_a.code]),
    ("anjian.orgs.views", "department_detail", "orgs:department", lambda w: [w.dept_a.pk]),
]


@pytest.mark.parametrize(("module", "func", "name", "args"), UI_DETAILS,
                         ids=["enterprise", "enterprise-construction", "region-county", "region-township",
                              "department"])
def test_ui_detail_pages_are_404_for_the_other_county(world, module, func, name, args):
    # given a county-A detail page
    url = ui_url(module, func, name, *args(world))
    # when county A's regulator opens it, then it shows; when county B's regulator does, then 404
    assert logged_in(world.users[Role.REGULATOR]).get(url).status_code == 200
    assert logged_in(world.users[OTHER_COUNTY]).get(url).status_code == 404


def county_a_markers(world) -> set[str]:
    """Text that only a page showing county-A records would contain."""
    return {world.county_a.name, world.township_a.name, world.dept_a.name, world.ent_a.name,
            world.ent_a_construction.name, world.ent_a.credit_code, world.ent_a_construction.credit_code,
            world.grid_a.code, world.county_a.code, world.township_a.code}


UI_LISTS = [
    ("anjian.enterprises.views", "enterprise_list", "enterprises:list"),
    ("anjian.enterprises.views", "blind_spots", "enterprises:blind_spots"),
    ("anjian.regions.views", "region_list", "regions:list"),
    ("anjian.regions.views", "grid_list", "regions:grids"),
    ("anjian.orgs.views", "department_list", "orgs:departments"),
]


@pytest.mark.parametrize(("module", "func", "name"), UI_LISTS, ids=[n for _m, _f, n in UI_LISTS])
def test_ui_lists_show_no_county_a_row_to_the_other_county(world, module, func, name):
    # given a list page
    url = ui_url(module, func, name)
    markers = county_a_markers(world)
    # when county A's regulator opens it, then county-A records are on it (the control)
    own = logged_in(world.users[Role.REGULATOR]).get(url)
    assert own.status_code == 200
    assert any(m in own.content.decode() for m in markers)
    # and when county B's regulator opens it, then none is
    other = logged_in(world.users[OTHER_COUNTY]).get(url)
    assert other.status_code == 200
    page = other.content.decode()
    assert not [m for m in markers if m in page]


def test_ui_home_counts_are_scoped(world):
    # given the home page of county B's regulator
    url = ui_url("anjian.portal.views", "home", "home")
    response = logged_in(world.users[OTHER_COUNTY]).get(url)
    # then its figures count county B only: one enterprise, no blind spot
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["total"], counts["blind_spots"]) == (1, 0)
    # while county A's regulator counts two enterprises and one blind spot
    counts_a = logged_in(world.users[Role.REGULATOR]).get(url).context["counts"]
    assert (counts_a["total"], counts_a["blind_spots"]) == (2, 1)


def test_ui_blind_spots_page_lists_the_county_a_blind_spot_only_to_county_a(world):
    # given the blind-spots page
    url = ui_url("anjian.enterprises.views", "blind_spots", "enterprises:blind_spots")
    # then county A's regulator sees the construction enterprise there, county B's does not
    assert world.ent_a_construction.name in logged_in(world.users[Role.REGULATOR]).get(url).content.decode()
    assert world.ent_a_construction.name not in logged_in(world.users[OTHER_COUNTY]).get(url).content.decode()


def test_ui_enterprise_list_counts_per_role(world):
    # given the enterprise list page
    url = ui_url("anjian.enterprises.views", "enterprise_list", "enterprises:list")
    expected = dict(zip(ACTORS, LIST_COUNTS["enterprise"], strict=True))
    for who, count in expected.items():
        # when each user opens it, then it shows exactly the enterprises of their scope
        response = logged_in(world.users[who]).get(url)
        assert response.status_code == 200, who
        shown = {e.name for e in Enterprise.objects.all() if e.name in response.content.decode()}
        assert len(shown) == count, (who, shown)
