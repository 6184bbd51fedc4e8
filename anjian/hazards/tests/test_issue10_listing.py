"""Issue #10, listed supervision (挂牌督办): the levels include the province; the level is the
listing department's region level (a county's officer cannot list at city level), and the
department is the actor's own unless another of their jurisdiction is named. The completion rate
in the statistics counts only delistings within the listing's deadline. The four deadlines of one
hazard (rectification, 五落实 plan, rectification notice, listing) are checked against each
other, and a mismatch is shown on the hazard's page and in the API detail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from anjian.hazards import services
from anjian.hazards.choices import HazardState, ListingLevel
from anjian.hazards.models import Hazard, ListedSupervision
from anjian.hazards.selectors import deadline_mismatches, hazard_statistics
from anjian.orgs.choices import DepartmentKind, Role
from anjian.portal.testing.factories import (
    COMPLETE_PLAN,
    DepartmentFactory,
    make_hazard,
    make_user,
    pass_recheck,
)
from anjian.portal.testing.mixins import act_as, api_url, fresh
from anjian.regions.choices import RegionLevel

pytestmark = pytest.mark.django_db
S = HazardState


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]  # county A, department dept_a


@pytest.fixture
def major(world, regulator):
    """A major hazard of enterprise A (by a listed criterion), due in 40 days, with its plan."""
    return make_hazard(world.ent_a, regulator, major=True, deadline=in_days(40),
                       **{**COMPLETE_PLAN, "plan_deadline": in_days(40)})


# --- levels and the department --------------------------------------------------------------------

def test_the_levels_include_the_province():
    assert ListingLevel.values == ["province", "city", "county", "township"]
    with translation.override("zh-hans"):
        assert str(ListingLevel.PROVINCE.label) == "省级"


def test_a_county_officer_lists_at_county_level_with_their_own_department(major, regulator, world):
    listing = services.list_for_supervision(major, actor=regulator, deadline=in_days(40))
    assert (listing.level, listing.department) == (ListingLevel.COUNTY, world.dept_a)


def test_a_county_officer_cannot_list_at_city_level(major, regulator):
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(major, actor=regulator, level=ListingLevel.CITY, deadline=in_days(40))
    assert list(e.value.message_dict) == ["level"]
    assert not ListedSupervision.objects.exists()


def test_a_county_officer_cannot_name_the_citys_department(major, regulator, world):
    city_dept = DepartmentFactory(name="测试市应急管理局", region=world.city, kind=DepartmentKind.REGULATOR)
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(major, actor=regulator, department=city_dept, deadline=in_days(40))
    assert "department" in e.value.message_dict


def test_a_city_and_a_province_officer_list_at_their_own_levels(world, major):
    city_dept = DepartmentFactory(name="测试市应急管理局", region=world.city, kind=DepartmentKind.REGULATOR)
    province_dept = DepartmentFactory(name="测试省应急管理厅", region=world.province, kind=DepartmentKind.REGULATOR)
    city = make_user(Role.REGULATOR, scope_region=world.city, department=city_dept)
    province = make_user(Role.REGULATOR, scope_region=world.province, department=province_dept)
    listing = services.list_for_supervision(major, actor=province, deadline=in_days(40))
    assert (listing.level, listing.department) == (ListingLevel.PROVINCE, province_dept)
    # the province officer may also list through the city's department: at city level then
    other = make_hazard(world.ent_a, city, major=True, **COMPLETE_PLAN)
    assert services.list_for_supervision(other, actor=province, department=city_dept,
                                         deadline=in_days(40)).level == ListingLevel.CITY


def test_an_officer_without_a_department_must_name_one(world, major):
    lone = make_user(Role.REGULATOR, scope_region=world.county_a)
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(major, actor=lone, deadline=in_days(40))
    assert "department" in e.value.message_dict


def test_a_village_unit_cannot_list(world, major):
    from anjian.portal.testing.factories import RegionFactory

    village = RegionFactory(name="甲村", level=RegionLevel.VILLAGE, parent=world.township_a)
    village_unit = DepartmentFactory(name="甲村委会", region=village, kind=DepartmentKind.REGULATOR)
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(major, actor=world.users[Role.ADMIN], department=village_unit,
                                      deadline=in_days(40))
    assert "department" in e.value.message_dict


def test_api_lists_at_the_departments_level_and_refuses_another(world, api, major, regulator):
    url = api_url("hazard", major.pk, "list-for-supervision")
    refused = act_as(api, regulator).post(url, {"level": "city", "deadline": in_days(40).isoformat()}, format="json")
    assert refused.status_code == 400 and "县级" in refused.json()["level"][0]
    done = act_as(api, regulator).post(url, {"deadline": in_days(40).isoformat()}, format="json")
    assert done.status_code == 200, done.content
    [summary] = done.json()["listings"]
    assert (summary["level"], summary["department"]) == ("county", world.dept_a.pk)


def test_list_page_defaults_to_the_departments_level(major, regulator, world):
    client = Client()
    client.force_login(regulator)
    url = reverse("hazards:action", args=[major.pk, "list"])
    form = client.get(url).context["form"]
    assert form["level"].value() == "county" and form["department"].value() == world.dept_a.pk
    response = client.post(url, {"version": major.version, "level": "", "department": world.dept_a.pk,
                                 "deadline": in_days(40).isoformat(), "document_number": "", "requirements": ""})
    assert response.status_code == 302
    assert ListedSupervision.objects.get().level == ListingLevel.COUNTY


# --- the completion rate ------------------------------------------------------------------------

def _listed_and_delisted(world, regulator, *, late: bool) -> Hazard:
    """A major hazard listed, rectified, accepted, closed out and delisted (by the county A
    regulator); ``late``: the listing's deadline had passed when it was delisted."""
    ent_user = world.users[Role.ENTERPRISE]
    h = make_hazard(world.ent_a, regulator, major=True, **COMPLETE_PLAN)
    listing = services.list_for_supervision(h, actor=regulator, deadline=in_days(10))
    h = services.start_rectification(Hazard.objects.get(pk=h.pk), actor=ent_user)
    h = services.submit_rectification(h, actor=ent_user, note="已整改")
    h = pass_recheck(services.accept_rectification(h, actor=regulator), regulator)
    h = services.close_hazard(h, actor=regulator)
    services.delist(listing, actor=regulator, comment="已销号")
    if late:
        ListedSupervision.objects.filter(pk=listing.pk).update(deadline=timezone.localdate()
                                                                - datetime.timedelta(days=3))
    return h


