"""Accident grading (条例 Art. 3): each of the three criteria — deaths, serious injuries
(including acute industrial poisoning) and direct economic loss — is graded on its own against
the ``GradingThreshold`` reference rows, and the accident takes the highest grade any of them
reaches. Bounds are inclusive ("以上包括本数"); below the lowest bound is ordinary ("以下不包括本数").

The thresholds are read once per process and kept until a threshold row is saved or deleted
(signal: in this process at once, in the others at their next request after the commit, see
core.reference_cache) or for at most ``REFERENCE_TTL`` seconds (bulk writes, which send no signal).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from anjian.core.reference_cache import ReferenceCache

from .choices import GRADE_RANK, AccidentGrade, GradingCriterion

_CACHE = ReferenceCache(name="accidents.grading")

CRITERIA = (GradingCriterion.DEATHS, GradingCriterion.SERIOUS_INJURIES, GradingCriterion.DIRECT_LOSS)


def _load(_key=None) -> tuple[tuple[str, str, Decimal, date], ...]:
    from .models import GradingThreshold

    return tuple(GradingThreshold.objects.values_list("criterion", "grade", "lower_bound", "effective_from"))


def clear_cache(**signal_kwargs) -> None:
    """Forget the cached thresholds (here now, in every process after the commit)."""
    _CACHE.clear(**signal_kwargs)


post_save.connect(clear_cache, sender="accidents.GradingThreshold", weak=False,
                  dispatch_uid="anjian.accidents.grading.save")
post_delete.connect(clear_cache, sender="accidents.GradingThreshold", weak=False,
                    dispatch_uid="anjian.accidents.grading.delete")


class NoThresholds(LookupError):
    """No grading threshold is in force on a day: before the earliest one (``first``), or none
    loaded at all (``first`` is None)."""

    def __init__(self, day: date, first: date | None):
        self.day, self.first = day, first
        super().__init__(f"No accident grading thresholds in force on {day} (earliest: {first}).")


def thresholds_on(day: date) -> dict[str, list[tuple[str, Decimal]]]:
    """The bounds in force on ``day``: criterion → [(grade, lower bound)], gravest grade first.
    For each (criterion, grade) the row with the latest ``effective_from`` not after ``day`` wins."""
    rows = _CACHE.get("all", _load)
    latest: dict[tuple[str, str], tuple[date, Decimal]] = {}
    for criterion, grade, bound, since in rows:
        if since <= day and ((criterion, grade) not in latest or latest[(criterion, grade)][0] < since):
            latest[(criterion, grade)] = (since, bound)
    if not latest:
        raise NoThresholds(day, min((row[3] for row in rows), default=None))
    out: dict[str, list[tuple[str, Decimal]]] = {c.value: [] for c in CRITERIA}
    for (criterion, grade), (_since, bound) in latest.items():
        out.setdefault(criterion, []).append((grade, bound))
    for bounds in out.values():
        bounds.sort(key=lambda gb: GRADE_RANK[AccidentGrade(gb[0])], reverse=True)
    return out


def _as_number(value, name: str, *, whole: bool = False) -> Decimal:
    if isinstance(value, bool) or (whole and isinstance(value, float)):
        raise ValueError(name)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(name) from None
    if not number.is_finite() or number < 0 or (whole and number != number.to_integral_value()):
        raise ValueError(name)
    return number


def _grade_one(value: Decimal, bounds: list[tuple[str, Decimal]]) -> str:
    for grade, bound in bounds:  # gravest first: the first bound reached is the grade
        if value >= bound:
            return grade
    return AccidentGrade.ORDINARY.value


def grade_for(*, deaths: int, serious_injuries: int, direct_loss_yuan: Decimal | int,
              on: date | None = None, missing: int = 0) -> tuple[str, dict[str, str]]:
    """The grade of an accident with these figures on day ``on`` (default today), and the grade
    each criterion reaches on its own: ``("serious", {"deaths": ..., "serious_injuries": ...,
    "direct_loss": ...})``. The deaths criterion counts the missing persons too (死亡（含失踪）)
    unless the ``CasualtyCounting`` setting counts them apart. Negative or non-numeric figures
    raise ``ValueError`` whose message is the offending argument's name (counts must be whole
    numbers)."""
    from .regulations import missing_counted_as_deaths

    dead = _as_number(deaths, "deaths", whole=True)
    missing_n = _as_number(missing, "missing", whole=True)
    figures = {
        GradingCriterion.DEATHS.value: dead + (missing_n if missing_counted_as_deaths() else 0),
        GradingCriterion.SERIOUS_INJURIES.value: _as_number(serious_injuries, "serious_injuries", whole=True),
        GradingCriterion.DIRECT_LOSS.value: _as_number(direct_loss_yuan, "direct_loss_yuan"),
    }
    table = thresholds_on(on or timezone.localdate())
    by = {criterion: _grade_one(value, table.get(criterion, [])) for criterion, value in figures.items()}
    grade = max(by.values(), key=lambda g: GRADE_RANK[AccidentGrade(g)])
    return grade, by
