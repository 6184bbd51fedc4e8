"""The warnings inbox: scoping (the other county sees nothing and gets 404), addressing by role,
marking read, the closed tab, the API, the layout's badge and the home page's summaries.

English assertions send HTTP_ACCEPT_LANGUAGE="en"."""

import datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.alerts.context_processors import warnings_badge
from anjian.alerts.engine import all_rules, inbox, unread_count, warning_summary
from anjian.alerts.engine import run_all_rules as _run_all_rules
from anjian.alerts.models import Warning, WarningRead
from anjian.hazards import services
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, make_dual_report, make_hazard
from anjian.portal.testing.mixins import OTHER_COUNTY, act_as, fresh

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate


def run_all_rules(now):
    """Every rule but the licence and certificate rules of ``obligations``: the world's enterprises
    are fixtures that hold no licences, and those rules would add warnings these tests do not count."""
    return _run_all_rules(now, codes=[r.code for r in all_rules() if not r.code.startswith("obl_")])


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def overdue_hazard(enterprise, actor, **data) -> Hazard:
    """A hazard whose deadline was yesterday (reported with today's deadline, then moved back:
    the service refuses a deadline before the day found)."""
    h = make_hazard(enterprise, actor, deadline=TODAY(), found_at=timezone.now() - datetime.timedelta(days=3),
                    **data)
    Hazard.objects.filter(pk=h.pk).update(deadline=TODAY() - datetime.timedelta(days=1))
    h.refresh_from_db()
    return h


@pytest.fixture
def scanned(world):
    """County A: an overdue general hazard at ent_a (machinery, grid A), a major rectified one at
    ent_a waiting for the regulator's acceptance 8 days on, an overdue one at the construction
    enterprise; county B: an overdue hazard at ent_b. Scanned 8 days from now."""
    ent_user, regulator = world.users[Role.ENTERPRISE], world.users[Role.REGULATOR]
    general = overdue_hazard(world.ent_a, ent_user)
    major = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    major = services.update_plan(major, actor=ent_user, plan=COMPLETE_PLAN)
    make_dual_report(major, ent_user, "regulator")
    make_dual_report(major, ent_user, "congress")
    major.refresh_from_db()
    major = services.start_rectification(major, actor=ent_user)
    major = services.submit_rectification(major, actor=ent_user, note="已整改")
    construction = overdue_hazard(world.ent_a_construction, world.users[Role.ADMIN])
    other = overdue_hazard(world.ent_b, world.users[OTHER_COUNTY])
    now = timezone.now() + datetime.timedelta(days=8)
    run_all_rules(now)
    return {"general": general, "major": major, "construction": construction, "other": other, "now": now}


def warning_for(rule: str, hazard: Hazard) -> Warning:
    return Warning.objects.get(rule=rule, object_id=str(hazard.pk), closed_at__isnull=True)


def inbox_pairs(user) -> set[tuple[str, int]]:
    return {(w.rule, int(w.object_id)) for w in inbox(fresh(user))}


# --- scoping and addressing ---------------------------------------------------------------------------

def test_each_role_sees_the_warnings_addressed_to_it_in_its_scope(world, scanned):
    g, m, c, o = (scanned[k].pk for k in ("general", "major", "construction", "other"))
    overdue, acceptance = "hazard_overdue", "major_acceptance_waiting"
    # the county A regulator: every overdue in county A and the major acceptance, nothing of county B
    assert inbox_pairs(world.users[Role.REGULATOR]) == {(overdue, g), (overdue, c), (acceptance, m)}
    # the enterprise: its own overdue hazard only (major acceptance is the regulator's job)
    assert inbox_pairs(world.users[Role.ENTERPRISE]) == {(overdue, g)}
    # the grid officer of grid A: the overdue hazard of the enterprise in the grid
    assert inbox_pairs(world.users[Role.GRID_OFFICER]) == {(overdue, g)}
    # the construction industry officer: the construction enterprise only
    assert inbox_pairs(world.users[Role.INDUSTRY_OFFICER]) == {(overdue, c)}
    # the committee office and the expert: no rule is addressed to them
    assert inbox_pairs(world.users[Role.COMMITTEE_OFFICE]) == set()
    assert inbox_pairs(world.users[Role.EXPERT]) == set()
    # the other county's regulator: county B only
    assert inbox_pairs(world.users[OTHER_COUNTY]) == {(overdue, o)}
    # a system administrator: everything
    assert inbox_pairs(world.users[Role.ADMIN]) == {(overdue, g), (overdue, c), (acceptance, m), (overdue, o)}