def test_the_completion_rate_counts_only_delistings_within_the_deadline(world, regulator):
    # given three listed major hazards: one delisted in time, one delisted late, one still listed
    _listed_and_delisted(world, regulator, late=False)
    _listed_and_delisted(world, regulator, late=True)
    services.list_for_supervision(make_hazard(world.ent_a, regulator, major=True, **COMPLETE_PLAN),
                                  actor=regulator, deadline=in_days(10))
    # then 3 listed, 2 delisted, 1 within its deadline: 挂牌督办完成率 = 1/3 (it was 2/3)
    total = hazard_statistics(fresh(regulator), group_by="grade").total
    assert (total.counts["listed"], total.counts["delisted"], total.counts["delisted_on_time"]) == (3, 2, 1)
    assert total.rates["listing_rate"] == 1 / 3


def test_the_statistics_api_and_page_show_the_on_time_delistings(world, api, regulator):
    _listed_and_delisted(world, regulator, late=True)
    body = act_as(api, regulator).get(reverse("api-hazard-statistics"), {"group_by": "grade"}).json()
    assert (body["total"]["delisted"], body["total"]["delisted_on_time"], body["total"]["listing_rate"]) == (1, 0, 0)
    client = Client()
    client.force_login(regulator)
    page = client.get(reverse("hazards:statistics")).content.decode()
    assert "在督办期限内摘牌数" in page


# --- the four deadlines ------------------------------------------------------------------------------

def _notice(world, hazard, deadline):
    return services.issue_notice(actor=world.users[Role.REGULATOR], department=world.dept_a, hazards=[hazard],
                                 deadline=deadline)


def test_deadlines_that_agree_say_nothing(world, major, regulator):
    _notice(world, major, in_days(40))
    # (the notice is a step on the hazard: the listing is taken on the hazard as it is now)
    services.list_for_supervision(Hazard.objects.get(pk=major.pk), actor=regulator, deadline=in_days(40))
    assert deadline_mismatches(Hazard.objects.get(pk=major.pk)) == []


def test_every_disagreement_is_named(world, major, regulator):
    # the plan runs past the rectification deadline, which runs past the notice's and the
    # listing's, and the listing's deadline differs from the notice's
    h = services.update_plan(major, actor=regulator, plan={"plan_deadline": in_days(50)})
    _notice(world, h, in_days(30))
    services.list_for_supervision(Hazard.objects.get(pk=h.pk), actor=regulator, deadline=in_days(35))
    with translation.override("en"):
        found = deadline_mismatches(Hazard.objects.get(pk=h.pk))
    assert len(found) == 6
    assert found[0].startswith("The 五落实 plan's time limit") and "later than the rectification deadline" in found[0]
    assert any("differs from the deadline of rectification notice" in text for text in found)


def test_only_the_latest_notice_counts_and_a_closed_hazard_says_nothing(world, major):
    _notice(world, major, in_days(20))
    _notice(world, major, in_days(45))
    assert deadline_mismatches(Hazard.objects.get(pk=major.pk)) == []
    Hazard.objects.filter(pk=major.pk).update(state=S.CLOSED, deadline=in_days(90))
    assert deadline_mismatches(Hazard.objects.get(pk=major.pk)) == []


def test_the_page_and_the_api_detail_show_the_mismatch_in_chinese(world, api, major, regulator):
    _notice(world, major, in_days(30))
    client = Client()
    client.force_login(regulator)
    page = client.get(reverse("hazards:detail", args=[major.pk])).content.decode()
    assert "各项期限不一致" in page and "晚于整改通知单" in page
    body = act_as(api, regulator).get(api_url("hazard", major.pk)).json()
    assert len(body["deadline_mismatches"]) == 2 and "晚于整改通知单" in body["deadline_mismatches"][0]


def test_the_detail_page_reads_the_deadlines_without_more_queries(world, major, regulator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(regulator)
    url = reverse("hazards:detail", args=[major.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _notice(world, major, in_days(30))
    _notice(world, major, in_days(31))
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
