"""Special campaigns (专项整治): the scope selects the enterprises (region, industries with their
sub-sectors, feature tags); the figures count only the submitted inspections of those enterprises
in the period with the campaign's checklist and the hazards they found, and each figure lists
exactly its records; the machine (launch, close with results, reopen with a reason); who may do
what; the pages in Chinese; the API and scoping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.core.testing.pagetext import leaks
from anjian.enterprises.models import EnterpriseTag, FeatureTag, Industry
from anjian.inspections import services as inspection_services
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, industry, make_checklist
from anjian.portal.testing.mixins import act_as, get_page
from anjian.steering import selectors, services
from anjian.steering.models import Campaign

pytestmark = pytest.mark.django_db

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def plan(world, *, region=None, industries=("05",), tags=(), checklist=None, **data):
    office = world.users[Role.COMMITTEE_OFFICE]
    fields = {"title": "机械行业粉尘涉爆专项整治", "starts_on": D(2026, 3, 1), "ends_on": D(2026, 5, 31),
              "checklist": checklist, **data}
    return services.create_campaign(
        actor=office, committee_region=world.county_a, region=region or world.county_a, data=fields,
        scope={"industries": [Industry.objects.get(code=c) for c in industries],
               "tags": [FeatureTag.objects.get(code=t) for t in tags]})


def inspect(world, enterprise, checklist, when, *, found: int = 0, submit: bool = True):
    """A government inspection of ``enterprise`` with ``checklist`` at ``when``: the first
    ``found`` items are hazards raised into the ledger, the others pass."""
    regulator = world.users[Role.REGULATOR] if enterprise.region_path.startswith(world.county_a.path) \
        else world.users["other_county"]
    record = inspection_services.start_record(actor=regulator, enterprise=enterprise, kind="government",
                                              checklist=checklist, data={"inspected_at": when})
    items = list(record.items.order_by("sort"))
    inspection_services.record_results(record, actor=regulator, results=[
        {"item": item, "result": "hazard_found" if i < found else "pass"} for i, item in enumerate(items)])
    for item in items[:found]:
        item.refresh_from_db()
        inspection_services.raise_hazard_from_item(item, actor=regulator, data={"deadline": D(2026, 3, 20)})
    if submit:
        record.refresh_from_db()
        inspection_services.submit_record(record, actor=regulator)
    return record


def at(day: str):
    return timezone.make_aware(datetime.datetime.fromisoformat(day))


@pytest.fixture
def scene(world, clock):
    """County A's campaign on machinery (industry 05 and below) with its own checklist: enterprise
    A (machinery, township A) inspected twice with the checklist (2 hazards found, both open) and
    once with another checklist (not counted); the construction company is out of scope (industry
    06), county B's chemical plant too (region); a second machinery enterprise is never inspected."""
    checklist = make_checklist(items=3)
    other = make_checklist(items=2)
    campaign = plan(world, checklist=checklist)
    inspect(world, world.ent_a, checklist, at("2026-03-05T10:00"), found=2)
    inspect(world, world.ent_a, checklist, at("2026-03-06T10:00"))
    inspect(world, world.ent_a, other, at("2026-03-07T10:00"), found=1)      # other checklist: not counted
    inspect(world, world.ent_a_construction, checklist, at("2026-03-05T11:00"), found=1)  # out of scope
    clock("2026-03-10T09:00")
    # a second machinery enterprise of township A, never inspected
    second = EnterpriseFactory(name="甲精密铸造有限公司", region=world.township_a, industry=industry("0504"))
    return campaign, checklist, second


def test_the_scope_selects_region_industries_with_sub_sectors_and_tags(world, clock):
    machinery = plan(world, industries=("05",))
    assert set(selectors.campaign_enterprises(machinery)) == {world.ent_a}
    everyone = plan(world, industries=())
    assert set(selectors.campaign_enterprises(everyone)) == {world.ent_a, world.ent_a_construction}
    city_wide = services.create_campaign(
        actor=make_city_office(world), committee_region=world.city, region=world.city,
        data={"title": "全市有限空间专项整治", "starts_on": D(2026, 3, 1), "ends_on": D(2026, 6, 30)})
    assert set(selectors.campaign_enterprises(city_wide)) == {world.ent_a, world.ent_a_construction, world.ent_b}
    tag = FeatureTag.objects.filter(is_active=True).first()
    EnterpriseTag.objects.create(enterprise=world.ent_a_construction, tag=tag)
    tagged = plan(world, industries=(), tags=(tag.code,))
    assert set(selectors.campaign_enterprises(tagged)) == {world.ent_a_construction}


