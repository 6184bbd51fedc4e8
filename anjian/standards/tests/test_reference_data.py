"""The reference data loaded by migrate: the national major-hazard criteria of the fact sheet
(shared/domain/REGULATIONS.md §5), paraphrased, with their certainty, and a starter checklist
for every top-level industry plus a general one."""

import datetime

import pytest
from django.db.models import Count

from anjian.enterprises.models import Industry
from anjian.standards.data.criteria import DOCUMENTS
from anjian.standards.models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion

pytestmark = pytest.mark.django_db


def counts_by_section(code: str) -> dict[str, int]:
    rows = MajorHazardCriterion.objects.filter(document__code=code).values("section").annotate(n=Count("id"))
    return {r["section"]: r["n"] for r in rows}


def test_hazchem_criteria_are_the_twenty_items():
    # given a migrated database, when the hazchem document is read
    doc = CriteriaDocument.objects.get(code="HAZCHEM-2017")
    # then it has its 20 items numbered 1–20, applies to hazardous chemicals, and is marked [C2]
    assert list(doc.criteria.values_list("item_no", flat=True)) == [str(n) for n in range(1, 21)]
    assert list(doc.industries.values_list("code", flat=True)) == ["03"]
    assert doc.document_number == "安监总管三〔2017〕121号"
    assert doc.certainty == "C2" and "两个来源核实" in doc.source_note
    # and its exact issue day is unconfirmed, so no effective date is invented
    assert doc.effective_from is None and "未确认" in doc.source_note


def test_coal_criteria_are_the_fifteen_aspects():
    # given the coal document, then it has the 15 aspects of Art. 3, in force from 2021-01-01
    doc = CriteriaDocument.objects.get(code="COAL-2020")
    assert doc.criteria.count() == 15
    assert doc.effective_from == datetime.date(2021, 1, 1)
    assert doc.document_number == "应急管理部令第4号"


def test_industry_and_trade_2023_sections():
    # given the 工贸 2023 document, then each section has exactly the items the fact sheet gives
    assert counts_by_section("INDTRADE-2023") == {
        "管理类（第三条）": 3,
        "行业类·冶金（第四条）": 4,
        "行业类·建材（第六条）": 8,
        "行业类·机械（第七条）": 2,
        "专项类·粉尘爆炸": 6,
        "专项类·液氨制冷": 2,
        "专项类·有限空间": 3,
    }
    doc = CriteriaDocument.objects.get(code="INDTRADE-2023")
    assert doc.effective_from == datetime.date(2023, 5, 15)
    # and the industry sections apply to their sub-sector only
    assert set(MajorHazardCriterion.objects.filter(code__startswith="GM2023-JC").values_list(
        "industry__code", flat=True)) == {"0503"}
    assert MajorHazardCriterion.objects.get(code="GM2023-GL01").industry is None
    # and what is not given (e.g. the third ammonia item) is said to be missing, not invented
    assert "液氨制冷第三项（未确认）" in doc.source_note


def test_road_transport_general_items_and_the_800_km_rule():
    # given the road transport document, then Art. 3 has its 5 general items, plus Art. 4(1)
    assert counts_by_section("ROAD-2023") == {"通用情形（第三条）": 5, "道路旅客运输（第四条）": 1}
    doc = CriteriaDocument.objects.get(code="ROAD-2023")
    assert doc.effective_from == datetime.date(2023, 10, 1)
    # and the unconfirmed document number is marked as such
    assert "未确认" in doc.document_number


def test_documents_without_item_texts_are_listed():
    # given the §5 documents whose item texts the fact sheet does not give, then each exists without items
    empty = {"NONCOAL-2022", "FIREWORKS-2017", "INDTRADE-2017", "HOUSING-2022", "FIRE-GB35181-2025",
             "FIRE-GB35181-2017", "SPECEQ-GB45067-2024", "CIVEXP-2023"}
    docs = CriteriaDocument.objects.filter(code__in=empty).annotate(n=Count("criteria"))
    assert {d.code: d.n for d in docs} == dict.fromkeys(empty, 0)
    # and the replaced fire standard ends the day before its successor takes effect
    assert CriteriaDocument.objects.get(code="FIRE-GB35181-2017").effective_to == datetime.date(2025, 10, 31)
    assert CriteriaDocument.objects.get(code="FIRE-GB35181-2025").effective_from == datetime.date(2025, 11, 1)
    # and the fireworks document, seen only in code transcriptions, says so
    assert CriteriaDocument.objects.get(code="FIREWORKS-2017").certainty == "CODE"


def test_every_document_names_its_issuer_industries_and_certainty():
    # given the shipped data, then every document has the facts users need to judge it
    for spec in DOCUMENTS:
        doc = CriteriaDocument.objects.get(code=spec["code"])
        assert doc.title and doc.source_note and doc.certainty
        assert doc.industries.exists(), doc.code
        # texts are paraphrases and say so where there are any
        if doc.criteria.exists():
            assert "转述" in doc.source_note
    assert MajorHazardCriterion.objects.count() == 20 + 15 + 28 + 6


def test_unconfirmed_marks_are_carried_over():
    # given the data file, then a criterion is unconfirmed exactly where the data says so
    flagged = {c[0] for spec in DOCUMENTS for c in spec["criteria"] if not c[4]}
    assert set(MajorHazardCriterion.objects.filter(is_confirmed=False).values_list("code", flat=True)) == flagged


def test_a_starter_checklist_for_every_top_level_industry_and_a_general_one():
    # given the taxonomy's top-level industries, then each has one checklist of 8–15 items
    top = Industry.objects.filter(parent__isnull=True)
    lists = Checklist.objects.filter(industry__in=top).annotate(n=Count("items"))
    assert {c.industry.code for c in lists} == set(top.values_list("code", flat=True))
    for checklist in lists:
        assert 8 <= checklist.n <= 15, checklist.code
    general = Checklist.objects.get(industry__isnull=True)
    assert general.code == "CL-GEN" and general.items.count() >= 8


def test_major_items_mirror_their_criterion():
    # given the starter items, then an item is major exactly when it names a criterion
    assert not CheckItem.objects.filter(is_major_criterion=True, criterion__isnull=True).exists()
    assert not CheckItem.objects.filter(is_major_criterion=False, criterion__isnull=False).exists()
    hazchem = Checklist.objects.get(code="CL-03")
    assert hazchem.items.filter(criterion__document__code="HAZCHEM-2017").count() >= 10
    # and every item has a basis and a hazard factor class
    assert not CheckItem.objects.filter(basis="").exists()
    assert set(CheckItem.objects.values_list("hazard_factor", flat=True)) <= {"person", "object", "environment",
                                                                             "management"}
