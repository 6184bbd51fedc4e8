"""Listed supervision (挂牌督办) and rectification notices (整改通知单) through the API: scoped
lists and filters, progress reports, delisting only after close-out, issuing notices, and the
hook for the notice's PDF."""

import datetime

import pytest
from django.utils import timezone

from anjian.core.services import events_for
from anjian.hazards import services
from anjian.hazards.choices import HazardState, ListingState
from anjian.hazards.models import Hazard, ListedSupervision, RectificationNotice
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, make_hazard, pass_recheck
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect, get_page, list_count

pytestmark = pytest.mark.django_db

S = HazardState


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def listed(world, *, enterprise=None, level="county", deadline_days=30) -> ListedSupervision:
    """A major hazard listed for supervision by the administrator."""
    admin = world.users[Role.ADMIN]
    hazard = make_hazard(enterprise or world.ent_a, admin, major=True, **COMPLETE_PLAN)
    dept = world.dept_b if (enterprise is world.ent_b) else world.dept_a
    if level == "city":
        # the level is the listing department's region level (issue #10): a city-level listing
        # is made by a city department
        from anjian.orgs.choices import DepartmentKind
        from anjian.orgs.models import Department

        dept = Department.objects.get_or_create(region=world.city, name="测试市应急管理局",
                                                defaults={"kind": DepartmentKind.REGULATOR})[0]
    return services.list_for_supervision(hazard, actor=admin, level=level, department=dept,
                                         deadline=in_days(deadline_days))


def close_out(world, listing: ListedSupervision) -> Hazard:
    """The enterprise rectifies the listed hazard; county A's regulator accepts and closes it out."""
    h = Hazard.objects.get(pk=listing.hazard_id)
    enterprise, regulator = world.users[Role.ENTERPRISE], world.users[Role.REGULATOR]
    h = services.start_rectification(h, actor=enterprise)
    h = services.submit_rectification(h, actor=enterprise, note="已整改")
    h = pass_recheck(services.accept_rectification(h, actor=regulator), regulator)
    return services.close_hazard(h, actor=regulator)


# --- listed supervision ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "count"),
    [(Role.ADMIN, 2), (Role.REGULATOR, 1), (Role.ENTERPRISE, 1), (Role.GRID_OFFICER, 1),
     (Role.INDUSTRY_OFFICER, 0), ("other_county", 1)],
    ids=["admin", "regulator", "enterprise", "grid-officer", "industry-officer", "other-county"],
)
def test_listings_are_scoped(world, api, who, count):
    # given one listing in county A and one in county B
    a = listed(world)
    listed(world, enterprise=world.ent_b)
    client = act_as(api, world.users[who])
    # when each user reads the listings, then they see their jurisdiction's only
    assert list_count(client, api_url("listed-supervision")) == count
    # and county A's listing exists for them only if they see it in the list
    expected = 200 if who in (Role.ADMIN, Role.REGULATOR, Role.ENTERPRISE, Role.GRID_OFFICER) else 404
    assert client.get(api_url("listed-supervision", a.pk)).status_code == expected


def test_listing_detail(world, api):
    # given a listing with a progress report
    listing = listed(world)
    services.report_listing_progress(listing, actor=world.users[Role.ENTERPRISE], content="阀门已订货")
    # when the regulator reads it, then it shows the hazard, the unit and the progress
    body = act_as(api, world.users[Role.REGULATOR]).get(api_url("listed-supervision", listing.pk)).json()
    assert body["hazard"] == listing.hazard_id and body["hazard_number"] == listing.hazard.number
    assert body["department_name"] == world.dept_a.name and body["level"] == "county"
    assert body["state"] == ListingState.LISTED and body["is_overdue"] is False
    assert [p["content"] for p in body["progress"]] == ["阀门已订货"]
    assert body["progress"][0]["reported_by"] == world.users[Role.ENTERPRISE].name


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"level": "city"}, {"city"}), ({"level": "county"}, {"county", "late"}), ({"state": "listed"},
     {"city", "county", "late"}), ({"state": "delisted"}, set()), ({"overdue": "true"}, {"late"}),
     ({"overdue": "false"}, {"city", "county"})],
    ids=["level-city", "level-county", "listed", "delisted", "overdue", "not-overdue"],
)
def test_listing_filters(world, api, params, expected):
    # given a city-level and two county-level listings, one past its deadline
    rows = {"city": listed(world, level="city"), "county": listed(world), "late": listed(world)}
    ListedSupervision.objects.filter(pk=rows["late"].pk).update(deadline=in_days(-1))
    # when the regulator filters them, then exactly the expected ones are listed
    page = get_page(act_as(api, world.users[Role.REGULATOR]), api_url("listed-supervision"), **params)
    assert {r["id"] for r in page["results"]} == {rows[name].pk for name in expected}


