"""The hazard pages: the ledger, reporting a hazard, one hazard's page, listed supervisions.

Every role's pages render, scoping holds (the other county's regulator sees nothing of county A
and gets 404 on its hazards), the ledger's filters and state counts work, and the ledger runs a
fixed number of queries whatever the number of rows. English assertions send
HTTP_ACCEPT_LANGUAGE="en"; the default language (zh-Hans) is checked where it matters."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.core.models import Attachment
from anjian.core.services import attachments_for, events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, EnterpriseFactory, criterion, industry, make_hazard
from anjian.portal.testing.mixins import ACTORS, OTHER_COUNTY, actor_id

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png(name="photo.png", color=(200, 40, 40)) -> SimpleUploadedFile:
    return image_upload(name, size=(64, 48), color=color)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def hz(world):
    """A general hazard and a major one (plan complete) at ent_a, a general one at ent_b."""
    ent_user = world.users[Role.ENTERPRISE]
    general = make_hazard(world.ent_a, ent_user, location="配电室", description="配电箱门未关闭，线路裸露")
    major = make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True, location="危化品库",
                        description="禁忌物混存")
    major = services.update_plan(major, actor=ent_user, plan=COMPLETE_PLAN)
    other = make_hazard(world.ent_b, world.users[OTHER_COUNTY], location="罐区", description="乙县的隐患")
    return {"general": general, "major": major, "other": other}


# --- the ledger ----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ACTORS, ids=actor_id)
def test_ledger_renders_for_every_role(world, hz, key):
    # Given a user of each role
    # When they open the ledger
    response = client_for(world.users[key]).get(reverse("hazards:list"), **EN)
    # Then the page renders with exactly the hazards in their scope
    assert response.status_code == 200
    numbers = {h.number for h in response.context["page_obj"]}
    county_a = {hz["general"].number, hz["major"].number}
    if key == OTHER_COUNTY:
        assert numbers == {hz["other"].number}
        assert not numbers & county_a
    elif key == Role.ADMIN:
        assert numbers == county_a | {hz["other"].number}
    elif key == Role.INDUSTRY_OFFICER:  # construction only; ent_a is machinery
        assert numbers == set()
    else:
        assert numbers == county_a


def test_other_county_sees_zero_of_county_a_even_when_filtering_for_it(world, hz):
    # Given the county-B regulator
    c = client_for(world.users[OTHER_COUNTY])
    # When filtering the ledger on county A's region or ent_a
    for params in ({"region": world.county_a.code}, {"enterprise": world.ent_a.pk}, {"q": hz["general"].number}):
        response = c.get(reverse("hazards:list"), params, **EN)
        # Then nothing of county A shows (a region or enterprise out of scope is not even a valid choice)
        assert response.status_code == 200
        shown = {h.number for h in response.context["page_obj"]}
        assert shown <= {hz["other"].number}
        table = response.content.decode().split("<tbody>")[1]
        assert hz["general"].number not in table and hz["major"].number not in table


def test_ledger_shows_badges_overdue_deadline_and_state_counts(world, hz):
    # Given an overdue hazard (deadline moved into the past behind the service's back)
    Hazard.objects.filter(pk=hz["general"].pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    c = client_for(world.users[Role.REGULATOR])
    # When the regulator opens the ledger
    response = c.get(reverse("hazards:list"), **EN)
    html = response.content.decode()
    # Then grades, states, the overdue badge and the red deadline show, and the chips count states
    assert "Major hazard" in html and "General hazard" in html
    assert 'class="hz-overdue"' in html
    assert "badge-danger" in html
    chips = {c["value"]: c["count"] for c in response.context["chips"]}
    assert chips[""] == 2 and chips[HazardState.REPORTED] == 2 and chips[HazardState.CLOSED] == 0
    assert response.context["overdue_count"] == 1


def test_ledger_filters_by_state_grade_overdue_and_search(world, hz):
    c = client_for(world.users[Role.REGULATOR])
    services.start_rectification(hz["major"], actor=world.users[Role.ENTERPRISE])

    def numbers(**params):
        response = c.get(reverse("hazards:list"), params, **EN)
        assert response.status_code == 200
        return {h.number for h in response.context["page_obj"]}

    assert numbers(state="rectifying") == {hz["major"].number}
    assert numbers(grade="general") == {hz["general"].number}
    assert numbers(q="配电") == {hz["general"].number}
    assert numbers(q=hz["major"].number) == {hz["major"].number}
    assert numbers(enterprise=world.ent_a.pk, sort="deadline") == {hz["general"].number, hz["major"].number}
    assert numbers(overdue="true") == set()
    today = timezone.localdate().isoformat()
    assert numbers(found_from=today, found_to=today) == {hz["general"].number, hz["major"].number}
    # The state chips keep the other filters; state counts ignore the state filter itself.
    response = c.get(reverse("hazards:list"), {"state": "rectifying", "grade": "major"}, **EN)
    chips = {ch["value"]: ch["count"] for ch in response.context["chips"]}
    assert chips[""] == 1 and chips["rectifying"] == 1 and chips["reported"] == 0


def test_ledger_invalid_filter_value_is_shown_not_a_crash(world, hz):
    response = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:list"), {"found_from": "not-a-date"},
                                                           **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["found_from"]


def test_ledger_offers_notice_when_filtered_by_enterprise(world, hz):
    c = client_for(world.users[Role.REGULATOR])
    html = c.get(reverse("hazards:list"), {"enterprise": world.ent_a.pk}, **EN).content.decode()
    assert f"{reverse('hazards:notice_create')}?enterprise={world.ent_a.pk}" in html
    # An enterprise user may not issue notices.
    html = client_for(world.users[Role.ENTERPRISE]).get(reverse("hazards:list"), {"enterprise": world.ent_a.pk},
                                                        **EN).content.decode()
    assert reverse("hazards:notice_create") not in html


def test_ledger_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    # Given the regulator's ledger with 3 hazards
    regulator, reporter = world.users[Role.REGULATOR], world.users[Role.ENTERPRISE]
    for _i in range(3):
        make_hazard(world.ent_a, reporter)
    c = client_for(regulator)
    url = reverse("hazards:list")
    assert c.get(url).status_code == 200  # warm-up (content types, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    small = len(ctx)
    # When it grows to 60 hazards over several enterprises, industries and with listings
    extra = [EnterpriseFactory(region=world.township_a, industry=industry(code)) for code in ("0504", "0601")]
    for i in range(57):
        h = make_hazard(extra[i % 2] if i % 3 else world.ent_a, regulator, major=i % 5 == 0)
        if i % 7 == 0:
            Hazard.objects.filter(pk=h.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    # Then the page runs exactly as many queries
    with django_assert_num_queries(small):
        response = c.get(url)
    assert response.context["page_obj"].paginator.count == 60


# --- reporting ---------------------------------------------------------------------------------

def report_data(**extra):
    data = {
        "location": "二车间", "description": "砂轮机防护罩缺失", "category": "object", "grade": "general",
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(extra)
    return data


def test_enterprise_user_reports_a_hazard_with_photos_for_its_own_enterprise(world):
    # Given the enterprise user on the report form (its enterprise is fixed)
    c = client_for(world.users[Role.ENTERPRISE])
    form = c.get(reverse("hazards:create"), **EN).context["form"]
    assert form.fields["enterprise"].disabled
    # When it reports a hazard with two photos, even naming another enterprise
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_b.pk, photos=[png(), png("b.png")]),
                      **EN)
    # Then the hazard is in the ledger for its own enterprise, reported, with the photos
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.enterprise == world.ent_a and hazard.state == HazardState.REPORTED
    assert hazard.source == "self_inspection"
    photos = list(attachments_for(hazard))
    assert [p.kind for p in photos] == [Attachment.Kind.PHOTO] * 2
    assert events_for(hazard).get().action == "reported"


def test_report_form_offers_only_enterprises_in_scope(world):
    form = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:create"), **EN).context["form"]
    assert set(form.fields["enterprise"].queryset) == {world.ent_a, world.ent_a_construction}
    # And a posted enterprise outside the scope is refused next to the field
    response = client_for(world.users[Role.REGULATOR]).post(reverse("hazards:create"),
                                                            report_data(enterprise=world.ent_b.pk), **EN)
    assert response.status_code == 400
    assert response.context["form"].errors["enterprise"]
    assert not Hazard.objects.exists()


def test_major_hazard_needs_its_criterion_error_next_to_the_field(world):
    c = client_for(world.users[Role.REGULATOR])
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_a.pk, grade="major"), **EN)
    assert response.status_code == 400
    assert "criterion" in response.context["form"].errors
    assert "major-hazard criterion" in response.content.decode()
    # With the criterion the major hazard is reported
    crit = criterion()
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_a.pk, grade="major",
                                                             criterion=crit.pk), **EN)
    assert response.status_code == 302
    assert Hazard.objects.get().criterion == crit


def test_report_errors_are_in_chinese_by_default(world):
    c = client_for(world.users[Role.REGULATOR])
    past = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_a.pk, deadline=past, location=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项" in html  # Django's own "This field is required."
    assert "重大隐患" in html  # the grade choices


def test_report_rejects_a_non_image_photo(world):
    c = client_for(world.users[Role.ENTERPRISE])
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = c.post(reverse("hazards:create"), report_data(photos=[bad]), **EN)
    assert response.status_code == 400
    assert response.context["form"].errors["photos"]


@pytest.mark.parametrize("key", [Role.COMMITTEE_OFFICE], ids=actor_id)
def test_roles_without_the_right_cannot_report(world, key):
    assert client_for(world.users[key]).get(reverse("hazards:create")).status_code == 403


# --- one hazard ----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [k for k in ACTORS if k not in (OTHER_COUNTY, Role.INDUSTRY_OFFICER)],
                         ids=actor_id)
def test_detail_renders_for_every_role_in_scope(world, hz, key):
    response = client_for(world.users[key]).get(reverse("hazards:detail", args=[hz["major"].pk]), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert hz["major"].number in html and "禁忌物混存" in html
    assert "五落实" in html or "plan" in html.lower()


@pytest.mark.parametrize("key", [OTHER_COUNTY, Role.INDUSTRY_OFFICER], ids=actor_id)
def test_detail_out_of_scope_is_404(world, hz, key):
    c = client_for(world.users[key])
    assert c.get(reverse("hazards:detail", args=[hz["general"].pk])).status_code == 404
    assert c.get(reverse("hazards:action", args=[hz["general"].pk, "start_rectification"])).status_code == 404


def test_detail_shows_buttons_from_available_actions(world, hz):
    ent = client_for(world.users[Role.ENTERPRISE])
    buttons = [b["name"] for b in ent.get(reverse("hazards:detail", args=[hz["general"].pk])).context["buttons"]]
    # the buttons are the API's available actions (voiding included), one function for both
    assert sorted(buttons) == sorted(services.available_actions(world.users[Role.ENTERPRISE], hz["general"]))
    assert buttons[0] == "start_rectification"  # the next step of the loop comes first
    # The committee office only reads: no buttons
    office = client_for(world.users[Role.COMMITTEE_OFFICE])
    assert office.get(reverse("hazards:detail", args=[hz["general"].pk])).context["buttons"] == []


def test_detail_flags_missing_plan_items_and_dual_reports(world):
    hazard = make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True)
    services.update_plan(hazard, actor=world.users[Role.ENTERPRISE], plan={"plan_responsible": "张三"})
    response = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:detail", args=[hazard.pk]), **EN)
    html = response.content.decode()
    assert response.context["plan_missing"]
    assert html.count("hz-missing-item") == 4 + 2  # four plan items and both reports missing
    assert "张三" in html


def test_detail_shows_photos_timeline_and_history(world):
    ent_user = world.users[Role.ENTERPRISE]
    hazard = services.report_hazard(actor=ent_user, enterprise=world.ent_a, photos=[png()], data={
        "location": "仓库", "description": "安全出口被堵塞", "deadline": timezone.localdate()})
    services.start_rectification(hazard, actor=ent_user, comment="马上清理")
    response = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:detail", args=[hazard.pk]), **EN)
    html = response.content.decode()
    photo = attachments_for(hazard).get()
    assert reverse("hazards:attachment", args=[hazard.pk, photo.pk]) in html
    assert [e["action"] for e in response.context["timeline"]] == ["rectification_started", "reported"]
    assert "Reported → Rectifying" in html and "马上清理" in html
    assert response.context["history"]


def test_attachment_is_served_in_scope_only(world):
    hazard = services.report_hazard(actor=world.users[Role.ENTERPRISE], enterprise=world.ent_a, photos=[png()],
                                    data={"location": "仓库", "description": "堵塞", "deadline": timezone.localdate()})
    photo = attachments_for(hazard).get()
    url = reverse("hazards:attachment", args=[hazard.pk, photo.pk])
    response = client_for(world.users[Role.REGULATOR]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(world.users[OTHER_COUNTY]).get(url).status_code == 404
    other = make_hazard(world.ent_a, world.users[Role.REGULATOR])
    assert client_for(world.users[Role.REGULATOR]).get(
        reverse("hazards:attachment", args=[other.pk, photo.pk])).status_code == 404


# --- listed supervisions ------------------------------------------------------------------------------

def test_listings_page_shows_active_listings_in_scope(world, hz):
    regulator = world.users[Role.REGULATOR]
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    services.list_for_supervision(hz["major"], actor=regulator, level="county", department=world.dept_a,
                                  deadline=deadline, document_number="甲安督〔2026〕1号")
    response = client_for(regulator).get(reverse("hazards:listings"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert hz["major"].number in html and "甲安督〔2026〕1号" in html and "County level" in html
    # Filters: level, overdue
    assert client_for(regulator).get(reverse("hazards:listings"), {"level": "city"}).context[
        "page_obj"].paginator.count == 0
    assert client_for(regulator).get(reverse("hazards:listings"), {"overdue": "true"}).context[
        "page_obj"].paginator.count == 0
    # The other county sees none of it
    other = client_for(world.users[OTHER_COUNTY]).get(reverse("hazards:listings"), {"state": ""})
    assert other.status_code == 200 and other.context["page_obj"].paginator.count == 0


def test_listings_overdue_deadline_is_red(world, hz):
    listing = services.list_for_supervision(hz["major"], actor=world.users[Role.REGULATOR], level="county",
                                            department=world.dept_a,
                                            deadline=timezone.localdate() + datetime.timedelta(days=1))
    type(listing).objects.filter(pk=listing.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    response = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:listings"), {"overdue": "true"}, **EN)
    assert response.context["page_obj"].paginator.count == 1
    assert 'class="hz-overdue"' in response.content.decode()


@pytest.mark.parametrize("key", ACTORS, ids=actor_id)
def test_listings_page_renders_for_every_role(world, key):
    assert client_for(world.users[key]).get(reverse("hazards:listings")).status_code == 200


def test_report_form_takes_a_code_or_name_when_the_scope_is_too_large_for_a_list(world, monkeypatch):
    # Given a jurisdiction with more enterprises than a select may list
    monkeypatch.setattr("anjian.hazards.forms_report.ENTERPRISE_SELECT_LIMIT", 1)
    c = client_for(world.users[Role.REGULATOR])
    assert c.get(reverse("hazards:create"), **EN).context["form"].fields["enterprise"].widget.input_type == "text"
    # When the enterprise is typed by its exact name / by a code outside the scope
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_a.name), **EN)
    assert response.status_code == 302
    assert Hazard.objects.get().enterprise == world.ent_a
    response = c.post(reverse("hazards:create"), report_data(enterprise=world.ent_b.credit_code), **EN)
    # Then the one in scope is found, the other is refused next to the field
    assert response.status_code == 400 and response.context["form"].errors["enterprise"]