def make_city_office(world):
    from anjian.portal.testing.factories import make_user

    return make_user(Role.COMMITTEE_OFFICE, scope_region=world.city)


def test_the_figures_count_the_campaign_s_inspections_and_their_hazards_and_open_to_their_records(world, scene):
    campaign, checklist, second = scene
    figures = selectors.campaign_progress(campaign)
    assert {k: figures[k] for k in ("in_scope", "inspected", "not_inspected", "inspections", "hazards",
                                    "hazards_open", "hazards_overdue", "hazards_major", "hazards_closed")} == {
        "in_scope": 2, "inspected": 1, "not_inspected": 1, "inspections": 2, "hazards": 2, "hazards_open": 2,
        "hazards_overdue": 0, "hazards_major": 0, "hazards_closed": 0}
    assert figures["coverage"] == 0.5 and figures["rectification"] == 0.0
    # each part lists exactly its records
    for part in selectors.CAMPAIGN_PARTS:
        assert selectors.campaign_records(campaign, part).count() == figures[part], part
    assert list(selectors.campaign_records(campaign, "not_inspected")) == [second]
    # per sub-region: township A holds everything
    assert figures["by_region"] == [{"region_id": world.township_a.pk, "name": world.township_a.name,
                                     "in_scope": 2, "inspected": 1, "hazards": 2, "hazards_open": 2,
                                     "coverage": 0.5}]


def test_the_period_bounds_count_whole_days_and_drafts_do_not_count(world, clock):
    checklist = make_checklist(items=1)
    campaign = plan(world, checklist=checklist, starts_on=D(2026, 3, 2), ends_on=D(2026, 3, 5))
    inspect(world, world.ent_a, checklist, at("2026-03-01T23:59"))                  # the day before
    assert selectors.campaign_progress(campaign)["inspections"] == 0
    inspect(world, world.ent_a, checklist, at("2026-03-05T23:30"))                  # the last day
    inspect(world, world.ent_a, checklist, at("2026-03-06T08:00"), found=1, submit=False)  # a draft
    figures = selectors.campaign_progress(campaign)
    assert (figures["inspections"], figures["inspected"], figures["hazards"]) == (1, 1, 0)


def test_overdue_hazards_follow_the_clock(world, scene, clock):
    campaign, _, _ = scene
    clock("2026-03-21T09:00")
    assert selectors.campaign_progress(campaign)["hazards_overdue"] == 2


def test_the_machine_and_the_rules_of_planning(world, clock):
    office = world.users[Role.COMMITTEE_OFFICE]
    with pytest.raises(ValidationError) as err:
        plan(world, region=world.township_b)
    assert "region" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        plan(world, ends_on=D(2026, 2, 1))
    assert "ends_on" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_campaign(actor=world.users[Role.REGULATOR], committee_region=world.county_a,
                                 region=world.county_a, data={"title": "越权", "starts_on": D(2026, 3, 1),
                                                              "ends_on": D(2026, 3, 2)})
    campaign = plan(world)
    assert campaign.number.startswith("ZX2026") and campaign.state == "planned"
    campaign = services.launch_campaign(campaign, actor=office)
    with pytest.raises(ValidationError) as err:
        services.close_campaign(campaign, actor=office, summary="  ")
    assert "summary" in err.value.message_dict
    campaign = services.close_campaign(campaign, actor=office, summary="检查企业2家，发现隐患2项。")
    assert (campaign.state, campaign.closed_on) == ("closed", D(2026, 3, 10))
    with pytest.raises(ValidationError):
        services.update_campaign(campaign, actor=office, data={"title": "改名"})
    with pytest.raises(ValidationError) as err:
        services.reopen_campaign(campaign, actor=office, comment="")
    assert "comment" in err.value.message_dict
    campaign = services.reopen_campaign(campaign, actor=office, comment="回头看")
    assert campaign.state == "running" and campaign.closed_on is None


