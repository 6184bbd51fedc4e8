"""Issue #10, criteria by industry: a hazard names only a major-hazard criterion that applies to
its enterprise's industry (its industry's standard, a parent's or a sub-sector's, or one that
applies across industries — fire safety, special equipment), in force on the day it was found.

The picker offers only those (report and correction pages, GET /api/hazards/criteria/), and every
path that gives a hazard a criterion refuses the others with an error naming ``criterion``: the
report (page, API, enterprise-system key), the correction, and raising a hazard from an
inspection record. The incident: a fireworks company's major hazard saved under a coal-mine item.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.hazards import services
from anjian.hazards.auth import issue_key
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, industry, make_hazard
from anjian.portal.testing.mixins import act_as, api_url
from anjian.standards.models import CriteriaDocument, MajorHazardCriterion
from anjian.standards.selectors import criteria_for_industries

pytestmark = pytest.mark.django_db

COAL = "COAL2020-01"          # 《煤矿重大事故隐患判定标准》: coal mines (01) only (to 2026-06-30)
COAL_NOW = "COAL2026-01"      # its 2026 revision (in force from 2026-07-01)
MACHINERY = "GM2023-JX01"     # 工贸 2023, 机械 (0504) only
METALLURGY = "GM2023-YJ01"    # 工贸 2023, 冶金 (0501) only
INDTRADE_ALL = "GM2023-GL01"  # 工贸 2023, every 工贸 sub-sector
DAY = datetime.date(2026, 6, 1)


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


@pytest.fixture
def fireworks(world):
    """A fireworks producer (0401) in county A."""
    return EnterpriseFactory(name="甲烟花爆竹有限公司", region=world.township_a, industry=industry("0401"))


@pytest.fixture
def fire_item(db):
    """A criterion of the shipped fire-safety standard (GB 35181-2025, filed under 09, applying
    across industries); the catalogue ships none of its items, so the test adds one."""
    doc = CriteriaDocument.objects.get(code="FIRE-GB35181-2025")
    return MajorHazardCriterion.objects.create(document=doc, code="TEST-FIRE-01", text="疏散通道被占用、堵塞")


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


# --- the selector ------------------------------------------------------------------------------

def test_the_shipped_fire_and_special_equipment_standards_apply_across_industries(db):
    assert set(CriteriaDocument.objects.filter(cross_industry=True).values_list("code", flat=True)) == {
        "FIRE-GB35181-2025", "FIRE-GB35181-2017", "SPECEQ-GB45067-2024"}


def test_a_machinery_firm_gets_its_sub_sector_and_its_sector_but_not_other_industries(db):
    found = codes(criteria_for_industries(["0504"], on=DAY))
    assert {MACHINERY, INDTRADE_ALL} <= found
    assert METALLURGY not in found and COAL not in found


def test_a_coal_mine_gets_the_coal_standard_only(db):
    found = codes(criteria_for_industries(["01"], on=DAY))
    assert COAL in found and MACHINERY not in found and INDTRADE_ALL not in found


def test_a_sector_level_firm_gets_its_sub_sectors_items(db):
    # an enterprise filed only as 冶金工贸 (05) may meet any of its sub-sectors' items
    assert {METALLURGY, MACHINERY, INDTRADE_ALL} <= codes(criteria_for_industries(["05"], on=DAY))


def test_a_fireworks_firm_gets_the_standards_across_industries_and_no_coal_item(db, fire_item):
    found = codes(criteria_for_industries(["0401"], on=DAY))
    assert fire_item.code in found and COAL not in found and MACHINERY not in found


def test_no_industry_gets_only_the_standards_across_industries(db, fire_item):
    found = criteria_for_industries([], on=DAY)
    assert fire_item.code in codes(found)
    assert {c.document.code for c in found} <= {"FIRE-GB35181-2025", "SPECEQ-GB45067-2024"}


def test_only_a_cross_industry_document_applies_to_every_industry(db):
    # a document naming no industry applies to none, unless it is marked cross-industry
    doc = CriteriaDocument.objects.create(code="TEST-ANY", title="测试判定标准")
    MajorHazardCriterion.objects.create(document=doc, code="TEST-ANY-1", text="条款")
    assert "TEST-ANY-1" not in codes(criteria_for_industries(["0401"], on=DAY))
    CriteriaDocument.objects.filter(pk=doc.pk).update(cross_industry=True)
    assert "TEST-ANY-1" in codes(criteria_for_industries(["0401"], on=DAY))


def test_only_criteria_in_force_on_the_day(db, fire_item):
    # 工贸 2023 is in force from 2023-05-15; GB 35181-2025 from 2025-11-01
    assert INDTRADE_ALL not in codes(criteria_for_industries(["0504"], on=datetime.date(2023, 5, 14)))
    assert INDTRADE_ALL in codes(criteria_for_industries(["0504"], on=datetime.date(2023, 5, 15)))
    assert fire_item.code not in codes(criteria_for_industries(["0504"], on=datetime.date(2025, 10, 31)))


def test_inactive_criteria_and_documents_are_left_out(db):
    MajorHazardCriterion.objects.filter(code=MACHINERY).update(is_active=False)
    assert MACHINERY not in codes(criteria_for_industries(["0504"], on=DAY))
    CriteriaDocument.objects.filter(code="COAL-2020").update(is_active=False)
    assert COAL not in codes(criteria_for_industries(["01"], on=DAY))


def test_the_selector_is_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(criteria_for_industries(["0504", "0401"], on=DAY))
        [c.document.title for c in rows]  # the document comes with it


# --- the services ------------------------------------------------------------------------------

def test_a_fireworks_hazard_cannot_be_saved_under_a_coal_mine_item(world, fireworks):
    # given a fireworks company in the county regulator's jurisdiction
    regulator = world.users[Role.REGULATOR]
    # when the regulator reports a major hazard under a coal-mine item, then it is refused on the field
    with pytest.raises(ValidationError) as e:
        make_hazard(fireworks, regulator, grade="major", criterion=MajorHazardCriterion.objects.get(code=COAL))
    assert list(e.value.message_dict) == ["criterion"]
    assert not Hazard.objects.exists()


def test_a_criterion_of_the_enterprises_industry_or_across_industries_is_accepted(world, fireworks, fire_item):
    regulator = world.users[Role.REGULATOR]
    h = make_hazard(world.ent_a, regulator, grade="major", criterion=MajorHazardCriterion.objects.get(code=MACHINERY))
    assert h.criterion.code == MACHINERY
    assert make_hazard(fireworks, regulator, grade="major", criterion=fire_item).criterion == fire_item


def test_the_criterion_must_be_in_force_on_the_day_found(world, fire_item):
    # GB 35181-2025 is in force from 2025-11-01: a hazard found before cannot name its item
    regulator = world.users[Role.REGULATOR]
    found = timezone.make_aware(datetime.datetime(2025, 10, 20, 10, 0))
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, grade="major", criterion=fire_item, found_at=found,
                    deadline=datetime.date(2099, 1, 1))
    assert "criterion" in e.value.message_dict


def test_a_correction_cannot_move_the_hazard_to_another_industrys_item(world):
    regulator = world.users[Role.REGULATOR]
    h = make_hazard(world.ent_a, regulator, grade="major", criterion=MajorHazardCriterion.objects.get(code=MACHINERY))
    with pytest.raises(ValidationError) as e:
        services.update_hazard(h, actor=regulator, data={"criterion": MajorHazardCriterion.objects.get(code=COAL)})
    assert "criterion" in e.value.message_dict
    h.refresh_from_db()
    assert h.criterion.code == MACHINERY


def test_a_hazard_raised_from_an_inspection_item_cannot_name_another_industrys_item(world):
    from anjian.inspections import services as inspections
    from anjian.inspections.choices import InspectionKind, ItemResult
    from anjian.portal.testing.factories import make_checklist

    # given a government inspection of the machinery firm with a found item
    regulator = world.users[Role.REGULATOR]
    record = inspections.start_record(actor=regulator, enterprise=world.ent_a, kind=InspectionKind.GOVERNMENT,
                                      data={"location": "一车间"}, checklist=make_checklist(2))
    item = record.items.order_by("sort").first()
    inspections.record_results(record, actor=regulator, results=[{"item": item.pk, "result": ItemResult.HAZARD_FOUND,
                                                                  "note": "联锁失效"}])
    # when it is raised as a major hazard under a coal-mine item, then it is refused on the field
    with pytest.raises(ValidationError) as e:
        inspections.raise_hazard_from_item(item, actor=regulator, data={
            "grade": "major", "criterion": MajorHazardCriterion.objects.get(code=COAL)})
    assert "criterion" in e.value.message_dict
    # and under its own industry's item it is raised
    hazard = inspections.raise_hazard_from_item(item, actor=regulator, data={
        "grade": "major", "criterion": MajorHazardCriterion.objects.get(code=MACHINERY)})
    assert hazard.criterion.code == MACHINERY


def test_an_inspection_items_criterion_of_another_sub_sector_raises_a_general_hazard(world):
    from anjian.inspections import services as inspections
    from anjian.inspections.choices import InspectionKind, ItemResult
    from anjian.portal.testing.factories import make_checklist

    # given a 工贸 checklist whose two major items meet a metallurgy and a machinery criterion
    checklist = make_checklist(2, major=2)
    first, second = checklist.items.filter(is_active=True).order_by("sort")
    first.criterion = MajorHazardCriterion.objects.get(code=METALLURGY)
    second.criterion = MajorHazardCriterion.objects.get(code=MACHINERY)
    first.save()
    second.save()
    regulator = world.users[Role.REGULATOR]
    record = inspections.start_record(actor=regulator, enterprise=world.ent_a, kind=InspectionKind.GOVERNMENT,
                                      data={"location": "一车间"}, checklist=checklist)
    items = list(record.items.order_by("sort"))
    inspections.record_results(record, actor=regulator, results=[
        {"item": i.pk, "result": ItemResult.HAZARD_FOUND} for i in items])
    # when both are raised at the machinery firm, then the metallurgy one is general, the other major
    metallurgy = inspections.raise_hazard_from_item(items[0], actor=regulator)
    machinery = inspections.raise_hazard_from_item(items[1], actor=regulator)
    assert (metallurgy.grade, metallurgy.criterion_id) == ("general", None)
    assert (machinery.grade, machinery.criterion.code) == ("major", MACHINERY)


# --- the API -----------------------------------------------------------------------------------

def report_payload(enterprise, **extra) -> dict:
    return {"enterprise": enterprise.pk, "location": "仓库", "description": "成品仓库超量储存",
            "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(), **extra}


def test_api_refuses_a_coal_item_for_a_fireworks_hazard_in_chinese(world, api, fireworks):
    # when the regulator reports the fireworks hazard under the coal-mine item
    response = act_as(api, world.users[Role.REGULATOR]).post(
        api_url("hazard"), report_payload(fireworks, grade="major", criterion=COAL), format="json")
    # then 400 names the field, in Chinese (the default language)
    assert response.status_code == 400, response.content
    message = response.json()["criterion"][0]
    assert "不适用" in message and "烟花爆竹生产" in message
    assert not Hazard.objects.exists()


def test_api_refuses_another_industrys_item_pushed_with_an_enterprise_system_key(world):
    from rest_framework.test import APIClient

    # given enterprise A's system key (acting as its enterprise user)
    secret = issue_key(actor=world.users[Role.REGULATOR], enterprise=world.ent_a, user=world.users[Role.ENTERPRISE],
                       name="企业隐患排查治理系统").secret
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    payload = {k: v for k, v in report_payload(world.ent_a, grade="major").items() if k != "enterprise"}
    # when it pushes a major hazard under a metallurgy item (enterprise A makes machinery), then 400
    refused = client.post(api_url("hazard"), {**payload, "criterion": METALLURGY}, format="json")
    assert refused.status_code == 400 and "criterion" in refused.json()
    # and under its own sub-sector's item it is taken
    taken = client.post(api_url("hazard"), {**payload, "criterion": MACHINERY}, format="json")
    assert taken.status_code == 201, taken.content
    # and the key can read the choices
    offered = client.get(reverse("hazard-criteria"))
    assert offered.status_code == 200 and MACHINERY in {c["code"] for c in offered.json()}


def test_api_correction_refuses_another_industrys_item(world, api):
    regulator = world.users[Role.REGULATOR]
    h = make_hazard(world.ent_a, regulator, grade="major", criterion=MajorHazardCriterion.objects.get(code=MACHINERY))
    response = act_as(api, regulator).patch(api_url("hazard", h.pk), {"criterion": COAL}, format="json")
    assert response.status_code == 400 and "criterion" in response.json()


def test_api_choices_are_the_enterprises_criteria(world, api, fireworks, fire_item):
    client = act_as(api, world.users[Role.REGULATOR])
    url = reverse("hazard-criteria")
    ent_a = {c["code"] for c in client.get(url, {"enterprise": world.ent_a.pk}).json()}
    assert {MACHINERY, INDTRADE_ALL, fire_item.code} <= ent_a and METALLURGY not in ent_a and COAL not in ent_a
    fw = {c["code"]: c for c in client.get(url, {"enterprise": fireworks.pk}).json()}
    assert {fire_item.code, "FW2017-04", "FW2017-05"} <= set(fw)
    assert COAL_NOW not in fw and MACHINERY not in fw
    assert fw[fire_item.code]["document_title"] == "GB 35181-2025 重大火灾隐患判定规则"


def test_api_choices_default_to_an_enterprise_users_own_and_stay_in_scope(world, api):
    own = act_as(api, world.users[Role.ENTERPRISE]).get(reverse("hazard-criteria"))
    assert own.status_code == 200 and MACHINERY in {c["code"] for c in own.json()}
    # another county's enterprise is not found; a regulator must name the enterprise
    other = act_as(api, world.users[Role.REGULATOR]).get(reverse("hazard-criteria"), {"enterprise": world.ent_b.pk})
    assert other.status_code == 404
    missing = act_as(api, world.users[Role.REGULATOR]).get(reverse("hazard-criteria"))
    assert missing.status_code == 400 and "enterprise" in missing.json()


def test_api_choices_take_a_fixed_number_of_queries(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    url = reverse("hazard-criteria")
    client.get(url, {"enterprise": world.ent_b.pk})  # warm the per-process caches (a 404)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"enterprise": world.ent_a_construction.pk}).status_code == 200
    with CaptureQueriesContext(connection) as many:
        body = client.get(url, {"enterprise": world.ent_a.pk}).json()
    assert len(body) > 10
    assert len(many) == len(few)


# --- the pages ---------------------------------------------------------------------------------

def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def option_values(html: str, name: str) -> set[str]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_report_page_offers_an_enterprise_user_only_its_industrys_criteria(world):
    html = client_for(world.users[Role.ENTERPRISE]).get(reverse("hazards:create")).content.decode()
    offered = option_values(html, "criterion")
    pk = dict(MajorHazardCriterion.objects.values_list("code", "pk"))
    assert str(pk[MACHINERY]) in offered and str(pk[INDTRADE_ALL]) in offered
    assert str(pk[METALLURGY]) not in offered and str(pk[COAL]) not in offered


def test_report_page_for_a_regulator_carries_what_the_page_narrows_by(world, fireworks):
    # the regulator picks the enterprise on the page: every criterion in force is in the select,
    # with the industries each applies to and each enterprise's industry for the script
    html = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:create")).content.decode()
    pk = dict(MajorHazardCriterion.objects.values_list("code", "pk"))
    assert str(pk[COAL_NOW]) in option_values(html, "criterion")
    crit_map = json.loads(html.split('id="hz-criteria-industries" type="application/json">')[1].split("</script>")[0])
    ent_map = json.loads(html.split('id="hz-enterprise-industries" type="application/json">')[1].split("</script>")[0])
    assert crit_map[str(pk[COAL_NOW])] == {"docs": ["01"], "sector": ""}
    assert crit_map[str(pk[MACHINERY])] == {"docs": ["05"], "sector": "0504"}
    assert ent_map[str(fireworks.pk)] == "0401"


def test_report_page_refuses_a_coal_item_for_a_fireworks_firm_next_to_the_field(world, fireworks):
    pk = MajorHazardCriterion.objects.get(code=COAL_NOW).pk
    response = client_for(world.users[Role.REGULATOR]).post(reverse("hazards:create"), {
        "enterprise": fireworks.pk, "location": "仓库", "description": "成品仓库超量储存", "category": "management",
        "grade": "major", "major_basis": "criterion", "criterion": pk,
        "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "criterion" in errors and "不适用" in errors["criterion"][0]
    assert not Hazard.objects.exists()


def test_correction_page_offers_the_hazards_industrys_criteria(world):
    regulator = world.users[Role.REGULATOR]
    h = make_hazard(world.ent_a, regulator, grade="major", criterion=MajorHazardCriterion.objects.get(code=MACHINERY))
    html = client_for(regulator).get(reverse("hazards:action", args=[h.pk, "correct"])).content.decode()
    offered = option_values(html, "criterion")
    pk = dict(MajorHazardCriterion.objects.values_list("code", "pk"))
    assert str(pk[MACHINERY]) in offered and str(pk[COAL]) not in offered


def test_report_page_queries_do_not_grow_with_the_enterprises(world):
    client = client_for(world.users[Role.REGULATOR])
    url = reverse("hazards:create")
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        EnterpriseFactory(name=f"新增企业{i}", region=world.township_a, industry=industry("0401"))
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)

