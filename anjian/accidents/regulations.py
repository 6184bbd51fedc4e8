"""The reference rules of reporting and investigation as the code reads them: the investigation
report's time limit (条例 Art. 29), the follow-up report (续报) cadence per grade (21号令) and
whether missing persons count with the deaths. The rows live in ``InvestigationTimeLimit``,
``FollowUpCadence`` and ``CasualtyCounting`` (sources in anjian/accidents/data/regulations.py).

Read once per process and kept until a row is saved or deleted (signal: in every process, see
core.reference_cache) or for at most ``REFERENCE_TTL`` seconds (bulk writes), like the grading
thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from anjian.core.reference_cache import ReferenceCache

_CACHE = ReferenceCache(name="accidents.regulations")

#: Used when the reference rows are missing (never in a migrated database).
DEFAULT_REPORT_DAYS = 60
DEFAULT_MAX_EXTENSION_DAYS = 60


@dataclass(frozen=True)
class TimeLimit:
    """The report time limit in force from ``effective_from`` (条例 Art. 29)."""

    effective_from: date
    report_days: int
    max_extension_days: int
    source_note: str = ""


@dataclass(frozen=True)
class Cadence:
    """At least ``per_day`` follow-up reports a day (21号令)."""

    grade: str
    per_day: int
    source_note: str = ""

    @property
    def interval(self) -> timedelta:
        """The longest time allowed between two reports."""
        return timedelta(hours=24) / self.per_day


def clear_cache(**signal_kwargs) -> None:
    """Forget the cached rules (here now, in every process after the commit)."""
    _CACHE.clear(**signal_kwargs)


for _model in ("InvestigationTimeLimit", "FollowUpCadence", "CasualtyCounting"):
    post_save.connect(clear_cache, sender=f"accidents.{_model}", weak=False,
                      dispatch_uid=f"anjian.accidents.regulations.save.{_model}")
    post_delete.connect(clear_cache, sender=f"accidents.{_model}", weak=False,
                        dispatch_uid=f"anjian.accidents.regulations.delete.{_model}")


# --- the investigation report's time limit ---------------------------------------------------------

def _load_time_limits(_key=None) -> tuple[TimeLimit, ...]:
    from .models import InvestigationTimeLimit

    rows = InvestigationTimeLimit.objects.order_by("effective_from").values_list(
        "effective_from", "report_days", "max_extension_days", "source_note")
    return tuple(TimeLimit(*row) for row in rows)


def time_limits() -> tuple[TimeLimit, ...]:
    """Every version, oldest first (never empty: the built-in default when no row exists)."""
    rows = _CACHE.get("time_limits", _load_time_limits)
    return rows or (TimeLimit(date(1900, 1, 1), DEFAULT_REPORT_DAYS, DEFAULT_MAX_EXTENSION_DAYS),)


def time_limit_on(day: date) -> TimeLimit:
    """The time limit for an accident on ``day``: the latest version in force that day (the
    oldest one for a day before every version)."""
    rows = time_limits()
    chosen = rows[0]
    for row in rows:
        if row.effective_from <= day:
            chosen = row
    return chosen


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def report_due_on(occurred_at: datetime, extension_days: int = 0) -> date:
    """The day the investigation report is due: the accident's (local) day + the days in force
    on that day + the extension granted."""
    day = local_day(occurred_at)
    return day + timedelta(days=time_limit_on(day).report_days + (extension_days or 0))


# --- follow-up reports (续报) -------------------------------------------------------------------------

def _load_cadences(_key=None) -> tuple[tuple[str, int, date, str], ...]:
    from .models import FollowUpCadence

    return tuple(FollowUpCadence.objects.values_list("grade", "per_day", "effective_from", "source_note"))


def cadences_on(day: date) -> dict[str, Cadence]:
    """grade → the cadence in force on ``day`` (the latest row per grade not after it). A grade
    without a row owes no follow-up reports."""
    latest: dict[str, tuple[date, Cadence]] = {}
    for grade, per_day, since, note in _CACHE.get("cadences", _load_cadences):
        if since <= day and (grade not in latest or latest[grade][0] < since):
            latest[grade] = (since, Cadence(grade, per_day, note))
    return {grade: cadence for grade, (_since, cadence) in latest.items()}


def cadence_for(grade: str, day: date | None = None) -> Cadence | None:
    return cadences_on(day or timezone.localdate()).get(grade)


# --- missing persons ----------------------------------------------------------------------------------

def _load_counting(_key=None) -> tuple[bool, str]:
    from .models import CasualtyCounting

    row = CasualtyCounting.objects.order_by("id").values_list("missing_counted_as_deaths", "source_note").first()
    return (True, "") if row is None else (bool(row[0]), row[1])


def missing_counted_as_deaths() -> bool:
    """Whether missing persons count with the deaths (default yes: 死亡（含失踪）)."""
    return _CACHE.get("counting", _load_counting)[0]


def counting_source() -> str:
    return _CACHE.get("counting", _load_counting)[1]


def counted_deaths(deaths: int, missing: int, *, with_missing: bool | None = None) -> int:
    """The deaths as graded and counted: with the missing persons unless the setting says apart."""
    if with_missing is None:
        with_missing = missing_counted_as_deaths()
    return int(deaths or 0) + (int(missing or 0) if with_missing else 0)