PROGRESS = expect(403, admin=200, regulator=200, enterprise=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_progress_by_role(world, api, who):
    # given a listing, and a user of this role
    listing = listed(world)
    # when they report progress
    response = act_as(api, world.users[who]).post(api_url("listed-supervision", listing.pk, "progress"),
                                                  {"content": "已完成管道更换"}, format="json")
    # then the enterprise and the regulators report; the report is on the listing and the hazard's timeline
    assert response.status_code == PROGRESS[who], response.content
    reported = response.status_code == 200
    assert listing.progress.exists() is reported
    assert events_for(listing.hazard).filter(action="listing_progress").exists() is reported
    if reported:
        assert response.json()["progress"][0]["content"] == "已完成管道更换"


def test_progress_needs_content(world, api):
    listing = listed(world)
    # given the enterprise, when it reports empty progress, then 400 names the content
    response = act_as(api, world.users[Role.ENTERPRISE]).post(api_url("listed-supervision", listing.pk, "progress"),
                                                              {"content": ""}, format="json")
    assert response.status_code == 400 and "content" in response.json()


def test_delist_is_refused_before_close_out(world, api):
    # given a listing whose hazard is accepted but not yet closed out
    listing = listed(world)
    h = Hazard.objects.get(pk=listing.hazard_id)
    admin = world.users[Role.ADMIN]
    h = services.start_rectification(h, actor=admin)
    h = services.submit_rectification(h, actor=admin, note="已整改")
    services.accept_rectification(h, actor=world.users[Role.REGULATOR])
    # when the regulator delists it, in English
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("listed-supervision", listing.pk, "delist"), {},
                                                             format="json", HTTP_ACCEPT_LANGUAGE="en")
    # then 400 on the state: only a closed-out hazard is delisted; it stays listed
    assert response.status_code == 400, response.content
    # (the delist step's source state is declared with the machine: the refusal names the state now)
    assert response.json()["state"] == ["This step is not possible while the record is Accepted."]
    listing.refresh_from_db()
    assert listing.state == ListingState.LISTED and Hazard.objects.get(pk=h.pk).is_listed


DELIST = expect(403, admin=200, regulator=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_delist_by_role_after_close_out(world, api, who):
    # given a listing whose hazard the regulator accepted and that was closed out
    listing = listed(world)
    close_out(world, listing)
    # when a user of this role delists it
    response = act_as(api, world.users[who]).post(api_url("listed-supervision", listing.pk, "delist"),
                                                  {"comment": "整改到位，予以摘牌"}, format="json")
    # then only a regulator of the jurisdiction (or an administrator) may
    assert response.status_code == DELIST[who], response.content
    listing.refresh_from_db()
    delisted = response.status_code == 200
    assert (listing.state == ListingState.DELISTED) is delisted
    assert Hazard.objects.get(pk=listing.hazard_id).is_listed is not delisted
    if delisted:
        assert response.json()["state"] == ListingState.DELISTED
        assert response.json()["delist_comment"] == "整改到位，予以摘牌"


def test_delisting_twice_is_a_conflict(world, api):
    # given a delisted listing
    listing = listed(world)
    close_out(world, listing)
    client = act_as(api, world.users[Role.REGULATOR])
    assert client.post(api_url("listed-supervision", listing.pk, "delist"), {}, format="json").status_code == 200
    # when it is delisted again, then 409
    assert client.post(api_url("listed-supervision", listing.pk, "delist"), {}, format="json").status_code == 409


def test_listings_are_read_only(world, api):
    # given a listing, when the administrator tries to edit or delete it directly, then the method is not there
    listing = listed(world)
    client = act_as(api, world.users[Role.ADMIN])
    assert client.patch(api_url("listed-supervision", listing.pk), {"level": "city"},
                        format="json").status_code == 405
    assert client.post(api_url("listed-supervision"), {}, format="json").status_code == 405


# --- rectification notices --------------------------------------------------------------------------


def notice_payload(world, hazards, **extra) -> dict:
    return {"hazards": [h.pk for h in hazards], "deadline": in_days(15).isoformat(),
            "requirements": "立即整改，逾期将依法处理", **extra}


ISSUE = expect(403, admin=400, regulator=201, industry_officer=400, other_county=400)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_issue_notice_by_role(world, api, who):
    # given two open hazards of enterprise A, and a user of this role (issuing for their own department)
    hazards = [make_hazard(world.ent_a), make_hazard(world.ent_a)]
    # when they issue a notice for them
    response = act_as(api, world.users[who]).post(api_url("rectification-notice"), notice_payload(world, hazards),
                                                  format="json")
    # then only who may issue notices does (the administrator has no department of their own: 400;
    # the construction officer and county B cannot pick these hazards: 400)
    assert response.status_code == ISSUE[who], response.content
    assert RectificationNotice.objects.exists() is (response.status_code == 201)


def test_issued_notice_reads_back(world, api):
    # given the regulator issues a notice for two hazards of enterprise A
    hazards = [make_hazard(world.ent_a), make_hazard(world.ent_a)]
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("rectification-notice"), notice_payload(world, hazards), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # then it is numbered, for enterprise A, by the regulator's department, listing both hazards
    assert body["number"].startswith("ZG") and body["enterprise"] == world.ent_a.pk
    assert body["department"] == world.dept_a.pk and body["issued_by"] == world.users[Role.REGULATOR].name
    assert [h["id"] for h in body["hazard_list"]] == sorted(h.pk for h in hazards)
    # and each hazard's timeline says so
    assert all(events_for(h).filter(action="notice_issued").exists() for h in hazards)
    # and it reads back in the list and the detail
    assert client.get(api_url("rectification-notice", body["id"])).json()["number"] == body["number"]
    assert get_page(client, api_url("rectification-notice"), enterprise=world.ent_a.pk)["count"] == 1


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda w: [make_hazard(w.ent_a), make_hazard(w.ent_a_construction)], "hazards"),  # two enterprises
        (lambda w: [make_hazard(w.ent_b)], "hazards"),                                    # out of jurisdiction
        (lambda w: [], "hazards"),
    ],
    ids=["two-enterprises", "out-of-scope", "none"],
)
def test_invalid_notice_names_the_field(world, api, make, field):
    # given hazards a notice cannot cover, when the regulator issues it, then 400 names the hazards
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("rectification-notice"),
                                                             notice_payload(world, make(world)), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not RectificationNotice.objects.exists()


