"""复查: a hazard found by a government, grid or expert inspection, or put on a rectification
notice, is closed out only after the side that found it re-checked the rectification and it
passed. The re-check is due within a time limit (TimeLimit "recheck": 10 days from the deadline or
from the enterprise's report of completion, whichever comes first), which is editable data with
its source. A re-check that does not pass sets a new deadline and sends the hazard back.

Services (state machine, rights, lock + version), the API (one route, 409 on a stale version,
404 for another county, the role table), the pages (buttons agree with available_actions), the
re-check opinion (整改复查意见书) as print view and PDF (pypdf), and the overdue warning."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.choices import HazardSource, HazardState, RecheckOutcome
from anjian.hazards.data.time_limits import RECHECK
from anjian.hazards.documents import RECHECK_TITLE, recheck_pdf
from anjian.hazards.models import Hazard, Recheck, TimeLimit
from anjian.hazards.policy import policy
from anjian.hazards.views import ACTIONS
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, make_hazard
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = HazardState


@pytest.fixture(autouse=True)
def _one_person_may_rectify_and_accept(settings):
    """These tests are about the re-check; the rule that the acceptor is not the rectifier
    (ANJIAN_HAZARD_ACCEPTOR_DIFFERS) has its own tests (test_issue10_acceptance.py)."""
    settings.ANJIAN_HAZARD_ACCEPTOR_DIFFERS = False


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(p.extract_text() for p in reader.pages).split())


def fresh(h) -> Hazard:
    return Hazard.objects.get(pk=h.pk)


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def found(world, actor, *, major=False, source=None, **data) -> Hazard:
    """A hazard of enterprise A found by ``actor`` (its role gives the source)."""
    if major:
        data = {**COMPLETE_PLAN, **data}
    return make_hazard(world.ent_a, actor, major=major, **({"source": source} if source else {}), **data)


def rectified(h, ent_user) -> Hazard:
    h = services.start_rectification(fresh(h), actor=ent_user)
    return services.submit_rectification(h, actor=ent_user, note="已加装防护罩")


def past_deadline(world, actor, *, late_by: int, **data) -> Hazard:
    """A hazard found long ago whose deadline passed ``late_by`` days ago, not reported done."""
    found_at = timezone.now() - datetime.timedelta(days=late_by + 30)
    return found(world, actor, found_at=found_at, deadline=days_ago(late_by), **data)


# --- which hazards are re-checked -------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "needed"), [(Role.REGULATOR, True), (Role.GRID_OFFICER, True),
                                              (Role.EXPERT, True), (Role.ENTERPRISE, False)])
def test_inspections_need_a_recheck_self_inspections_do_not(world, role, needed):
    h = found(world, world.users[role])
    assert h.recheck_required is needed and services.needs_recheck(h) is needed


def test_a_notice_makes_a_self_reported_hazard_need_a_recheck(world, ent_user, regulator):
    h = found(world, ent_user)
    assert not h.recheck_required
    services.issue_notice(actor=regulator, department=world.dept_a, hazards=[h],
                          deadline=today() + datetime.timedelta(days=10))
    assert fresh(h).recheck_required


# --- the state machine ------------------------------------------------------------------------------------

def test_close_out_waits_for_a_passed_recheck(world, ent_user, regulator):
    # Given a hazard the regulator found, rectified and accepted by the enterprise (a general hazard)
    h = services.accept_rectification(rectified(found(world, regulator), ent_user), actor=ent_user)
    # Then it cannot be closed out yet, and "close" is not offered; the regulator is offered the re-check
    with pytest.raises(ValidationError) as e:
        services.close_hazard(h, actor=ent_user)
    assert "state" in e.value.message_dict
    assert "recheck" in services.available_actions(regulator, h)
    assert "recheck" not in services.available_actions(ent_user, h)
    # When the regulator's re-check passes, the hazard stays accepted and may be closed out
    recheck = services.record_recheck(h, actor=regulator, outcome="passed", opinion="现场复查合格")
    h = fresh(h)
    assert h.state == S.ACCEPTED and h.rechecked_at is not None and h.version == 5
    assert recheck.number == f"FC{today():%Y}{recheck.pk:09d}" and recheck.department == world.dept_a
    assert "recheck" not in services.available_actions(regulator, h)
    assert services.close_hazard(h, actor=ent_user).state == S.CLOSED


def test_a_passed_recheck_accepts_a_rectified_hazard(world, ent_user, regulator):
    h = rectified(found(world, regulator, major=True), ent_user)
    services.record_recheck(h, actor=regulator, outcome="passed", opinion="复查合格", inspectors="李四、王五")
    h = fresh(h)
    assert (h.state, h.accepted_by, h.accepted_at is not None) == (S.ACCEPTED, regulator, True)
    event = events_for(h).get(action="rechecked")
    assert (event.from_state, event.to_state, event.data["outcome"]) == (S.RECTIFIED, S.ACCEPTED, "passed")
    assert services.close_hazard(h, actor=regulator).state == S.CLOSED


def test_a_failed_recheck_sends_it_back_with_a_new_deadline(world, ent_user, regulator):
    h = services.accept_rectification(rectified(found(world, regulator), ent_user), actor=ent_user)
    new = today() + datetime.timedelta(days=15)
    # A failed re-check needs a new deadline later than today
    for bad in (None, today()):
        with pytest.raises(ValidationError) as e:
            services.record_recheck(h, actor=regulator, outcome="failed", opinion="防护罩未固定", new_deadline=bad)
        assert "new_deadline" in e.value.message_dict
    recheck = services.record_recheck(h, actor=regulator, outcome="failed", opinion="防护罩未固定", new_deadline=new,
                                      files=[image_upload("复查.jpg")])
    h = fresh(h)
    # Back in rectification, acceptance withdrawn, the deadline moved (the original one kept)
    assert (h.state, h.deadline, h.accepted_at, h.accepted_by) == (S.RECTIFYING, new, None, None)
    assert h.original_deadline != new and recheck.previous_deadline == h.original_deadline
    assert attachments_for(recheck).get().event == events_for(h).get(action="rechecked")
    # The loop starts again: submit, then the re-check is possible again
    h = services.submit_rectification(h, actor=ent_user, note="已重新固定")
    assert "recheck" in services.available_actions(regulator, h)


def test_an_unreported_hazard_is_rechecked_only_after_its_deadline(world, ent_user, regulator):
    # Before the deadline, in rectification: no re-check yet
    h = services.start_rectification(found(world, regulator), actor=ent_user)
    assert "recheck" not in services.available_actions(regulator, h)
    with pytest.raises(ValidationError) as e:
        services.record_recheck(h, actor=regulator, outcome="failed", opinion="未整改",
                                new_deadline=today() + datetime.timedelta(days=5))
    assert "state" in e.value.message_dict
    # After the deadline (整改期满) it is possible; not passed, it stays reported with the new deadline
    late = past_deadline(world, regulator, late_by=3)
    assert "recheck" in services.available_actions(regulator, late)
    services.record_recheck(late, actor=regulator, outcome="failed", opinion="逾期未整改",
                            new_deadline=today() + datetime.timedelta(days=7))
    late = fresh(late)
    assert late.state == S.REPORTED and late.deadline == today() + datetime.timedelta(days=7)


def test_self_inspected_hazards_have_no_recheck(world, ent_user, regulator):
    h = services.accept_rectification(rectified(found(world, ent_user), ent_user), actor=ent_user)
    assert "recheck" not in services.available_actions(regulator, h)
    with pytest.raises(ValidationError) as e:
        services.record_recheck(h, actor=regulator, outcome="passed", opinion="复查合格")
    assert "state" in e.value.message_dict
    assert services.close_hazard(h, actor=ent_user).state == S.CLOSED


def test_a_stale_version_is_a_conflict_and_writes_nothing(world, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    stale = h.version
    services.accept_rectification(h, actor=ent_user)
    with pytest.raises(ConflictError):
        services.record_recheck(h, actor=regulator, outcome="passed", opinion="复查合格", expected_version=stale)
    assert not Recheck.objects.exists() and fresh(h).rechecked_at is None


# --- rights ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("finder", "source", "major", "allowed"), [
    (Role.GRID_OFFICER, HazardSource.GRID_PATROL, False, {Role.ADMIN, Role.REGULATOR, Role.GRID_OFFICER}),
    (Role.EXPERT, HazardSource.EXPERT, False, {Role.ADMIN, Role.REGULATOR, Role.EXPERT}),
    (Role.REGULATOR, HazardSource.GOVERNMENT, False, {Role.ADMIN, Role.REGULATOR}),
    (Role.REGULATOR, HazardSource.GOVERNMENT, True, {Role.ADMIN, Role.REGULATOR}),
    (Role.GRID_OFFICER, HazardSource.GRID_PATROL, True, {Role.ADMIN, Role.REGULATOR}),
], ids=["grid-general", "expert-general", "government-general", "government-major", "grid-major"])
def test_who_rechecks(world, ent_user, finder, source, major, allowed):
    # The side that found it re-checks it; a major hazard is accepted by the regulator, so only the
    # regulator side re-checks it (county A's industry officer does not see machinery; county B's no)
    h = rectified(found(world, world.users[finder], major=major, source=source), ent_user)
    assert h.source == source
    for who in ACTORS:
        assert policy.can(world.users[who], "recheck", h) is (who in allowed), who
    with pytest.raises(PermissionDenied):
        services.record_recheck(h, actor=ent_user, outcome="passed", opinion="自己复查")


# --- the time limit -----------------------------------------------------------------------------------------

def test_time_limit_is_data_with_its_source(world):
    row = TimeLimit.objects.get(code="recheck")
    assert row.days == 10 and "安全生产违法行为行政处罚办法" in row.basis and row.certainty == "unconfirmed"
    assert row.source_note == RECHECK["source_note"]
    assert services.recheck_days() == 10


def test_due_date_counts_from_the_earlier_of_deadline_and_report_and_follows_the_data(world, ent_user, regulator):
    # Reported done today, deadline in 10 days: due 10 days from today
    h = rectified(found(world, regulator, deadline=today() + datetime.timedelta(days=10)), ent_user)
    assert services.recheck_due_on(h) == today() + datetime.timedelta(days=10)
    # Not reported, deadline passed 3 days ago: due 7 days from today
    late = past_deadline(world, regulator, late_by=3)
    assert services.recheck_due_on(late) == today() + datetime.timedelta(days=7)
    # An administrator changes the limit to 5 days: the due dates follow
    TimeLimit.objects.filter(code="recheck").update(days=5)
    assert services.recheck_due_on(h) == today() + datetime.timedelta(days=5)
    # The re-check keeps the limit and the due date in force when it was recorded
    recheck = services.record_recheck(late, actor=regulator, outcome="passed", opinion="已整改", checked_on=today())
    assert (recheck.limit_days, recheck.due_on, recheck.is_late) == (5, today() + datetime.timedelta(days=2), False)
    # Without the row, the shipped default applies
    TimeLimit.objects.all().delete()
    assert services.recheck_days() == 10


def test_a_late_recheck_is_marked_late(world, regulator):
    late = past_deadline(world, regulator, late_by=15)
    recheck = services.record_recheck(late, actor=regulator, outcome="passed", opinion="已整改")
    assert recheck.due_on == days_ago(5) and recheck.is_late


# --- the warning --------------------------------------------------------------------------------------------

def test_overdue_recheck_warns_and_closes_when_rechecked(world, ent_user, regulator):
    rule = get_rule("recheck_overdue")
    # Given a hazard reported done today (deadline later): nothing until 10 days have passed
    h = rectified(found(world, regulator, deadline=today() + datetime.timedelta(days=20)), ent_user)
    in_days = lambda n: timezone.now() + datetime.timedelta(days=n)  # noqa: E731
    assert sync_rule(rule, in_days(10)).raised == 0
    assert sync_rule(rule, in_days(11)).raised == 1
    w = Warning.objects.get(rule="recheck_overdue", closed_at__isnull=True)
    assert (w.object_id, w.level, w.enterprise_id) == (str(h.pk), Warning.Level.WARNING, world.ent_a.id)
    assert h.number in w.message and "10" in w.message
    assert rule.roles == {Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER}
    # When the regulator re-checks it (not passed, new deadline), the warning closes
    services.record_recheck(h, actor=regulator, outcome="failed", opinion="未整改到位",
                            new_deadline=today() + datetime.timedelta(days=5))
    assert sync_rule(rule, in_days(11)).closed == 1


def test_overdue_recheck_of_an_unreported_hazard_after_its_deadline(world, regulator, ent_user):
    rule = get_rule("recheck_overdue")
    past_deadline(world, regulator, late_by=10)   # due today: not yet overdue
    late = past_deadline(world, regulator, late_by=11, major=True)
    self_found = past_deadline(world, ent_user, late_by=30)
    assert sync_rule(rule).raised == 1
    w = Warning.objects.get(rule="recheck_overdue")
    assert w.object_id == str(late.pk) and w.level == Warning.Level.SEVERE
    assert not Warning.objects.filter(rule="recheck_overdue", object_id=str(self_found.pk)).exists()
    # A passed re-check closes it
    services.record_recheck(late, actor=regulator, outcome="passed", opinion="已整改")
    assert sync_rule(rule).closed == 1


# --- the API --------------------------------------------------------------------------------------------------

RECHECKERS = expect(403, admin=200, regulator=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_api_recheck_by_role(world, api, ent_user, regulator, who):
    # Given a general hazard found by the county A regulator, rectified by the enterprise
    h = rectified(found(world, regulator), ent_user)
    # When a user of this role records a passed re-check
    response = act_as(api, world.users[who]).post(api_url("hazard", h.pk, "recheck"),
                                                  {"outcome": "passed", "opinion": "复查合格", "version": h.version},
                                                  format="json")
    # Then only the regulator side (and the administrator) may; others are refused (403) or do not see it (404)
    assert response.status_code == RECHECKERS[who], response.content
    current = fresh(h)
    if response.status_code == 200:
        body = response.json()
        assert body["state"] == S.ACCEPTED == current.state and body["version"] == h.version + 1
        assert body["rechecks"][0]["outcome"] == "passed" and body["rechecked_at"] is not None
        assert body["recheck_due_on"] is None and "recheck" not in body["available_actions"]
    else:
        assert (current.state, current.version) == (h.state, h.version) and not Recheck.objects.exists()


def test_api_stale_version_is_409(world, api, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    stale = h.version
    services.accept_rectification(h, actor=ent_user)
    response = act_as(api, regulator).post(api_url("hazard", h.pk, "recheck"),
                                           {"outcome": "passed", "opinion": "复查合格", "version": stale},
                                           format="json")
    assert response.status_code == 409
    assert response.json()["current_state"] == S.ACCEPTED and response.json()["current_version"] == stale + 1
    assert not Recheck.objects.exists()


def test_api_names_the_field(world, api, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    response = act_as(api, regulator).post(api_url("hazard", h.pk, "recheck"),
                                           {"outcome": "failed", "opinion": "未整改"}, format="json", **EN)
    assert response.status_code == 400 and list(response.json()) == ["new_deadline"]


def test_api_grid_officer_rechecks_their_patrol_finding_and_the_detail_shows_due_date(world, api, ent_user):
    grid = world.users[Role.GRID_OFFICER]
    h = rectified(found(world, grid, deadline=today() + datetime.timedelta(days=20)), ent_user)
    client = act_as(api, grid)
    detail = client.get(api_url("hazard", h.pk)).json()
    assert detail["recheck_required"] is True
    assert detail["recheck_due_on"] == (today() + datetime.timedelta(days=10)).isoformat()
    assert "recheck" in detail["available_actions"]
    new = (today() + datetime.timedelta(days=9)).isoformat()
    response = client.post(api_url("hazard", h.pk, "recheck"), {"outcome": "failed", "opinion": "防护罩未固定",
                                                                 "new_deadline": new}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == S.RECTIFYING and response.json()["deadline"] == new


def test_api_reads_rechecks_in_scope_and_their_pdf(world, api, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    recheck = services.record_recheck(h, actor=regulator, outcome="passed", opinion="复查合格")
    mine = act_as(api, ent_user)
    assert [r["number"] for r in mine.get(api_url("recheck")).json()["results"]] == [recheck.number]
    pdf = mine.get(api_url("recheck", recheck.pk, "pdf"))
    assert pdf.status_code == 200 and RECHECK_TITLE in pdf_text(pdf.content)
    other = act_as(api, world.users["other_county"])
    assert other.get(api_url("recheck", recheck.pk)).status_code == 404


# --- the pages -----------------------------------------------------------------------------------------------

def test_buttons_are_the_available_actions_and_every_step_has_a_form(world, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    page = client_for(regulator).get(reverse("hazards:detail", args=[h.pk]), **EN)
    buttons = [b["name"] for b in page.context["buttons"]]
    assert "recheck" in buttons
    assert sorted(buttons) == sorted(services.available_actions(regulator, h))
    assert set(services.available_actions(regulator, h)) <= set(ACTIONS)
    html = page.content.decode()
    assert 'id="rechecks"' in html and "Re-check due by" in html


def test_page_records_a_recheck_and_prints_the_opinion(world, ent_user, regulator):
    h = rectified(found(world, regulator, location="冲压车间", description="冲压机防护罩缺失"), ent_user)
    notice = services.issue_notice(actor=regulator, department=world.dept_a, hazards=[fresh(h)],
                                   deadline=today() + datetime.timedelta(days=10))
    page = client_for(regulator)
    url = reverse("hazards:action", args=[h.pk, "recheck"])
    form_page = page.get(url, **EN)
    assert form_page.status_code == 200 and form_page.context["form"].initial["department"] == world.dept_a.pk
    assert notice.number in form_page.content.decode()
    # the version the user saw (the notice was a step on the hazard: its version moved)
    seen = form_page.context["form"]["version"].value()
    assert seen == fresh(h).version
    # Not passed without a new deadline: the error is next to the field
    bad = page.post(url, {"version": seen, "outcome": "failed", "opinion": "未固定",
                          "checked_on": today().isoformat()}, **EN)
    assert bad.status_code == 400 and bad.context["form"].errors["new_deadline"]
    new = today() + datetime.timedelta(days=7)
    response = page.post(url, {"version": seen, "outcome": "failed", "opinion": "防护罩未固定，存在脱落风险",
                               "checked_on": today().isoformat(), "new_deadline": new.isoformat(),
                               "department": world.dept_a.pk, "inspectors": "李四、王五"}, **EN)
    assert response.status_code == 302
    recheck = Recheck.objects.get()
    assert recheck.notice == notice and fresh(h).state == S.RECTIFYING
    # The print view and the PDF: the re-check opinion with the notice, the opinion and the new deadline
    html = page.get(reverse("hazards:recheck", args=[recheck.pk])).content.decode()
    assert "整改复查意见书" in html and recheck.number in html and "防护罩未固定" in html
    text = pdf_text(page.get(reverse("hazards:recheck_pdf", args=[recheck.pk])).content)
    for expected in (RECHECK_TITLE, recheck.number, world.dept_a.name, world.ent_a.name, notice.number,
                     h.number, "冲压车间", "防护罩未固定，存在脱落风险", "复查不合格",
                     f"{new.year}年{new.month}月{new.day}日前整改完毕", "李四、王五", "10日内"):
        assert expected in text, expected
    # The unconfirmed article is not printed on the official document
    assert "安全生产违法行为行政处罚办法" not in text
    other = client_for(world.users["other_county"])
    assert other.get(reverse("hazards:recheck", args=[recheck.pk])).status_code == 404


def test_passed_opinion_pdf(world, ent_user, regulator):
    h = rectified(found(world, regulator), ent_user)
    recheck = services.record_recheck(h, actor=regulator, outcome=RecheckOutcome.PASSED, opinion="已加装并固定")
    text = pdf_text(recheck_pdf(Recheck.objects.get(pk=recheck.pk)))
    assert "复查合格" in text and "已加装并固定" in text and "复查不合格" not in text


# The API route of each step the services offer (services.available_actions names).
STEP_ROUTES = {
    "correct": ("hazard-detail", True), "update_plan": ("hazard-plan", True),
    "start_rectification": ("hazard-start-rectification", True),
    "submit_rectification": ("hazard-submit-rectification", True), "accept": ("hazard-accept", True),
    "refuse_acceptance": ("hazard-refuse-acceptance", True), "close": ("hazard-close", True),
    "request_extension": ("hazard-request-extension", True), "approve_extension": ("hazard-approve-extension", False),
    "refuse_extension": ("hazard-refuse-extension", False), "record_dual_report": ("hazard-dual-report", True),
    "recheck": ("hazard-recheck", True), "list": ("hazard-list-for-supervision", True),
    "report_progress": ("listed-supervision-progress", True), "delist": ("listed-supervision-delist", True),
    "confirm_major": ("hazard-confirm-major", True), "downgrade_major": ("hazard-downgrade-major", True),
    "void": ("hazard-void", True),
}


def test_every_offered_step_has_a_page_form_and_an_api_route(world, ent_user, regulator):
    # Given hazards in every state of the loop, found by the regulator (so re-checks apply), general
    # and major, one of them past its deadline and one listed
    admin = world.users[Role.ADMIN]
    hazards = [past_deadline(world, regulator, late_by=20)]
    for major in (False, True):
        for steps in range(6):  # reported, rectifying, rectified, accepted, re-checked, closed
            h = found(world, regulator, major=major)
            if steps > 0:
                h = services.start_rectification(h, actor=ent_user)
            if steps > 1:
                h = services.submit_rectification(h, actor=ent_user, note="已整改")
            if steps > 2:
                h = services.accept_rectification(h, actor=admin)
            if steps > 3:
                h = services.record_recheck(h, actor=admin, outcome="passed", opinion="合格").hazard
            if steps > 4:
                h = services.close_hazard(h, actor=admin)
            hazards.append(h)
    listed = found(world, regulator, major=True)
    services.list_for_supervision(listed, actor=regulator, level="county", department=world.dept_a,
                                  deadline=today() + datetime.timedelta(days=30))
    services.request_extension(fresh(listed), actor=ent_user, new_deadline=today() + datetime.timedelta(days=60),
                               reason="设备到货延迟")
    hazards.append(listed)
    # When every user asks what they may do on each
    offered = {name for h in hazards for who in world.users.values()
               for name in services.available_actions(who, fresh(h))}
    # Then the re-check is among them, and every step has its page form and its API route
    assert {"recheck", "record_dual_report", "close", "accept"} <= offered
    assert offered <= set(ACTIONS)
    for name in offered:
        route, by_hazard = STEP_ROUTES[name]
        reverse(route, args=[1] if by_hazard else [1, 1])