def test_other_county_gets_404_on_county_a_warnings(world, scanned, api):
    w = warning_for("hazard_overdue", scanned["general"])
    c = client_for(world.users[OTHER_COUNTY])
    # given the other county's regulator, when they open or mark read a county A warning, then 404
    assert c.post(reverse("warnings:read", args=[w.pk])).status_code == 404
    assert c.get(reverse("warnings:open", args=[w.pk])).status_code == 404
    act_as(api, world.users[OTHER_COUNTY])
    assert api.get(f"/api/warnings/{w.pk}/").status_code == 404
    assert api.post(f"/api/warnings/{w.pk}/read/").status_code == 404
    # and their inbox page lists none of county A's
    page = c.get(reverse("warnings:inbox"), **EN)
    assert page.status_code == 200
    assert scanned["general"].number not in page.content.decode()
    assert not WarningRead.objects.exists()


def test_a_warning_not_addressed_to_the_role_is_404(world, scanned, api):
    # given the major acceptance warning (regulators only), when the enterprise user asks, then 404
    w = warning_for("major_acceptance_waiting", scanned["major"])
    assert client_for(world.users[Role.ENTERPRISE]).post(reverse("warnings:read", args=[w.pk])).status_code == 404
    act_as(api, world.users[Role.ENTERPRISE])
    assert api.get(f"/api/warnings/{w.pk}/").status_code == 404


# --- the page --------------------------------------------------------------------------------------------