def test_notice_for_a_closed_hazard_is_refused(world, api):
    admin = world.users[Role.ADMIN]
    h = make_hazard(world.ent_a, admin)
    for step, kwargs in [(services.start_rectification, {}), (services.submit_rectification, {"note": "好"}),
                         (services.accept_rectification, {}), (pass_recheck, None), (services.close_hazard, {})]:
        h = pass_recheck(h, admin) if kwargs is None else step(h, actor=admin, **kwargs)
    # given a closed hazard, when a notice is issued for it, then 400 names the hazards
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("rectification-notice"),
                                                             notice_payload(world, [h]), format="json")
    assert response.status_code == 400 and "hazards" in response.json()


def test_administrator_names_the_issuing_unit(world, api):
    # given the administrator (no department), when they name the issuing unit, then the notice is issued
    response = act_as(api, world.users[Role.ADMIN]).post(
        api_url("rectification-notice"), notice_payload(world, [make_hazard(world.ent_a)], department=world.dept_a.pk),
        format="json")
    assert response.status_code == 201, response.content


def test_notices_are_scoped(world, api):
    # given a notice for a hazard of county A
    notice = services.issue_notice(actor=world.users[Role.REGULATOR], department=world.dept_a,
                                   hazards=[make_hazard(world.ent_a)], deadline=in_days(10))
    # then county B's regulator neither lists nor finds it; the enterprise does
    other = act_as(api, world.users["other_county"])
    assert list_count(other, api_url("rectification-notice")) == 0
    assert other.get(api_url("rectification-notice", notice.pk)).status_code == 404
    own = act_as(api, world.users[Role.ENTERPRISE])
    assert list_count(own, api_url("rectification-notice")) == 1


def test_notice_pdf(world, api):
    # given a notice (its document is anjian.hazards.documents.notice_pdf)
    notice = services.issue_notice(actor=world.users[Role.REGULATOR], department=world.dept_a,
                                   hazards=[make_hazard(world.ent_a)], deadline=in_days(10))
    # when the regulator, or the enterprise asking for a PDF, gets it, then it is the notice as a PDF document
    response = act_as(api, world.users[Role.REGULATOR]).get(api_url("rectification-notice", notice.pk, "pdf"))
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="{notice.number}.pdf"'
    own = act_as(api, world.users[Role.ENTERPRISE]).get(api_url("rectification-notice", notice.pk, "pdf"),
                                                        HTTP_ACCEPT="application/pdf")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    # and out of jurisdiction the notice does not exist
    other = act_as(api, world.users["other_county"]).get(api_url("rectification-notice", notice.pk, "pdf"))
    assert other.status_code == 404
