"""The step forms of one hazard drive the services: each posts the hazard's version; a stale
version shows the conflict message on the hazard's page and changes nothing; a refused input
comes back with the error next to its field. (The services themselves are tested in
test_services.py; one or two cases per step are enough here.)"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core.models import Attachment
from anjian.core.services import attachments_for, events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.choices import ExtensionState, HazardState, ListingState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, make_dual_report, make_hazard, make_user
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = HazardState


def png(name="after.png") -> SimpleUploadedFile:
    return image_upload(name, color=(30, 160, 60))


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def act(client, hazard, action, **data):
    """POST one step with the version of ``hazard`` as the page had it (unless given)."""
    data.setdefault("version", hazard.version)
    return client.post(reverse("hazards:action", args=[hazard.pk, action]), data, **EN)


def fresh(hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def ent(world):
    return client_for(world.users[Role.ENTERPRISE])


@pytest.fixture
def reg(world):
    return client_for(world.users[Role.REGULATOR])


@pytest.fixture
def general(world):
    return make_hazard(world.ent_a, world.users[Role.ENTERPRISE])


@pytest.fixture
def major(world):
    h = make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True)
    return services.update_plan(h, actor=world.users[Role.ENTERPRISE], plan=COMPLETE_PLAN)


# --- the general loop, by the enterprise -------------------------------------------------------------

def test_enterprise_drives_a_general_hazard_through_the_loop(world, ent, general):
    # Given a reported general hazard; the step pages render
    for action in ("start_rectification", "update_plan", "request_extension"):
        assert ent.get(reverse("hazards:action", args=[general.pk, action]), **EN).status_code == 200
    # When the enterprise starts, submits with evidence, accepts and closes out
    response = act(ent, general, "start_rectification", comment="安排电工处理")
    assert response.status_code == 302 and response["Location"] == reverse("hazards:detail", args=[general.pk])
    assert fresh(general).state == S.RECTIFYING
    h = fresh(general)
    response = act(ent, h, "submit_rectification", note="已关闭箱门并更换线路", files=[png(), png("b.png")])
    assert response.status_code == 302, response.content.decode()
    h = fresh(general)
    assert h.state == S.RECTIFIED and h.rectification_note == "已关闭箱门并更换线路"
    evidence = [a for a in attachments_for(h) if a.kind == Attachment.Kind.EVIDENCE]
    assert len(evidence) == 2 and evidence[0].event.action == "rectification_submitted"
    # (the acceptance is another enterprise user's: the rectifier does not accept, issue #10)
    colleague = client_for(make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a))
    assert act(colleague, h, "accept", comment="验收合格").status_code == 302
    h = fresh(general)
    assert h.state == S.ACCEPTED
    assert act(ent, h, "close").status_code == 302
    h = fresh(general)
    # Then the hazard is closed out, and each step is an event
    assert h.state == S.CLOSED and h.closed_at
    assert [e.action for e in events_for(h)][:4] == ["closed", "accepted", "rectification_submitted",
                                                     "rectification_started"]


def test_submit_without_note_shows_the_error_next_to_the_field(world, ent, general):
    h = services.start_rectification(general, actor=world.users[Role.ENTERPRISE])
    response = act(ent, h, "submit_rectification", note="  ")
    assert response.status_code == 400
    assert response.context["form"].errors["note"]
    assert fresh(h).state == S.RECTIFYING


def test_refuse_acceptance_needs_a_reason_and_sends_it_back(world, ent, general):
    user = world.users[Role.ENTERPRISE]
    h = services.start_rectification(general, actor=user)
    # (submitted by another enterprise user: the rectifier does not decide the acceptance, issue #10)
    h = services.submit_rectification(h, actor=make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a),
                                      note="已处理")
    assert act(ent, h, "refuse_acceptance", reason="").status_code == 400
    response = act(ent, h, "refuse_acceptance", reason="线路仍裸露")
    assert response.status_code == 302
    h = fresh(h)
    assert h.state == S.RECTIFYING
    assert events_for(h).first().comment == "线路仍裸露"


def test_extension_request_and_decision(world, ent, general):
    new = general.deadline + datetime.timedelta(days=10)
    response = act(ent, general, "request_extension", new_deadline=new.isoformat(), reason="等待备件")
    assert response.status_code == 302
    ext = general.extensions.get()
    assert ext.state == ExtensionState.PENDING
    # The decision page shows the request; refusing needs a comment; approving moves the deadline
    h = fresh(general)
    page = ent.get(reverse("hazards:action", args=[h.pk, "approve_extension"]), **EN)
    assert page.status_code == 200 and "等待备件" in page.content.decode()
    assert act(ent, h, "refuse_extension", comment="").status_code == 400
    assert act(ent, h, "approve_extension", comment="同意").status_code == 302
    ext.refresh_from_db()
    assert ext.state == ExtensionState.APPROVED and fresh(general).deadline == new


def test_extension_to_an_earlier_date_is_refused_next_to_the_field(ent, general):
    response = act(ent, general, "request_extension", new_deadline=general.deadline.isoformat(), reason="x")
    assert response.status_code == 400
    assert response.context["form"].errors["new_deadline"]


# --- major hazards: plan, dual report, listing ----------------------------------------------------------

def test_major_hazard_cannot_start_without_plan_error_names_the_items(world, ent):
    h = make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True)
    response = act(ent, h, "start_rectification")
    assert response.status_code == 400
    assert "五落实" in response.content.decode()
    # The plan form fills the plan, then rectification can start
    plan = {k: str(v) for k, v in COMPLETE_PLAN.items()}
    assert act(ent, h, "update_plan", **plan).status_code == 302
    h = fresh(h)
    assert h.missing_plan_fields() == []
    assert act(ent, h, "start_rectification").status_code == 302
    assert fresh(h).state == S.RECTIFYING


def test_negative_funds_are_refused(ent, major):
    response = act(ent, major, "update_plan", **{**{k: str(v) for k, v in COMPLETE_PLAN.items()},
                                                 "plan_funds": "-1"})
    assert response.status_code == 400
    assert response.context["form"].errors["plan_funds"]


def test_dual_report_is_recorded(world, reg, major):
    today = timezone.localdate().isoformat()
    texts = {"situation": "储罐区防火堤破损", "severity_analysis": "可能引发火灾", "treatment_plan": "修复防火堤"}
    assert act(reg, major, "record_dual_report", stage="initial", recipient="regulator", department=world.dept_a.pk,
               reported_on=today, **texts).status_code == 302
    h = fresh(major)
    assert h.reported_to_regulator_on == timezone.localdate() and h.reported_to_congress_on is None
    # A date before the day found is refused next to its field
    early = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    response = act(reg, h, "record_dual_report", stage="initial", recipient="congress", reported_on=early, **texts)
    assert response.status_code == 400 and response.context["form"].errors["reported_on"]


def test_regulator_lists_accepts_closes_and_delists_a_major_hazard(world, reg, major):
    enterprise_user, regulator = world.users[Role.ENTERPRISE], world.users[Role.REGULATOR]
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    # The list form proposes the regulator's department
    form = reg.get(reverse("hazards:action", args=[major.pk, "list"]), **EN).context["form"]
    assert form.initial["department"] == world.dept_a.pk
    response = act(reg, major, "list", level="county", department=world.dept_a.pk, deadline=deadline,
                   document_number="甲安督〔2026〕2号", requirements="限期整改")
    assert response.status_code == 302
    h = fresh(major)
    listing = h.listings.get()
    assert h.is_listed and listing.state == ListingState.LISTED
    assert act(reg, h, "report_progress", content="已完成阀门更换").status_code == 302
    assert listing.progress.get().content == "已完成阀门更换"
    # The enterprise rectifies
    h = services.start_rectification(fresh(h), actor=enterprise_user)
    h = services.submit_rectification(h, actor=enterprise_user, note="已整改")
    # The enterprise cannot accept a major hazard: no button, and the page says so
    page = client_for(enterprise_user).get(reverse("hazards:action", args=[h.pk, "accept"]), **EN)
    assert page.status_code == 302 and fresh(h).state == S.RECTIFIED
    # The regulator accepts, re-checks (it found the hazard), closes out and delists
    assert act(reg, h, "accept", comment="验收合格", files=[png()]).status_code == 302
    assert act(reg, fresh(h), "recheck", outcome="passed", opinion="复查合格",
               checked_on=timezone.localdate().isoformat()).status_code == 302
    assert act(reg, fresh(h), "close").status_code == 302
    response = act(reg, fresh(h), "delist", comment="摘牌")
    assert response.status_code == 302
    listing.refresh_from_db()
    h = fresh(h)
    assert h.state == S.CLOSED and not h.is_listed and listing.state == ListingState.DELISTED
    assert regulator == h.accepted_by


def test_list_with_a_past_deadline_is_refused(reg, major):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = act(reg, major, "list", level="county", department=major.enterprise.supervisions.get().department_id,
                   deadline=past)
    assert response.status_code == 400 and response.context["form"].errors["deadline"]
    assert not fresh(major).is_listed


# --- conflicts, rights, void ------------------------------------------------------------------------------

def test_stale_version_shows_the_conflict_and_changes_nothing(world, ent, general):
    # Given the page was loaded at version 1, then someone else started the rectification
    stale = general.version
    services.start_rectification(general, actor=world.users[Role.ENTERPRISE])
    before = fresh(general)
    events = events_for(before).count()
    # When the stale form is posted
    response = ent.post(reverse("hazards:action", args=[general.pk, "request_extension"]), {
        "version": stale, "new_deadline": (general.deadline + datetime.timedelta(days=5)).isoformat(),
        "reason": "晚了"}, follow=True, **EN)
    # Then the hazard's page shows the conflict message and the hazard as it is now
    assert response.redirect_chain[-1][0] == reverse("hazards:detail", args=[general.pk])
    html = response.content.decode()
    assert "changed by someone else" in html
    assert "Rectifying" in html
    # And nothing changed
    after = fresh(general)
    assert after.version == before.version and after.state == before.state
    assert events_for(after).count() == events and not after.extensions.exists()


@pytest.mark.parametrize("action", ["report_progress", "void"])
def test_stale_version_also_guards_steps_without_a_service_version(world, reg, major, action):
    stale = major.version
    make_dual_report(major, world.users[Role.REGULATOR], "congress")
    if action == "report_progress":
        services.list_for_supervision(fresh(major), actor=world.users[Role.REGULATOR], level="county",
                                      department=world.dept_a, deadline=timezone.localdate())
        stale = fresh(major).version - 1
    response = reg.post(reverse("hazards:action", args=[major.pk, action]),
                        {"version": stale, "content": "进展", "reason": "重复"}, **EN)
    assert response.status_code == 302
    assert any("changed by someone else" in m for m in flashed(response))
    h = fresh(major)
    assert not h.is_voided
    assert not any(lst.progress.exists() for lst in h.listings.all())


def test_step_not_available_redirects_with_a_message(ent, general):
    response = ent.get(reverse("hazards:action", args=[general.pk, "close"]), **EN)
    assert response.status_code == 302
    assert any("not possible" in m for m in flashed(response))


def test_posting_a_step_without_the_right_is_403(world, general):
    office = client_for(world.users[Role.COMMITTEE_OFFICE])
    response = act(office, general, "start_rectification")
    assert response.status_code == 403
    assert fresh(general).state == S.REPORTED


def test_unknown_step_is_404(ent, general):
    assert ent.get(reverse("hazards:action", args=[general.pk, "explode"])).status_code == 404


def test_other_county_cannot_post_steps(world, general):
    response = act(client_for(world.users[OTHER_COUNTY]), general, "void", reason="x")
    assert response.status_code == 404
    assert not fresh(general).is_voided


def test_void_needs_a_reason_then_leaves_the_ledger(world, reg, general):
    assert act(reg, general, "void", reason="").status_code == 400
    response = act(reg, general, "void", reason="重复上报")
    assert response.status_code == 302 and response["Location"] == reverse("hazards:list")
    h = Hazard.objects.get(pk=general.pk)
    assert h.is_voided and h.void_reason == "重复上报"
    assert reg.get(reverse("hazards:list")).context["page_obj"].paginator.count == 0
    # The voided hazard's page still opens (nothing is deleted) but offers no steps
    page = reg.get(reverse("hazards:detail", args=[general.pk]), **EN)
    assert page.status_code == 200 and page.context["buttons"] == [] and "voided" in page.content.decode()


def test_evidence_must_be_a_photo_or_document(world, ent, general):
    h = services.start_rectification(general, actor=world.users[Role.ENTERPRISE])
    svg = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                             content_type="image/svg+xml")
    response = act(ent, h, "submit_rectification", note="已整改", files=[svg])
    assert response.status_code == 400 and response.context["form"].errors["files"]
    assert fresh(h).state == S.RECTIFYING
    pdf = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert act(ent, h, "submit_rectification", note="已整改", files=[pdf]).status_code == 302
    doc = next(a for a in attachments_for(h) if a.kind == Attachment.Kind.EVIDENCE)
    # A document is a download, never shown inline, and cannot run anything
    response = ent.get(reverse("hazards:attachment", args=[h.pk, doc.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


# --- correcting a report -------------------------------------------------------------------------

def correction(hazard, **changes) -> dict:
    """The correction form as the page shows it for ``hazard``, with ``changes`` applied."""
    data = {"location": hazard.location, "description": hazard.description, "category": hazard.category,
            "grade": hazard.grade, "criterion": hazard.criterion_id or "", "finder_name": hazard.finder_name,
            "found_at": timezone.localtime(hazard.found_at).strftime("%Y-%m-%dT%H:%M"),
            "deadline": hazard.deadline.isoformat(), "reason": "现场复核后更正"}
    data.update(changes)
    return data


def test_a_reported_hazard_is_corrected_with_a_reason_and_only_changed_fields_recorded(world, ent, general):
    # given a reported hazard, when its reporter corrects the location
    response = act(ent, general, "correct", **correction(general, location="三号车间东侧"))
    # then it is changed, the version moves on and the event names the field and the reason
    assert response.status_code == 302
    h = fresh(general)
    assert h.location == "三号车间东侧" and h.version == general.version + 1
    event = events_for(h).first()
    assert event.action == "updated" and event.data["fields"] == ["location"] and event.comment == "现场复核后更正"


def test_a_correction_that_changes_nothing_or_lacks_a_reason_is_refused(world, ent, general):
    response = act(ent, general, "correct", **correction(general))
    assert response.status_code == 400 and b"Nothing was changed" in response.content
    response = act(ent, general, "correct", **correction(general, location="别处", reason=""))
    assert response.status_code == 400 and fresh(general).location == general.location


def test_correction_is_offered_only_while_reported_and_only_in_scope(world, ent, general):
    page = ent.get(reverse("hazards:detail", args=[general.pk]), **EN)
    assert reverse("hazards:action", args=[general.pk, "correct"]).encode() in page.content
    services.start_rectification(general, actor=world.users[Role.ENTERPRISE])
    h = fresh(general)
    response = act(ent, h, "correct", **correction(h, location="别处"))
    assert fresh(general).location == general.location
    assert response.status_code in (302, 400)
    other = client_for(world.users[OTHER_COUNTY])
    assert other.get(reverse("hazards:action", args=[general.pk, "correct"])).status_code == 404


def test_making_a_hazard_major_by_correction_needs_the_criterion(world, reg, general):
    response = act(reg, general, "correct", **correction(general, grade="major"))
    assert response.status_code == 400 and fresh(general).grade == "general"
