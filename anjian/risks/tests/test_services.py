"""Services: control measures → check items → inspection duties and tasks (the whole chain),
the enterprise's overall grade, the card PDF and the public card page, scoping of the
enterprise's own checklists in standards and inspections."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.core.testing.pdf import assert_fonts_embedded, require_pdf_font
from anjian.inspections import services as inspections
from anjian.inspections.models import InspectionDuty, InspectionItemResult, InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as
from anjian.risks import services
from anjian.risks.documents import card_pdf
from anjian.risks.models import ControlMeasure, EnterpriseRiskGrade, RiskPoint
from anjian.standards.models import CheckItem, Checklist

from .factories import assess, make_point

pytestmark = pytest.mark.django_db


def _measures(world, point, actor=None):
    actor = actor or world.users[Role.ENTERPRISE]
    team = services.create_measure(point, actor=actor, data={"content": "每班检查液位计和压力表", "control_level": "team",
                                                            "measure_type": "management", "owner_name": "班长王五"})
    shop = services.create_measure(point, actor=actor, data={"content": "每周检查可燃气体报警器",
                                                            "control_level": "workshop",
                                                            "measure_type": "engineering"})
    return team, shop


def test_control_measures_become_inspection_tasks(world):
    # given a risk point of ent_a with a team measure and a workshop measure
    point = make_point(world, actor=world.users[Role.ENTERPRISE])
    team, shop = _measures(world, point)
    actor = world.users[Role.ENTERPRISE]
    # when the enterprise generates the check items
    summary = services.generate_check_items(world.ent_a, actor=actor)
    # then it owns one checklist per cadence with one item per measure
    assert summary["created"] == 2 and summary["items"] == 2 and summary["duties_created"] == 2
    lists = Checklist.objects.filter(enterprise=world.ent_a, is_active=True).order_by("code")
    assert [c.name for c in lists] == ["风险管控措施排查清单（班组日查）", "风险管控措施排查清单（车间周查）"]
    daily = lists.get(code__endswith="team_daily")
    item = daily.items.get()
    assert item.content == "【液氨储罐区】每班检查液位计和压力表"
    assert item.hazard_factor == "object"  # the risk point's classes 21/22 are both 物的因素
    team.refresh_from_db()
    assert team.check_item == item
    # and duties of the matching cadences point at them, with today's task already scheduled
    duties = {d.cadence.code: d for d in InspectionDuty.objects.filter(enterprise=world.ent_a, is_voided=False)}
    assert set(duties) == {"team_daily", "workshop_weekly"}
    assert duties["team_daily"].checklist == daily
    today = timezone.localdate()
    task = InspectionTask.objects.get(duty=duties["team_daily"], period_start=today)
    # and a record started from the task walks through the generated items
    record = inspections.start_record(actor=actor, task=task)
    assert list(InspectionItemResult.objects.filter(record=record).values_list("content", flat=True)) == [
        "【液氨储罐区】每班检查液位计和压力表"]
    # and the nightly scheduler makes tomorrow's task of the same duty
    inspections.run_schedule(today + timedelta(days=1))
    tomorrow = InspectionTask.objects.get(duty=duties["team_daily"], period_start=today + timedelta(days=1))
    assert tomorrow.state == "open"


def test_regenerating_is_idempotent_and_versions_on_change(world):
    point = make_point(world)
    team, shop = _measures(world, point)
    actor = world.users[Role.REGULATOR]
    services.generate_check_items(world.ent_a, actor=actor)
    # when nothing changed: nothing new
    again = services.generate_check_items(world.ent_a, actor=actor)
    assert again["unchanged"] == 2 and again["created"] == again["versioned"] == again["duties_created"] == 0
    assert Checklist.objects.filter(enterprise=world.ent_a).count() == 2
    assert CheckItem.objects.filter(checklist__enterprise=world.ent_a).count() == 2
    assert InspectionDuty.objects.filter(enterprise=world.ent_a).count() == 2
    # when a measure changes and another is voided: a new version, the old kept, the duty repointed
    services.update_measure(team, actor=actor, data={"content": "每班两次检查液位计"})
    services.void_measure(shop, actor=actor, reason="合并")
    s = services.generate_check_items(world.ent_a, actor=actor)
    assert s["versioned"] == 1 and s["retired"] == 1 and s["duties_updated"] == 1
    daily = Checklist.objects.get(enterprise=world.ent_a, is_active=True)
    assert daily.version == "2" and daily.items.get().content == "【液氨储罐区】每班两次检查液位计"
    assert Checklist.objects.filter(enterprise=world.ent_a, is_active=False).count() == 2
    duty = InspectionDuty.objects.get(enterprise=world.ent_a, is_voided=False)
    assert duty.checklist == daily and duty.cadence.code == "team_daily"
    assert InspectionDuty.objects.filter(enterprise=world.ent_a, is_voided=True).count() == 1


def test_generate_refused_out_of_scope(world):
    point = make_point(world)
    _measures(world, point)
    with pytest.raises(PermissionDenied):
        services.generate_check_items(world.ent_a, actor=world.users["other_county"])
    assert not Checklist.objects.filter(enterprise=world.ent_a).exists()


def test_own_checklists_stay_out_of_the_library_and_other_enterprises(world, api):
    point = make_point(world)
    _measures(world, point)
    services.generate_check_items(world.ent_a, actor=world.users[Role.ADMIN])
    own = Checklist.objects.filter(enterprise=world.ent_a).first()
    # the library lists (API) do not show it; its detail opens only in scope
    client = act_as(api, world.users[Role.REGULATOR])
    assert own.pk not in [c["id"] for c in client.get("/api/checklists/", {"page_size": 500}).json()["results"]]
    assert client.get(f"/api/checklists/{own.pk}/").status_code == 200
    assert act_as(api, world.users["other_county"]).get(f"/api/checklists/{own.pk}/").status_code == 404
    item = own.items.first()
    assert act_as(api, world.users["other_county"]).get(f"/api/check-items/{item.pk}/").status_code == 404
    # another enterprise cannot use it for a duty or a record
    with pytest.raises(ValidationError) as exc:
        inspections.create_duty(actor=world.users[Role.ADMIN], enterprise=world.ent_b,
                                data={"name": "x", "cadence": own.inspection_duties.first().cadence, "checklist": own})
    assert "checklist" in exc.value.message_dict
    with pytest.raises(ValidationError):
        inspections.start_record(actor=world.users[Role.ADMIN], enterprise=world.ent_b, kind="government",
                                 checklist=own)
    # the duty form offers it to its own enterprise only
    from anjian.inspections.selectors import checklist_queryset
    assert own in checklist_queryset(world.ent_a)
    assert own not in checklist_queryset(world.ent_b)


def test_enterprise_grade_from_points_and_major_sources(world, monkeypatch):
    # given no major hazard source: the grade is the gravest point
    point = make_point(world)
    assess(world, point, "ls", l=2, s=2)  # moderate under LS-A
    grade = EnterpriseRiskGrade.objects.get(enterprise=world.ent_a)
    assert grade.level == "moderate" and grade.explanation["risk_points"]["moderate"] == 1
    # when the enterprise has a grade-2 major hazard source (our rule: at least major)
    monkeypatch.setattr(services, "_source_grades", lambda ids: {world.ent_a.pk: 2})
    services.refresh_enterprise_grades([world.ent_a.pk])
    grade.refresh_from_db()
    assert grade.level == "major" and grade.explanation["major_source_grade"] == 2
    # a grade-4 source only lifts to moderate; a graver point wins
    monkeypatch.setattr(services, "_source_grades", lambda ids: {world.ent_a.pk: 4})
    assess(world, point, "ls", l=4, s=4)  # high
    grade.refresh_from_db()
    assert grade.level == "high"
    # voiding the only point leaves the source's level
    services.void_risk_point(point, actor=world.users[Role.ADMIN], reason="错录")
    grade.refresh_from_db()
    assert grade.level == "moderate"
    # the nightly job covers every enterprise
    assert services.refresh_all_enterprise_grades() >= 3


def test_card_pdf_and_public_page(world, client):
    point = make_point(world)
    _measures(world, point)
    assess(world, point, "lec", l=3, e=6, c=15)  # major under LEC-V3
    client.force_login(world.users[Role.REGULATOR])
    r = client.get(reverse("risks:card_pdf", args=[point.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(r.content)).pages)
    for expected in ("安全风险告知卡", "液氨储罐区", "重大风险", "每班检查液位计和压力表", "火灾", "中毒和窒息",
                     "张三", "13800000000", "119", "立即撤离"):
        assert expected in text, expected
    client.force_login(world.users["other_county"])
    assert client.get(reverse("risks:card_pdf", args=[point.pk])).status_code == 404
    # the public page needs no login and shows the card only
    client.logout()
    public = reverse("risks:card_public", args=[point.card_token])
    r = client.get(public)
    assert r.status_code == 200 and "液氨储罐区" in r.content.decode() and "重大风险" in r.content.decode()
    assert client.get(reverse("risks:card_public", args=["x" + point.card_token])).status_code == 404
    # regenerating the token revokes the old address
    services.regenerate_card_token(point, actor=world.users[Role.ADMIN])
    assert client.get(public).status_code == 404
    point.refresh_from_db()
    new_public = reverse("risks:card_public", args=[point.card_token])
    assert client.get(new_public).status_code == 200
    # a voided point's card is gone
    services.void_risk_point(point, actor=world.users[Role.ADMIN], reason="拆除")
    assert client.get(new_public).status_code == 404


def test_card_pdf_embeds_its_chinese_font(world):
    # Given a machine with a TrueType Chinese font (CI installs fonts-wqy-zenhei) and an assessed point
    require_pdf_font()
    point = make_point(world)
    _measures(world, point)
    assess(world, point, "lec", l=3, e=6, c=15)
    # When its card is rendered
    content = card_pdf(point, point.measures.all(), "https://anjian.example/risks/card/x/")
    # Then every font it uses is embedded as a subset, and its Chinese text extracts
    assert_fonts_embedded(content)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "安全风险告知卡" in text and "液氨储罐区" in text


def test_assessment_snapshot_survives_profile_edit(world):
    point = make_point(world)
    a = assess(world, point, "lec", l=3, e=6, c=15)
    from anjian.risks.models import RiskBand
    RiskBand.objects.filter(profile__code="LEC-V3", level="major").update(lower_bound=500)
    a.refresh_from_db()
    assert a.bands[0] == {"level": "major", "lower_bound": 160, "lower_inclusive": False}
    assert a.inputs == {"l": 3, "e": 6, "c": 15} and a.profile_code == "LEC-V3"


def test_rights(world):
    point = make_point(world)
    with pytest.raises(PermissionDenied):
        services.update_risk_point(point, actor=world.users["other_county"], data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.create_measure(point, actor=world.users[Role.EXPERT], data={"content": "x"})
    # experts of the region may assess
    assess(world, point, actor=world.users[Role.EXPERT])
    with pytest.raises(PermissionDenied):
        assess(world, point, actor=world.users["other_county"])
    with pytest.raises(ValidationError) as exc:
        make_point(world, longitude=None)
    assert "longitude" in exc.value.message_dict
    assert RiskPoint.objects.count() == 1
    assert ControlMeasure.objects.count() == 0


def test_closed_enterprise_gets_no_tasks(world):
    from anjian.enterprises.models import Enterprise

    point = make_point(world)
    _measures(world, point)
    Enterprise.objects.filter(pk=world.ent_a.pk).update(status="closed")
    world.ent_a.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.generate_check_items(world.ent_a, actor=world.users[Role.ADMIN])
    assert "enterprise" in exc.value.message_dict
    assert not Checklist.objects.filter(enterprise=world.ent_a).exists()


def test_admin_pages_and_default_action(world, client):
    from anjian.risks.models import RiskProfile

    client.force_login(world.users[Role.ADMIN])
    assert client.get("/admin/risks/riskprofile/").status_code == 200
    ls_b = RiskProfile.objects.get(code="LS-B")
    r = client.post("/admin/risks/riskprofile/", {"action": "make_default", "_selected_action": [ls_b.pk]})
    assert r.status_code == 302
    assert RiskProfile.objects.get(method="ls", is_default=True) == ls_b
    assert client.get(f"/admin/risks/riskprofile/{ls_b.pk}/change/").status_code == 200


def test_generation_does_not_depend_on_the_request_language(world):
    from django.utils import translation

    point = make_point(world)
    _measures(world, point)
    with translation.override("en"):
        services.generate_check_items(world.ent_a, actor=world.users[Role.ADMIN])
    with translation.override("zh-hans"):
        again = services.generate_check_items(world.ent_a, actor=world.users[Role.ADMIN])
    assert again["unchanged"] == 2 and again["versioned"] == 0
    item = CheckItem.objects.get(checklist__enterprise=world.ent_a, checklist__code__endswith="team_daily")
    assert item.basis.startswith("风险管控措施（班组级，管理）；风险点：液氨储罐区")
