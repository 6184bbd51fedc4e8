"""selectors.criteria_for_industries: the criteria an enterprise of given industries can be
graded against on a day (the hazards app's criterion picker reads it)."""

import datetime

import pytest

from anjian.portal.testing.factories import industry
from anjian.standards import services
from anjian.standards.models import CriteriaDocument, MajorHazardCriterion
from anjian.standards.selectors import criteria_for_industries

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)
CROSS = {"SPECEQ-GB45067-2024"}  # the cross-industry documents in force that have items


def documents(codes, on=DAY) -> set[str]:
    return set(criteria_for_industries(codes, on=on).values_list("document__code", flat=True))


def test_an_industry_gets_its_documents_and_the_cross_industry_ones():
    # given a fireworks enterprise, then the fireworks criteria and the special-equipment ones
    assert documents(["0401"]) == {"FIREWORKS-2017"} | CROSS
    # and 超员 / 超量 are among them
    codes = set(criteria_for_industries(["0401"], on=DAY).values_list("code", flat=True))
    assert {"FW2017-04", "FW2017-05"} <= codes
    # a retail-only item is not offered to a producer, but is to a retailer
    assert "FW2017-20" not in codes
    assert "FW2017-20" in set(criteria_for_industries(["0403"], on=DAY).values_list("code", flat=True))


def test_sub_sector_items_follow_the_enterprise_sub_sector():
    machinery = set(criteria_for_industries(["0504"], on=DAY).values_list("code", flat=True))
    # 工贸 management and special items, the machinery article, not the metallurgy one
    assert {"GM2023-GL01", "GM2023-FC07", "GM2023-JX03", "GM2023-TZ01"} <= machinery
    assert not any(code.startswith("GM2023-YJ") for code in machinery)
    # a parent industry (all of 工贸) sees every sub-sector's items
    everything = set(criteria_for_industries(["05"], on=DAY).values_list("code", flat=True))
    assert {"GM2023-YJ01", "GM2023-JX03", "GM2023-YC02"} <= everything


def test_only_documents_in_force_that_day():
    # the 2026 coal standard replaced the 2020 one on 2026-07-01
    assert documents(["01"], on=datetime.date(2026, 6, 30)) >= {"COAL-2020"}
    assert "COAL-2026" not in documents(["01"], on=datetime.date(2026, 6, 30))
    assert documents(["01"], on=DAY) == {"COAL-2026"} | CROSS
    # the 2022 construction standard was replaced on 2024-12-13 (it has no items here)
    assert documents(["0601"], on=DAY) == {"HOUSING-2024"} | CROSS
    # before GB 45067 took effect there was no special-equipment document
    assert documents(["0601"], on=datetime.date(2024, 11, 30)) == set()


def test_several_industries_and_none():
    assert documents(["0301", "0401"]) == {"HAZCHEM-2017", "HAZCHEM-AQ3067-2026", "FIREWORKS-2017"} | CROSS
    # no industry: the cross-industry documents only
    assert documents([]) == CROSS
    assert documents(["", "  "]) == CROSS


def test_inactive_rows_and_documents_are_left_out():
    # deactivated criteria (e.g. the summary items of an earlier release) are not offered
    codes = set(criteria_for_industries(["05"], on=DAY).values_list("code", flat=True))
    assert "GM2023-FC02" not in codes
    # a deactivated document drops out whole
    doc = CriteriaDocument.objects.get(code="FIREWORKS-2017")
    services.set_criteria_document_active(doc, actor=None, active=False, reason="测试")
    assert documents(["0401"]) == CROSS


def test_a_cross_industry_document_added_by_an_administrator_applies_everywhere():
    doc = services.create_criteria_document(actor=None, data={
        "code": "X-CROSS", "title": "跨行业测试标准", "document_number": "测试〔2026〕1号", "cross_industry": True,
        "effective_from": datetime.date(2026, 1, 1)}, industries=[industry("09")])
    services.create_criterion(actor=None, data={"document": doc, "code": "X-CROSS-1", "text": "测试条款内容"})
    assert "X-CROSS" in documents(["1501"]) and "X-CROSS" in documents([])


def test_one_query_with_documents_and_sub_sectors_joined(django_assert_num_queries):
    rows = criteria_for_industries(["0504"])
    with django_assert_num_queries(1):
        listed = [(c.document.title, c.industry_id and c.industry.code, c.text) for c in rows]
    assert listed and isinstance(rows.first(), MajorHazardCriterion)
