"""High-risk industries and enterprises: the taxonomy's flags follow 《安全生产法》 Art. 24 and the
《安全生产责任保险实施办法》 with a source on every flag; the migration 0006 corrected the flags
0003 shipped and brought along the enterprises whose flag came from their industry (not those
set by hand); from then on an enterprise's flag has a basis, kept by every write path."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.sites import site as admin_site
from django.test import Client, RequestFactory

from anjian.core.services import events_for
from anjian.enterprises import services
from anjian.enterprises.choices import HighRiskBasis
from anjian.enterprises.data.industries import HIGH_RISK_SOURCES, INDUSTRIES
from anjian.enterprises.imports import import_enterprises
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, industry, make_user
from anjian.portal.testing.mixins import act_as, api_url

from .test_imports import code as credit_code
from .test_imports import row, xlsx

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("anjian.enterprises.migrations.0006_correct_high_risk_industries")

# The sectors the two texts name, by our taxonomy's codes (the sources say which text names which).
NAMED_BY_LAW = {
    "01", "02", "0201", "0202", "0203", "0204",           # 矿山
    "03", "0301", "0302", "0303", "0304",                 # 危险物品 / 危险化学品
    "04", "0401", "0402", "0403",                         # 烟花爆竹
    "0501",                                               # 金属冶炼
    "06", "0601", "0602",                                 # 建筑施工
    "07", "0701", "0702", "0703", "08", "19",             # 运输单位 / 交通运输
    "12",                                                 # 民用爆炸物品
    "14",                                                 # 渔业生产
}


# --- the taxonomy ------------------------------------------------------------------------------

def test_the_flags_the_law_names_are_high_risk_and_every_flag_has_its_source(world):
    flags = dict(Industry.objects.values_list("code", "high_risk"))
    # the sectors of the brief: metallurgy, construction, road transport with passenger and
    # freight, waterway transport, fishing vessels
    for code in ("0501", "06", "0601", "0602", "07", "0701", "0702", "08", "14"):
        assert flags[code] is True, code
    assert {code for code, flag in flags.items() if flag} == NAMED_BY_LAW | {"0902", "11"}
    # every shipped industry has a source in Chinese naming the law or saying none names it
    for code, source in Industry.objects.values_list("code", "high_risk_source"):
        assert source == HIGH_RISK_SOURCES[code]
        assert "第二十四条" in source or "安全生产责任保险实施办法" in source, code
    assert "应急〔2025〕27号" in Industry.objects.get(code="07").high_risk_source
    assert set(HIGH_RISK_SOURCES) == {code for code, *_ in INDUSTRIES}


def _as_before_0006():
    """The database as 0003 left it: the shipped (wrong) flags, no sources."""
    for code in MIGRATION.CORRECTIONS:
        Industry.objects.filter(code=code).update(high_risk=MIGRATION.CORRECTIONS[code][0])
    Industry.objects.update(high_risk_source="")


def test_the_migration_corrects_the_flags_and_the_enterprises_that_followed_them(world):
    # given the database as 0003 left it, with enterprises whose flags were copied from the
    # industry (the import, the demo, an unticked box) and some set by a person
    _as_before_0006()
    Enterprise.objects.update(high_risk_basis=HighRiskBasis.INDUSTRY)
    construction = world.ent_a_construction  # 0601: False, copied from the old flag
    Enterprise.objects.filter(pk=construction.pk).update(high_risk=False)
    truck = EnterpriseFactory(region=world.township_a, industry=industry("0702"))
    ticked = EnterpriseFactory(region=world.township_a, industry=industry("0701"))
    unticked_chem = EnterpriseFactory(region=world.township_a, industry=industry("0301"))
    smelter = EnterpriseFactory(region=world.township_a, industry=industry("0502"))
    Enterprise.objects.filter(pk=truck.pk).update(high_risk=False)
    Enterprise.objects.filter(pk__in=[ticked.pk, smelter.pk]).update(high_risk=True)   # a person ticked the box
    Enterprise.objects.filter(pk=unticked_chem.pk).update(high_risk=False)             # a person unticked it
    history_before = {e.pk: e.history.count() for e in Enterprise.objects.all()}

    # when the migration runs
    MIGRATION.correct(django_apps, None)

    # then the industries carry the corrected flags with their sources
    assert all(Industry.objects.get(code=code).high_risk for code in MIGRATION.CORRECTIONS)
    assert Industry.objects.get(code="0601").high_risk_source == HIGH_RISK_SOURCES["0601"]
    # the enterprises that followed their industry follow the correction, with a history row
    fresh = {e.pk: e for e in Enterprise.objects.all()}
    assert (fresh[construction.pk].high_risk, fresh[construction.pk].high_risk_basis) == (True, "industry")
    assert (fresh[truck.pk].high_risk, fresh[truck.pk].high_risk_basis) == (True, "industry")
    latest = fresh[truck.pk].history.order_by("-history_id").first()
    assert latest.history_change_reason == MIGRATION.REASON_CORRECTED and latest.high_risk is True
    # those a person set differently from their industry are kept, and marked set by hand
    assert (fresh[unticked_chem.pk].high_risk, fresh[unticked_chem.pk].high_risk_basis) == (False, "manual")
    assert (fresh[smelter.pk].high_risk, fresh[smelter.pk].high_risk_basis) == (True, "manual")
    assert fresh[smelter.pk].history.order_by("-history_id").first().history_change_reason == (
        MIGRATION.REASON_MANUAL)
    # a ticked box that agrees with the corrected flag stays ticked (as derived: it cannot be told apart)
    assert fresh[ticked.pk].high_risk is True
    # unaffected enterprises get no history row
    assert fresh[world.ent_a.pk].history.count() == history_before[world.ent_a.pk]
    # and running it again changes nothing
    MIGRATION.correct(django_apps, None)
    assert {e.pk: e.history.count() for e in Enterprise.objects.all()} == {
        e.pk: e.history.count() for e in fresh.values()}


def test_the_migration_keeps_an_administrators_own_change_of_an_industry(world):
    # given an administrator who had already made fishing vessels high-risk in the admin (which
    # did not touch the enterprises), and an enterprise whose flag was copied from the shipped value
    _as_before_0006()
    Industry.objects.filter(code="14").update(high_risk=True)
    boat = EnterpriseFactory(region=world.township_a, industry=industry("14"))
    Enterprise.objects.filter(pk=boat.pk).update(high_risk=False, high_risk_basis="industry")
    # and an administrator's own flag on an industry the correction does not touch
    Industry.objects.filter(code="16").update(high_risk=True)
    # when the migration runs
    MIGRATION.correct(django_apps, None)
    # then the administrator's values stand, and the enterprise copied from the shipped value follows
    assert Industry.objects.get(code="14").high_risk is True
    assert Industry.objects.get(code="16").high_risk is True
    boat = Enterprise.objects.get(pk=boat.pk)
    assert (boat.high_risk, boat.high_risk_basis) == (True, "industry")


# --- the basis of an enterprise's flag ----------------------------------------------------------

def test_a_flag_from_the_industry_follows_it_and_a_flag_set_by_hand_stays(world):
    admin = world.users[Role.ADMIN]
    # given a machinery plant (not high-risk by industry) registered without a flag
    plant = services.create_enterprise(actor=admin, data={
        "name": "甲冶炼厂", "credit_code": "91350100M000100Y43", "region": world.township_a,
        "industry": industry("0504")})
    assert (plant.high_risk, plant.high_risk_basis) == (False, "industry")
    # when its industry is corrected to metallurgy, then the flag follows
    plant = services.update_enterprise(plant, actor=admin, data={"industry": industry("0501")})
    assert (plant.high_risk, plant.high_risk_basis) == (True, "industry")
    # when a person says it is not high-risk, then the flag is theirs
    plant = services.update_enterprise(plant, actor=admin, data={"high_risk": False})
    assert (plant.high_risk, plant.high_risk_basis) == (False, "manual")
    # and moving it to another industry does not change a flag set by hand
    plant = services.update_enterprise(plant, actor=admin, data={"industry": industry("0601")})
    assert (plant.high_risk, plant.high_risk_basis) == (False, "manual")
    # until the person gives it back to the industry
    plant = services.update_enterprise(plant, actor=admin, data={"high_risk_basis": "industry"})
    assert (plant.high_risk, plant.high_risk_basis) == (True, "industry")
    # each change is a version in the field history
    assert plant.history.count() == 5


@pytest.mark.parametrize(("code", "flag", "expected"), [
    ("0502", True, (True, "manual")),      # a non-ferrous smelter: high-risk although its sector is not
    ("0301", False, (False, "manual")),    # a flag against the industry's is a person's decision
    ("0301", True, (True, "industry")),    # the industry's own flag: it follows the industry
])
def test_a_flag_given_on_registration_against_the_industry_is_set_by_hand(world, code, flag, expected):
    ent = services.create_enterprise(actor=world.users[Role.ADMIN], data={
        "name": "甲冶炼厂", "credit_code": "91350100M000100Y43", "region": world.township_a,
        "industry": industry(code), "high_risk": flag})
    assert (ent.high_risk, ent.high_risk_basis) == expected


def test_api_reads_and_writes_the_basis(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    # the construction company is high-risk by its industry
    data = client.get(api_url("enterprise", world.ent_a_construction.pk)).json()
    assert (data["high_risk"], data["high_risk_basis"]) == (True, "industry")
    # a flag sent alone that changes it is a person's decision
    response = client.patch(api_url("enterprise", world.ent_a_construction.pk), {"high_risk": False}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["high_risk"], response.json()["high_risk_basis"]) == (False, "manual")
    # back to the industry: the flag sent along is ignored
    response = client.patch(api_url("enterprise", world.ent_a_construction.pk),
                            {"high_risk_basis": "industry", "high_risk": False}, format="json")
    assert (response.json()["high_risk"], response.json()["high_risk_basis"]) == (True, "industry")
    # an unknown basis is refused, naming the field
    response = client.patch(api_url("enterprise", world.ent_a_construction.pk), {"high_risk_basis": "guess"},
                            format="json")
    assert response.status_code == 400 and "high_risk_basis" in response.json()


def test_the_enterprise_user_cannot_change_the_basis(world, api):
    response = act_as(api, world.users[Role.ENTERPRISE]).patch(
        api_url("enterprise", world.ent_a.pk), {"high_risk_basis": "manual", "high_risk": True}, format="json")
    assert response.status_code == 400
    assert "high_risk" in response.json() or "high_risk_basis" in response.json()
    assert Enterprise.objects.get(pk=world.ent_a.pk).high_risk_basis == "industry"


def test_the_form_offers_the_basis(world):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    url = f"/enterprises/{world.ent_a.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="high_risk_choice"' in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in {"tags", "high_risk_choice"}}
    data.update(high_risk_choice="yes", grid=world.grid_a.pk)
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.context["form"].errors
    fresh = Enterprise.objects.get(pk=world.ent_a.pk)
    assert (fresh.high_risk, fresh.high_risk_basis) == (True, "manual")
    # and the page says where the flag comes from (in Chinese, the default language)
    assert "人工认定" in client.get(f"/enterprises/{world.ent_a.pk}/").content.decode()


# --- an administrator changes an industry's flag --------------------------------------------------

def test_changing_an_industrys_flag_brings_along_its_enterprises_but_not_those_set_by_hand(world):
    # given two machinery plants, one following the industry, one set by hand (not high-risk)
    follows = world.ent_a
    by_hand = EnterpriseFactory(region=world.township_a, industry=industry("0504"))
    services.update_enterprise(by_hand, actor=world.users[Role.ADMIN], data={"high_risk_basis": "manual",
                                                                            "high_risk": False})
    machinery = industry("0504")
    # when an administrator makes machinery high-risk in the admin
    admin_user = make_user(Role.ADMIN)
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    model_admin = admin_site._registry[Industry]
    request = RequestFactory().post("/")
    request.user = admin_user
    request._messages = _Messages()
    machinery.high_risk = True
    form = type("F", (), {"changed_data": ["high_risk"]})()
    model_admin.save_model(request, machinery, form, change=True)
    # then the plant following the industry is high-risk, with a history row; the other is not
    assert Enterprise.objects.get(pk=follows.pk).high_risk is True
    assert Enterprise.objects.get(pk=follows.pk).history.first().history_change_reason
    assert Enterprise.objects.get(pk=by_hand.pk).high_risk is False
    # and the industry's timeline counts the enterprises it brought along
    event = events_for(machinery).get(action="enterprises_high_risk_followed")
    assert event.data == {"high_risk": True, "enterprises": 1}


class _Messages:
    """Enough of the messages framework for ModelAdmin.message_user."""

    def __init__(self):
        self.sent = []

    def add(self, level, message, extra_tags=""):
        self.sent.append(message)


# --- the import ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("basis", "flag", "expected"), [
    ("", "", (True, "industry")),           # both empty: the industry's (construction: high-risk)
    ("", "否", (False, "manual")),          # a flag without a basis: a person's (as before the column)
    ("按行业", "否", (True, "industry")),   # the basis wins: the flag follows the industry
    ("人工", "否", (False, "manual")),
])
def test_import_reads_the_basis(world, basis, flag, expected):
    content = xlsx([row(name="甲建筑工程公司", region_code=world.township_a.code, industry_code="0601",
                        high_risk=flag, high_risk_basis=basis)])
    report = import_enterprises(content, "e.xlsx", actor=world.users[Role.ADMIN])
    assert report.ok, report.as_dict()
    ent = Enterprise.objects.get(name="甲建筑工程公司")
    assert (ent.high_risk, ent.high_risk_basis) == expected


def test_import_refuses_a_manual_basis_without_a_flag_and_an_unknown_basis(world):
    content = xlsx([row(name="甲一", region_code=world.township_a.code, industry_code="0601", high_risk="",
                        high_risk_basis="人工"),
                    row(name="甲二", credit_code=credit_code(900002), region_code=world.township_a.code,
                        industry_code="0601", high_risk_basis="猜的")])
    report = import_enterprises(content, "e.xlsx", actor=world.users[Role.ADMIN])
    assert [(e.row, e.field) for e in report.errors] == [(2, "high_risk"), (3, "high_risk_basis")]
    assert not Enterprise.objects.filter(name__in=["甲一", "甲二"]).exists()
