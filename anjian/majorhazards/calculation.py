"""Identification (S) and grading (R) of a unit under GB 18218-2018 — a pure calculation over an
in-memory snapshot of one version of the tables.

    S = Σ qᵢ/Qᵢ                 S ≥ 1 ⇒ major hazard source (inclusive: S = 1 is major)
    R = α · Σ βᵢ·qᵢ/Qᵢ          grade from Table 6 (1 gravest); only when S ≥ 1, else null

Arithmetic is exact (``fractions.Fraction`` over the decimal inputs), so S = 1 and R = 10, 50,
100 fall on the right side of every bound; numbers are turned into floats only for output.

How a substance is found (first that applies):

1. ``cas`` — a Table-1 row listing this CAS number. Several rows share a CAS (硝化纤维素 rows
   37–42, 硝酸铵 rows 43–44): the row whose name or alias equals ``name`` is taken; if none
   does, the row with the lowest Q (the conservative reading) and the item says so.
2. ``name`` — a Table-1 row whose name or one of its aliases equals the name (spaces ignored,
   full-width brackets read as half-width, case ignored). 一氧化碳 is an alias of row 13 (煤气) [D].
3. ``hazard_class`` — one or several Table-2 symbols (e.g. "W5.3" or ["J3", "W2"]): Q is the
   lowest of them (fact sheet §2.3.1, several hazards ⇒ lowest threshold); β is the Table-4 β
   of that class (on a tie of Q, the larger β).

β of a Table-1 chemical: Table 3 if it names the gas; else Table 4 of the class given in the
request (``hazard_class``, an override), else of the row's default class — a class WE derived
[D], since the standard gives no rule for multi-hazard Table-1 chemicals.

Supported quirks: a Table-1 row without CAS (煤气, 烷基铝, 硝酸铵肥料) is found by name; mixtures
are entered by the caller as the pure substance (same hazard class) or by their own hazard class
(§2.3.5) — the calculator does not split mixtures into components; a quantity of 0 t is allowed
(contributes nothing). Anything not found is an error naming the substance.

The current table version is cached in process memory (``current_table``), so an evaluation
reads no database; saving any row of any table clears the cache in that process (signals), and
every other process reloads it at its next request after the commit (core.reference_cache: one
read of the shared cache per request), or within ``TABLE_TTL`` seconds when the change sent no
signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from anjian.core.reference_cache import ReferenceCache

TABLE_TTL = 60.0


class EvaluationError(Exception):
    """Bad input. ``errors`` is shaped like DRF's: {"substances": {"1": {"hazard_class": [msg]}}}
    or {"population_500m": [msg]}."""

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


# --- the table snapshot ----------------------------------------------------------------------

@dataclass(frozen=True)
class ChemicalRow:
    seq: int
    name: str
    cas: tuple[str, ...]
    aliases: tuple[str, ...]
    q: Fraction
    beta: Fraction | None
    beta_gas: str
    default_class: str


@dataclass(frozen=True)
class ClassRow:
    symbol: str
    hazard_class: str
    q: Fraction
    beta: Fraction


@dataclass
class TableSnapshot:
    """One table version, read once, indexed for lookups."""

    id: int | None
    label: str
    chemicals: dict[int, ChemicalRow]
    classes: dict[str, ClassRow]
    alpha_bands: list[tuple[int, int | None, Fraction]]
    grade_bands: list[tuple[int, Fraction | None, Fraction | None]]
    by_cas: dict[str, list[ChemicalRow]] = field(default_factory=dict)
    by_name: dict[str, list[ChemicalRow]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.chemicals.values():
            for cas in row.cas:
                self.by_cas.setdefault(cas, []).append(row)
            for name in {normalise(row.name), *(normalise(a) for a in row.aliases)}:
                self.by_name.setdefault(name, []).append(row)

    def alpha(self, population: int) -> Fraction:
        for lo, hi, alpha in self.alpha_bands:
            if population >= lo and (hi is None or population <= hi):
                return alpha
        raise ValueError(f"table {self.label}: no α band holds a population of {population}")

    def grade(self, r: Fraction) -> int:
        for grade, lo, hi in self.grade_bands:
            if (lo is None or r >= lo) and (hi is None or r < hi):
                return grade
        raise ValueError(f"table {self.label}: no grade band holds R = {float(r)}")


def normalise(name: str) -> str:
    return "".join(str(name).split()).replace("（", "(").replace("）", ")").replace("，", ",").lower()


def _frac(value) -> Fraction | None:
    return None if value is None else Fraction(Decimal(value))


def load_snapshot(table) -> TableSnapshot:
    """Read one ``CriticalQuantityTable`` version with its rows (four queries)."""
    from .models import AlphaBand, GradeBand, HazardClassThreshold, NamedChemical

    chemicals = {
        r.seq: ChemicalRow(seq=r.seq, name=r.name, cas=tuple(r.cas_list), aliases=tuple(r.alias_list),
                           q=_frac(r.critical_quantity), beta=_frac(r.beta), beta_gas=r.beta_gas,
                           default_class=r.default_class.strip().upper())
        for r in NamedChemical.objects.filter(table=table)
    }
    classes = {c.symbol.strip().upper(): ClassRow(symbol=c.symbol.strip(), hazard_class=c.hazard_class,
                                                  q=_frac(c.critical_quantity), beta=_frac(c.beta))
               for c in HazardClassThreshold.objects.filter(table=table)}
    alpha = [(a.min_population, a.max_population, _frac(a.alpha))
             for a in AlphaBand.objects.filter(table=table).order_by("min_population")]
    grades = [(g.grade, _frac(g.min_r), _frac(g.max_r)) for g in GradeBand.objects.filter(table=table).order_by("grade")]
    return TableSnapshot(id=table.pk, label=str(table), chemicals=chemicals, classes=classes, alpha_bands=alpha,
                         grade_bands=grades)


_TABLE = ReferenceCache(ttl=TABLE_TTL, name="majorhazards.table")


def _load_current(_key=None) -> TableSnapshot:
    from .models import CriticalQuantityTable

    table = CriticalQuantityTable.objects.filter(is_current=True).first()
    if table is None:
        raise ValueError("no current GB 18218 table version")
    return load_snapshot(table)


def current_table() -> TableSnapshot:
    """The current table version, from process memory (reloaded after TABLE_TTL or a save)."""
    return _TABLE.get("current", _load_current)


def clear_table_cache(**signal_kwargs) -> None:
    """Forget the current table (here now, in every process after the commit)."""
    _TABLE.clear(**signal_kwargs)


# --- input parsing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SubstanceInput:
    """One substance as asked: at least one of cas, name, hazard classes; the quantity in t."""

    quantity: Fraction
    name: str = ""
    cas: str = ""
    hazard_classes: tuple[str, ...] = ()
    chemical_seq: int | None = None  # a stored substance already linked to a Table-1 row


# Bounds far beyond any real unit (the largest storage bases hold a few million tonnes; the
# most populous city has some 30 million people), so that no figure overflows a float.
MAX_QUANTITY_T = Decimal("1e9")
MAX_POPULATION = 100_000_000
MAX_SUBSTANCES = 500


class OutOfRange(ValueError):
    """A number beyond its bound."""


def parse_quantity(value) -> Fraction:
    """A non-negative number (JSON number or numeric string) up to ``MAX_QUANTITY_T``;
    ValueError otherwise (OutOfRange beyond the bound)."""
    if isinstance(value, bool) or value is None:
        raise ValueError
    try:
        dec = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not dec.is_finite() or dec < 0:
        raise ValueError
    if dec > MAX_QUANTITY_T:
        raise OutOfRange
    return Fraction(dec)


def parse_classes(value) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").split(",")
    return tuple(str(v).strip().upper() for v in items if str(v).strip())


def parse_substances(raw) -> list[SubstanceInput]:
    """Check the ``substances`` list of a request; errors name the index and the field."""
    if not isinstance(raw, list) or not raw:
        raise EvaluationError({"substances": [_("Give a non-empty list of substances.")]})
    if len(raw) > MAX_SUBSTANCES:
        raise EvaluationError({"substances": [_("At most 500 substances per unit.")]})
    out, errors = [], {}
    for i, spec in enumerate(raw):
        err: dict[str, list[str]] = {}
        if not isinstance(spec, dict):
            errors[str(i)] = {"non_field_errors": [_("Each substance must be an object.")]}
            continue
        try:
            quantity = parse_quantity(spec.get("quantity_t"))
        except OutOfRange:
            err["quantity_t"] = [_("The quantity is at most %(max)s tonnes.") % {"max": f"{MAX_QUANTITY_T:,.0f}"}]
            quantity = Fraction(0)
        except ValueError:
            err["quantity_t"] = [_("Give the quantity in tonnes as a number ≥ 0.")]
            quantity = Fraction(0)
        name = str(spec.get("name") or "").strip()[:120]
        cas = str(spec.get("cas") or "").strip()[:20]
        try:
            classes = parse_classes(spec.get("hazard_class"))
        except TypeError:
            classes = ()
            err["hazard_class"] = [_("Give the hazard class as a symbol or a list of symbols.")]
        seq = spec.get("chemical_seq")
        if seq not in (None, "") and not (str(seq).isdigit() and len(str(seq)) < 6):
            err["chemical_seq"] = [_("Give the row number of GB 18218 Table 1 as a whole number.")]
            seq = None
        if not (name or cas or classes or seq):
            err["non_field_errors"] = [_("Give the CAS number, the name or the hazard class of the substance.")]
        if err:
            errors[str(i)] = err
            continue
        out.append(SubstanceInput(quantity=quantity, name=name, cas=cas, hazard_classes=classes,
                                  chemical_seq=int(seq) if seq else None))
    if errors:
        raise EvaluationError({"substances": errors})
    return out


def parse_population(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EvaluationError({"population_500m": [_("Give the population within 500 m as a whole number ≥ 0.")]})
    try:
        population = int(str(value)[:12])
    except ValueError:
        population = -1
    if population < 0:
        raise EvaluationError({"population_500m": [_("Give the population within 500 m as a whole number ≥ 0.")]})
    if population > MAX_POPULATION or len(str(value).strip()) > 12:
        raise EvaluationError({"population_500m": [_("The population is at most %(max)s.")
                                                   % {"max": f"{MAX_POPULATION:,}"}]})
    return population


# --- the evaluation --------------------------------------------------------------------------

@dataclass
class Item:
    """How one substance counted: what it was matched to, its q, Q, β and q/Q."""

    index: int
    name: str
    cas: str
    matched_by: str            # "cas" | "name" | "hazard_class" | "chemical"
    chemical_seq: int | None
    chemical_name: str
    hazard_class: str          # the Table-2 class Q came from (class-based), or β's class
    beta_source: str           # "table3" | "table4" | "table4_default" (our derivation [D])
    q: Fraction
    critical_quantity: Fraction
    beta: Fraction
    note: str = ""

    @property
    def q_over_q(self) -> Fraction:
        return self.q / self.critical_quantity

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "name": self.name, "cas": self.cas, "matched_by": self.matched_by,
            "chemical_seq": self.chemical_seq, "chemical_name": self.chemical_name,
            "hazard_class": self.hazard_class, "beta_source": self.beta_source,
            "q": float(self.q), "Q": float(self.critical_quantity), "beta": float(self.beta),
            "q_over_Q": float(self.q_over_q), "beta_q_over_Q": float(self.beta * self.q_over_q),
            "note": self.note,
        }


@dataclass
class Evaluation:
    """The result: S, whether major, α, R and the grade (None when S < 1), per-substance items."""

    table_id: int | None
    table_label: str
    population_500m: int
    s: Fraction
    alpha: Fraction
    r: Fraction
    grade: int | None
    items: list[Item]

    @property
    def is_major(self) -> bool:
        return self.s >= 1

    def as_dict(self) -> dict[str, Any]:
        return {"S": float(self.s), "is_major": self.is_major, "alpha": float(self.alpha), "R": float(self.r),
                "grade": self.grade, "table": {"id": self.table_id, "label": self.table_label},
                "population_500m": self.population_500m, "items": [i.as_dict() for i in self.items]}


def _governing_class(table: TableSnapshot, classes: tuple[str, ...]) -> tuple[ClassRow | None, str]:
    """The class with the lowest Q (ties: larger β); or (None, the first unknown symbol)."""
    rows = []
    for symbol in classes:
        row = table.classes.get(symbol)
        if row is None:
            return None, symbol
        rows.append(row)
    return min(rows, key=lambda r: (r.q, -r.beta)), ""


def _find_chemical(table: TableSnapshot, sub: SubstanceInput) -> tuple[ChemicalRow | None, str, str]:
    """(row, matched_by, note) by stored link, CAS, then name/alias."""
    if sub.chemical_seq is not None and sub.chemical_seq in table.chemicals:
        return table.chemicals[sub.chemical_seq], "chemical", ""
    key = normalise(sub.name) if sub.name else ""
    if sub.cas:
        rows = table.by_cas.get(sub.cas.replace(" ", ""))
        if rows:
            if len(rows) == 1:
                return rows[0], "cas", ""
            named = [r for r in rows if key and r in table.by_name.get(key, ())]
            if len(named) == 1:
                return named[0], "cas", ""
            row = min(rows, key=lambda r: (r.q, r.seq))
            return row, "cas", _("Several Table 1 rows have this CAS number; the lowest Q was taken.")
    if key:
        rows = table.by_name.get(key)
        if rows:
            row = min(rows, key=lambda r: (r.q, r.seq))
            note = _("Several Table 1 rows have this name; the lowest Q was taken.") if len(rows) > 1 else ""
            return row, "name", note
    return None, "", ""


def _item(table: TableSnapshot, index: int, sub: SubstanceInput) -> Item:
    def fail(field_name: str, message: str):
        raise EvaluationError({"substances": {str(index): {field_name: [message]}}})

    row, matched_by, note = _find_chemical(table, sub)
    if row is not None:
        if row.beta is not None:
            beta, beta_source, beta_class = row.beta, "table3", ""
        else:
            beta_classes = sub.hazard_classes or ((row.default_class,) if row.default_class else ())
            cls, unknown = _governing_class(table, beta_classes)
            if unknown:
                fail("hazard_class", _("Unknown hazard class %(symbol)s") % {"symbol": unknown})
            if cls is None:
                fail("hazard_class", _("%(name)s has no β in Table 3 and no hazard class for Table 4; give one.")
                     % {"name": row.name})
            beta, beta_class = cls.beta, cls.symbol
            beta_source = "table4" if sub.hazard_classes else "table4_default"
        return Item(index=index, name=sub.name or row.name, cas=sub.cas, matched_by=matched_by,
                    chemical_seq=row.seq, chemical_name=row.name, hazard_class=beta_class, beta_source=beta_source,
                    q=sub.quantity, critical_quantity=row.q, beta=beta, note=note)
    if sub.hazard_classes:
        cls, unknown = _governing_class(table, sub.hazard_classes)
        if unknown:
            fail("hazard_class", _("Unknown hazard class %(symbol)s") % {"symbol": unknown})
        return Item(index=index, name=sub.name, cas=sub.cas, matched_by="hazard_class", chemical_seq=None,
                    chemical_name="", hazard_class=cls.symbol, beta_source="table4", q=sub.quantity,
                    critical_quantity=cls.q, beta=cls.beta)
    what = sub.name or sub.cas
    fail("cas" if sub.cas and not sub.name else "name",
         _("Unknown substance %(what)s: not in Table 1 by CAS number or name; give its hazard class (Table 2).")
         % {"what": what})
    raise AssertionError  # unreachable: fail raises


def evaluate(population_500m: int, substances: list[SubstanceInput], table: TableSnapshot | None = None
             ) -> Evaluation:
    """Identify and grade one unit. ``substances`` from ``parse_substances``; ``table`` defaults
    to the current version. Raises EvaluationError naming the substance that is not found."""
    table = table or current_table()
    if population_500m < 0:
        raise EvaluationError({"population_500m": [_("Give the population within 500 m as a whole number ≥ 0.")]})
    items = [_item(table, i, sub) for i, sub in enumerate(substances)]
    s = sum((it.q_over_q for it in items), Fraction(0))
    alpha = table.alpha(population_500m)
    r = alpha * sum((it.beta * it.q_over_q for it in items), Fraction(0))
    grade = table.grade(r) if s >= 1 else None
    return Evaluation(table_id=table.id, table_label=table.label, population_500m=population_500m, s=s, alpha=alpha,
                      r=r, grade=grade, items=items)


def evaluate_request(data) -> Evaluation:
    """Parse and evaluate the body of POST /api/major-hazard-sources/evaluate."""
    if not isinstance(data, dict):
        raise EvaluationError({"non_field_errors": [_("Send a JSON object.")]})
    errors: dict = {}
    population = None
    try:
        population = parse_population(data.get("population_500m"))
    except EvaluationError as exc:
        errors.update(exc.errors)
    try:
        subs = parse_substances(data.get("substances"))
    except EvaluationError as exc:
        errors.update(exc.errors)
    if errors:
        raise EvaluationError(errors)
    return evaluate(population, subs)