def test_another_committee_s_office_cannot_change_the_campaign(world, clock):
    campaign = plan(world)
    with pytest.raises(PermissionDenied):
        services.launch_campaign(campaign, actor=make_city_office(world))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_in_chinese_and_scoped(world, scene):
    campaign, _, _ = scene
    office = client_of(world.users[Role.COMMITTEE_OFFICE])
    allow = (campaign.title, campaign.number, *(u.username for u in world.users.values()))
    urls = [reverse("steering:campaigns"), reverse("steering:campaign_create"),
            reverse("steering:campaign_detail", args=[campaign.pk]),
            reverse("steering:campaign_edit", args=[campaign.pk]), reverse("steering:home")]
    urls += [reverse("steering:campaign_records", args=[campaign.pk, p]) for p in selectors.CAMPAIGN_PARTS]
    for url in urls:
        response = office.get(url, **ZH)
        assert response.status_code == 200, url
        assert leaks(response.content.decode(), allow=allow) == [], url
    html = office.get(reverse("steering:campaign_records", args=[campaign.pk, "not_inspected"]), **ZH).content.decode()
    assert "甲精密铸造有限公司" in html and "甲机械有限公司" not in html
    other = client_of(world.users["other_county"])
    assert other.get(reverse("steering:campaign_detail", args=[campaign.pk])).status_code == 404
    assert other.get(reverse("steering:campaign_records", args=[campaign.pk, "hazards"])).status_code == 404
    assert campaign.title not in other.get(reverse("steering:campaigns"), **ZH).content.decode()
    assert client_of(world.users[Role.REGULATOR]).get(reverse("steering:campaign_create")).status_code == 403


def test_the_office_plans_launches_and_closes_through_the_pages(world, clock):
    office = world.users[Role.COMMITTEE_OFFICE]
    client = client_of(office)
    url = reverse("steering:campaign_create")
    form = {"committee": world.county_a.code, "title": "涉氨制冷专项整治", "region": world.county_b.code,
            "starts_on": "2026-03-01", "ends_on": "2026-04-30", "industries": [Industry.objects.get(code="05").pk]}
    # a region outside the user's jurisdiction is refused next to the field
    response = client.post(url, form, **ZH)
    assert response.status_code == 400
    response = client.post(url, {**form, "region": world.county_a.code})
    assert response.status_code == 302, response.content.decode()
    campaign = Campaign.objects.get(title="涉氨制冷专项整治")
    client.post(reverse("steering:campaign_launch", args=[campaign.pk]), {"version": campaign.version})
    campaign.refresh_from_db()
    assert campaign.state == "running"
    response = client.post(reverse("steering:campaign_close", args=[campaign.pk]),
                           {"version": campaign.version, "summary": ""}, **ZH)
    campaign.refresh_from_db()
    assert campaign.state == "running"
    client.post(reverse("steering:campaign_close", args=[campaign.pk]), {"version": campaign.version,
                                                                        "summary": "完成整治"})
    campaign.refresh_from_db()
    assert campaign.state == "closed" and campaign.summary == "完成整治"


def test_the_list_s_queries_do_not_grow_with_the_rows(world, clock):
    client = client_of(world.users[Role.COMMITTEE_OFFICE])
    plan(world)
    client.get(reverse("steering:campaigns"))  # warms the session and the reference caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("steering:campaigns")).status_code == 200
    for i in range(5):
        plan(world, title=f"专项整治{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("steering:campaigns")).status_code == 200
    assert len(many) == len(few)


def test_the_api(world, api, scene):
    campaign, checklist, _ = scene
    office = act_as(api, world.users[Role.COMMITTEE_OFFICE])
    response = office.post("/api/steering/campaigns/", {
        "committee": world.county_a.code, "region": world.county_b.code, "title": "越界", "starts_on": "2026-03-01",
        "ends_on": "2026-03-31"}, format="json")
    assert response.status_code == 400 and "region" in response.json()
    response = office.post("/api/steering/campaigns/", {
        "committee": world.county_a.code, "region": world.township_a.code, "title": "有限空间专项整治",
        "industries": ["05"], "checklist": checklist.pk, "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["industries"] == ["05"] and created["available_actions"]
    response = office.post(f"/api/steering/campaigns/{created['id']}/launch/", {"version": created["version"]},
                           format="json")
    assert response.status_code == 200 and response.json()["state"] == "running"
    response = office.post(f"/api/steering/campaigns/{created['id']}/launch/", {"version": created["version"]},
                           format="json")
    assert response.status_code == 409
    progress = office.get(f"/api/steering/campaigns/{campaign.pk}/progress/").json()
    assert (progress["in_scope"], progress["inspected"], progress["hazards"]) == (2, 1, 2)
    with CaptureQueriesContext(connection) as queries:
        assert get_page(office, "/api/steering/campaigns/")["count"] == 2
    for i in range(4):
        plan(world, title=f"专项整治{i}", industries=("05", "06"))
    with CaptureQueriesContext(connection) as more:
        assert get_page(office, "/api/steering/campaigns/")["count"] == 6
    assert len(more) == len(queries)
    other = act_as(api, world.users["other_county"])
    assert other.get(f"/api/steering/campaigns/{campaign.pk}/").status_code == 404
    assert other.get(f"/api/steering/campaigns/{campaign.pk}/progress/").status_code == 404
    assert get_page(other, "/api/steering/campaigns/")["count"] == 0
