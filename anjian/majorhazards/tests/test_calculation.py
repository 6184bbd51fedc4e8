"""The calculator against the tables: every boundary (S = 1, R = 10/50/100, α bands), the lookup
order CAS → name/alias → hazard class, β from Tables 3/4, and table versions."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anjian.majorhazards import services
from anjian.majorhazards.calculation import EvaluationError, current_table, evaluate, load_snapshot
from anjian.majorhazards.data import gb18218_2018 as data
from anjian.majorhazards.models import CriticalQuantityTable, NamedChemical

from .helpers import calc

pytestmark = pytest.mark.django_db


def test_shipped_tables_are_complete():
    # given the migrated database, then the current table holds every row of the fact sheet
    table = current_table()
    assert table.label == "GB18218-2018 v1"
    assert sorted(table.chemicals) == list(range(1, 86))
    assert len(table.classes) == 24
    assert table.chemicals[49].cas == ("74-82-8", "8006-14-2")
    assert table.chemicals[52].cas == ("68476-85-7", "74-98-6", "106-97-8")
    assert [s for s, r in table.chemicals.items() if not r.cas] == [13, 45, 74]
    # Table 3: 14 gases with their β, on their Table-1 rows
    assert {s: (r.beta_gas, r.beta) for s, r in table.chemicals.items() if r.beta is not None} == {
        seq: (gas, Fraction(beta)) for seq, (gas, beta) in data.TABLE_3.items()}
    # every row without a Table-3 β has a default class that exists in Table 2 (our derivation [D])
    for row in table.chemicals.values():
        assert row.beta is not None or row.default_class in table.classes, row


@pytest.mark.parametrize("row", data.TABLE_1, ids=lambda r: str(r[0]))
def test_every_table_1_row_at_its_threshold_is_exactly_major(row):
    # given q = Q of a Table-1 chemical, found by its name, then S = 1 exactly: a major hazard source
    seq, name, _aliases, _cas, q, _note, _cls = row
    result = calc(0, {"name": name, "quantity_t": q})
    assert result.items[0].chemical_seq == seq
    assert result.s == 1 and result.is_major
    assert result.grade is not None


@pytest.mark.parametrize("symbol, cls, desc, q, beta, note", data.TABLE_2, ids=lambda v: str(v))
def test_every_table_2_class_gives_its_q_and_table_4_beta(symbol, cls, desc, q, beta, note):
    # given an unnamed substance of one hazard class at its threshold, α = 1 (population 1)
    result = calc(1, {"name": "未列名物质", "hazard_class": symbol, "quantity_t": q})
    item = result.items[0]
    # then Q and β are those of Tables 2 and 4, S = 1 and R = β
    assert (item.critical_quantity, item.beta) == (Fraction(Decimal(q)), Fraction(Decimal(beta)))
    assert result.s == 1 and result.r == Fraction(Decimal(beta))


def test_s_equal_to_one_from_thirds_is_major_without_float_error():
    # given three parcels of phosgene (Q = 0.3 t) of 0.1 t each: 0.1/0.3 × 3 is 0.999… in floats
    result = calc(0, *[{"name": "光气", "quantity_t": 0.1}] * 3)
    # then S is exactly 1 and the unit is major
    assert result.s == 1 and result.is_major


def test_just_below_one_is_not_major_and_has_no_grade_but_an_r():
    # given 4.999 t of chlorine (Q = 5)
    result = calc(100, {"cas": "7782-50-5", "quantity_t": "4.999"})
    # then not major, no grade, but R is still computed (α 2 × β 4 × 0.9998)
    assert not result.is_major and result.grade is None
    assert result.r == Fraction(2) * 4 * Fraction("4.999") / 5


@pytest.mark.parametrize("r, grade", [
    ("1000", 1), ("100", 1), ("99.999", 2), ("50", 2), ("49.999", 3), ("10", 3), ("9.999", 4), ("1", 4),
])
def test_grade_bands_at_every_bound(r, grade):
    # given an unnamed W5.3 solvent (Q 1000 t, β 1) and α = 1, so R = q/1000
    quantity = Decimal(r) * 1000
    result = calc(1, {"hazard_class": "W5.3", "name": "溶剂", "quantity_t": str(quantity)})
    # then R lands in Table 6's band: R ≥ 100 → 1; 50 ≤ R < 100 → 2; 10 ≤ R < 50 → 3; R < 10 → 4
    assert result.r == Fraction(Decimal(r))
    assert result.grade == grade


@pytest.mark.parametrize("population, alpha", [
    (0, "0.5"), (1, "1.0"), (29, "1.0"), (30, "1.2"), (49, "1.2"), (50, "1.5"), (99, "1.5"), (100, "2.0"),
    (100000, "2.0"),
])
def test_alpha_bands_at_every_bound(population, alpha):
    # given chlorine at 5 t (S = 1, Σβq/Q = 4), then α follows Table 5 and R = α × 4
    result = calc(population, {"cas": "7782-50-5", "quantity_t": 5})
    assert result.alpha == Fraction(Decimal(alpha))
    assert result.r == Fraction(Decimal(alpha)) * 4


def test_the_issue_example():
    # given 40 t chlorine and 300 t of a W5.3 solvent, 120 residents within 500 m
    result = calc(120, {"cas": "7782-50-5", "name": "氯", "quantity_t": 40},
                  {"hazard_class": "W5.3", "name": "某溶剂", "quantity_t": 300})
    # then S = 40/5 + 300/1000 = 8.3, α = 2, R = 2 × (4 × 8 + 1 × 0.3) = 64.6: grade 2
    assert result.s == Fraction("8.3") and result.alpha == 2 and result.r == Fraction("64.6")
    assert result.grade == 2
    assert [(i.critical_quantity, i.beta) for i in result.items] == [(5, 4), (1000, 1)]


def test_lookup_prefers_cas_then_name_then_class():
    # CAS wins over a name of another row
    assert calc(0, {"cas": "7782-50-5", "name": "甲醇", "quantity_t": 1}).items[0].chemical_seq == 12
    # an unknown CAS falls back to the name, an alias counts as a name
    item = calc(0, {"cas": "0000-00-0", "name": "液氯", "quantity_t": 1}).items[0]
    assert (item.chemical_seq, item.matched_by) == (12, "name")
    # a Table-1 name wins over a class given with it (the class only overrides β)
    item = calc(0, {"name": "甲醇", "hazard_class": "W5.1", "quantity_t": 1}).items[0]
    assert (item.chemical_seq, item.critical_quantity, item.beta) == (65, 500, Fraction("1.5"))
    # an unknown name with a class is placed by the class
    item = calc(0, {"name": "某溶剂", "hazard_class": "w5.4", "quantity_t": 1}).items[0]
    assert (item.matched_by, item.hazard_class, item.critical_quantity) == ("hazard_class", "W5.4", 5000)


def test_carbon_monoxide_is_row_13_with_table_3_beta():
    item = calc(0, {"name": "一氧化碳", "quantity_t": 20}).items[0]
    assert (item.chemical_seq, item.critical_quantity, item.beta, item.beta_source) == (13, 20, 2, "table3")


def test_table_3_beta_wins_over_a_class_override():
    item = calc(0, {"cas": "7782-50-5", "hazard_class": "W2", "quantity_t": 1}).items[0]
    assert (item.beta, item.beta_source) == (4, "table3")


def test_default_class_beta_is_marked_as_our_derivation():
    item = calc(0, {"name": "氢", "quantity_t": 5}).items[0]
    assert (item.beta, item.hazard_class, item.beta_source) == (Fraction("1.5"), "W2", "table4_default")


def test_several_classes_take_the_lowest_q():
    # given a substance that is a flammable gas (W2, 10 t) and an acute toxic gas J3 (50 t)
    item = calc(0, {"name": "某气体", "hazard_class": ["J3", "W2"], "quantity_t": 10}).items[0]
    # then the lowest Q applies (and that class's β)
    assert (item.hazard_class, item.critical_quantity, item.beta) == ("W2", 10, Fraction("1.5"))
    item = calc(0, {"name": "某气体", "hazard_class": "J1, W2", "quantity_t": 1}).items[0]
    assert (item.hazard_class, item.critical_quantity) == ("J1", 5)


def test_shared_cas_uses_the_name_or_else_the_lowest_q():
    named = calc(0, {"cas": "9004-70-0", "name": "硝化纤维素(含水≥25%)", "quantity_t": 1}).items[0]
    assert (named.chemical_seq, named.critical_quantity, named.note) == (41, 50, "")
    bare = calc(0, {"cas": "6484-52-2", "quantity_t": 1}).items[0]
    assert (bare.chemical_seq, bare.critical_quantity) == (43, 5)
    assert bare.note


def test_unknown_substance_names_its_index_and_field():
    with pytest.raises(EvaluationError) as exc:
        calc(0, {"name": "氯", "quantity_t": 1}, {"name": "某物质", "quantity_t": 2})
    assert list(exc.value.errors["substances"]) == ["1"]
    assert "某物质" in exc.value.errors["substances"]["1"]["name"][0]
    with pytest.raises(EvaluationError) as exc:
        calc(0, {"name": "某物质", "hazard_class": "W9.9", "quantity_t": 2})
    assert "W9.9" in exc.value.errors["substances"]["0"]["hazard_class"][0]


@pytest.mark.parametrize("quantity", [-1, "abc", None, True, "NaN", "inf"])
def test_bad_quantities_are_refused(quantity):
    with pytest.raises(EvaluationError) as exc:
        calc(0, {"name": "氯", "quantity_t": quantity})
    assert "quantity_t" in exc.value.errors["substances"]["0"]


def test_zero_quantity_counts_nothing():
    result = calc(0, {"name": "氯", "quantity_t": 0})
    assert result.s == 0 and not result.is_major


def test_a_new_table_version_is_used_once_current_and_old_results_keep_theirs(world):
    from anjian.orgs.choices import Role

    from .helpers import make_source

    admin = world.users[Role.ADMIN]
    # given a source evaluated with version 1 (40 t chlorine: S = 8)
    source = make_source(world)
    first = source.evaluations.get()
    v1 = CriticalQuantityTable.objects.get(is_current=True)
    assert first.table == v1
    # when an administrator copies the table, doubles chlorine's Q in the copy and makes it current
    v2 = services.new_table_version(v1, actor=admin)
    assert v2.chemicals.count() == 85 and v2.classes.count() == 24 and v2.based_on == v1
    NamedChemical.objects.filter(table=v2, seq=12).update(critical_quantity=10)
    services.make_table_current(v2, actor=admin)
    # then a new evaluation uses version 2 (S = 4) and the first one still points at version 1
    services.update_source(source, actor=admin, data={"population_500m": 11})
    latest = source.evaluations.order_by("-id").first()
    assert latest.table == v2 and latest.s_value == 4
    first.refresh_from_db()
    assert first.table == v1 and first.s_value == 8
    # and evaluating against a given version is possible too
    assert evaluate(0, [], load_snapshot(v1)).table_label == "GB18218-2018 v1"


def test_make_current_refuses_broken_bands(world):
    from django.core.exceptions import ValidationError

    from anjian.majorhazards.models import AlphaBand
    from anjian.orgs.choices import Role

    admin = world.users[Role.ADMIN]
    v2 = services.new_table_version(CriticalQuantityTable.objects.get(is_current=True), actor=admin)
    AlphaBand.objects.filter(table=v2, min_population=30).update(min_population=31)
    with pytest.raises(ValidationError):
        services.make_table_current(v2, actor=admin)