def test_inbox_page_lists_unread_first_and_marks_read(world, scanned):
    regulator = world.users[Role.REGULATOR]
    c = client_for(regulator)
    # given the regulator's inbox, when the page opens, then it lists the three warnings in English
    page = c.get(reverse("warnings:inbox"), **EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rectification overdue" in html and "Major hazard acceptance waiting too long" in html
    assert scanned["general"].number in html and scanned["construction"].number in html
    assert page.context["unread"] == 3
    # when one is marked read, then it goes after the unread ones and the count drops
    w = warning_for("hazard_overdue", scanned["general"])
    response = c.post(reverse("warnings:read", args=[w.pk]), {"next": "/warnings/?level=warning"})
    assert response.status_code == 302 and response["Location"] == "/warnings/?level=warning"
    assert WarningRead.objects.filter(warning=w, user=regulator).count() == 1
    rows = c.get(reverse("warnings:inbox")).context["rows"]
    assert rows[-1]["w"].pk == w.pk and rows[-1]["w"].is_read
    assert unread_count(fresh(regulator)) == 2
    # and marking it again changes nothing
    c.post(reverse("warnings:read", args=[w.pk]))
    assert WarningRead.objects.filter(warning=w, user=regulator).count() == 1
    # and the unread filter leaves it out
    unread = c.get(reverse("warnings:inbox"), {"unread": "on"}).context["rows"]
    assert w.pk not in {r["w"].pk for r in unread} and len(unread) == 2


def test_inbox_filters_by_rule_and_level(world, scanned):
    c = client_for(world.users[Role.REGULATOR])
    rows = c.get(reverse("warnings:inbox"), {"rule": "major_acceptance_waiting"}).context["rows"]
    assert [r["w"].object_id for r in rows] == [str(scanned["major"].pk)]
    rows = c.get(reverse("warnings:inbox"), {"level": "severe"}).context["rows"]
    assert [r["w"].rule for r in rows] == ["major_acceptance_waiting"]


def test_opening_a_warning_marks_it_read_and_goes_to_the_record(world, scanned):
    w = warning_for("hazard_overdue", scanned["general"])
    c = client_for(world.users[Role.ENTERPRISE])
    response = c.get(reverse("warnings:open", args=[w.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[scanned["general"].pk])
    assert WarningRead.objects.filter(warning=w, user=world.users[Role.ENTERPRISE]).exists()


def test_mark_all_read(world, scanned):
    regulator = world.users[Role.REGULATOR]
    c = client_for(regulator)
    # when the regulator marks all overdue ones read, then only those are read
    c.post(reverse("warnings:read_all"), {"rule": "hazard_overdue"})
    assert unread_count(fresh(regulator)) == 1
    c.post(reverse("warnings:read_all"))
    assert unread_count(fresh(regulator)) == 0


def test_closed_tab_lists_closed_warnings(world, scanned):
    # given the overdue warning of ent_a closes (an approved extension)
    ent_user = world.users[Role.ENTERPRISE]
    h = scanned["general"]
    ext = services.request_extension(h, actor=ent_user, new_deadline=TODAY() + datetime.timedelta(days=20),
                                     reason="延期")
    services.decide_extension(ext, actor=ent_user, approve=True)
    run_all_rules(scanned["now"])
    c = client_for(ent_user)
    # then the open tab is empty and the closed tab lists it
    assert c.get(reverse("warnings:inbox")).context["rows"] == []
    closed = c.get(reverse("warnings:inbox"), {"status": "closed"}, **EN)
    assert [r["w"].object_id for r in closed.context["rows"]] == [str(h.pk)]
    assert "Closed at" in closed.content.decode()


def test_inbox_in_chinese_by_default(world, scanned):
    html = client_for(world.users[Role.REGULATOR]).get(reverse("warnings:inbox")).content.decode()
    assert "预警" in html and "标为已读" in html


def test_role_without_rules_sees_an_explanation(world, scanned):
    html = client_for(world.users[Role.EXPERT]).get(reverse("warnings:inbox"), **EN).content.decode()
    assert "No warning rule is addressed to your role" in html


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(reverse("warnings:inbox"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the API --------------------------------------------------------------------------------------------

def test_api_lists_open_warnings_with_filters(world, scanned, api):
    act_as(api, world.users[Role.REGULATOR])
    page = api.get("/api/warnings/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert page["count"] == 3
    row = next(r for r in page["results"] if r["rule"] == "major_acceptance_waiting")
    assert row["rule_title"] == "Major hazard acceptance waiting too long"
    assert row["level"] == "severe" and row["is_read"] is False
    assert row["object_type"] == "hazards.hazard" and row["object_id"] == str(scanned["major"].pk)
    assert row["url"] == reverse("hazards:detail", args=[scanned["major"].pk])
    assert row["enterprise_name"] == world.ent_a.name
    assert api.get("/api/warnings/", {"rule": "hazard_overdue"}).json()["count"] == 2
    assert api.get("/api/warnings/", {"level": "severe"}).json()["count"] == 1
    assert api.get("/api/warnings/", {"status": "closed"}).json()["count"] == 0
    assert api.get("/api/warnings/", {"status": "bogus"}).status_code == 400


def test_api_marks_read(world, scanned, api):
    act_as(api, world.users[Role.REGULATOR])
    w = warning_for("hazard_overdue", scanned["general"])
    response = api.post(f"/api/warnings/{w.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api.get("/api/warnings/", {"unread": "true"}).json()["count"] == 2
    assert api.get("/api/warnings/", {"unread": "false"}).json()["count"] == 1
    # and read-all marks the rest
    assert api.post("/api/warnings/read-all/").json() == {"marked": 2}
    assert api.get("/api/warnings/", {"unread": "true"}).json()["count"] == 0


def test_api_closed_warnings(world, scanned, api):
    Warning.objects.filter(object_id=str(scanned["general"].pk)).update(closed_at=timezone.now())
    act_as(api, world.users[Role.ENTERPRISE])
    assert api.get("/api/warnings/").json()["count"] == 0
    closed = api.get("/api/warnings/", {"status": "closed"}).json()
    assert closed["count"] == 1 and closed["results"][0]["closed_at"]
    assert api.get("/api/warnings/", {"status": "all"}).json()["count"] == 1


def test_api_needs_authentication(db, api):
    assert api.get("/api/warnings/").status_code in (401, 403)


# --- the badge and the home page --------------------------------------------------------------------------

def test_badge_is_lazy_cached_per_request_and_one_query(world, scanned):
    request = RequestFactory().get("/")
    request.user = fresh(world.users[Role.REGULATOR])
    request.user.is_authenticated  # noqa: B018 - resolve the lazy user outside the count
    # when the processor runs, then nothing is queried until a template reads the badge
    with CaptureQueriesContext(connection) as ctx:
        context = warnings_badge(request)
    assert len(ctx.captured_queries) == 0
    with CaptureQueriesContext(connection) as ctx:
        assert int(str(context["warning_unread_count"])) == 3
        assert str(context["warning_unread_label"]) == "3"
        assert bool(context["warning_unread_count"])
    # then exactly one query on the warnings (the others resolve the user's scope, once per request)
    assert len([q for q in ctx.captured_queries if "core_warning" in q["sql"]]) == 1
    # and reading it again queries nothing
    with CaptureQueriesContext(connection) as ctx:
        str(context["warning_unread_count"])
        str(warnings_badge(request)["warning_unread_label"])
    assert len(ctx.captured_queries) == 0


def test_badge_caps_at_99_plus(world, scanned):
    from anjian.alerts import engine

    request = RequestFactory().get("/")
    request.user = fresh(world.users[Role.REGULATOR])
    original = engine.UNREAD_CAP
    engine.UNREAD_CAP = 2
    try:
        request._anjian_unread_warnings = 2
        assert str(warnings_badge(request)["warning_unread_label"]) == "1+"
    finally:
        engine.UNREAD_CAP = original


def test_badge_absent_for_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert warnings_badge(request) == {}


def test_home_shows_warning_and_hazard_summaries(world, scanned):
    page = client_for(world.users[Role.REGULATOR]).get(reverse("home"), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    summary = {item["code"]: item["count"] for item in page.context["warnings"]}
    assert summary["hazard_overdue"] == 2 and summary["major_acceptance_waiting"] == 1
    assert summary["listing_overdue"] == 0
    assert "Rectification overdue" in html and "Overdue rectification" in html
    # county A: general (overdue), major (rectified), construction (overdue): 3 open, 2 overdue, 1 major
    assert page.context["hazards"] == {"open": 3, "overdue": 2, "major_open": 1, "listed": 0}


def test_home_summaries_of_the_other_county(world, scanned):
    page = client_for(world.users[OTHER_COUNTY]).get(reverse("home"))
    assert page.context["hazards"] == {"open": 1, "overdue": 1, "major_open": 0, "listed": 0}
    assert page.context["warnings_open"] == 1


def test_warning_summary_is_one_query(world, scanned):
    user = fresh(world.users[Role.REGULATOR])
    with CaptureQueriesContext(connection) as ctx:
        warning_summary(user)
    assert len([q for q in ctx.captured_queries if "core_warning" in q["sql"]]) == 1


def test_unread_first_pages_across_the_boundary(world):
    # given six overdue warnings for the regulator, two of which (the 2nd and 5th newest) are read
    from anjian.alerts.engine import UnreadFirst, mark_read

    for _ in range(6):
        overdue_hazard(world.ent_a, world.users[Role.ENTERPRISE])
    run_all_rules(timezone.now() + datetime.timedelta(days=1))
    regulator = fresh(world.users[Role.REGULATOR])
    newest_first = list(Warning.objects.order_by("-id"))
    for w in (newest_first[1], newest_first[4]):
        mark_read(w, regulator)
    source = UnreadFirst(inbox(regulator))
    # when read in pages of 4, then the four unread come first (newest first), then the two read
    assert source.counts() == (4, 6) and len(source) == 6
    pages = [source[0:4], source[4:8]]
    expected_unread = [w.pk for i, w in enumerate(newest_first) if i not in (1, 4)]
    assert [w.pk for w in pages[0]] == expected_unread
    assert [w.pk for w in pages[1]] == [newest_first[1].pk, newest_first[4].pk]
    assert [w.is_read for w in pages[0] + pages[1]] == [False] * 4 + [True] * 2
    # and a page straddling the boundary takes from both
    assert [w.pk for w in source[3:5]] == [expected_unread[3], newest_first[1].pk]
