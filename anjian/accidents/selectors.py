"""Read-side helpers of the accidents app: the reporting chain with its lateness, the update
window, and the querysets the ledger, the API and the warning rules read (always through
``for_user`` where a user is involved)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from .choices import (
    REPORTING_LEVEL_RANK,
    REQUIRED_TOP_LEVEL,
    SHORT_UPDATE_WINDOW_CATEGORIES,
    AccidentGrade,
    AccidentState,
    FlagState,
    ReportingLevel,
)
from .models import Accident, ReportingFlag, ReportingStep

# 条例 Art. 9 and 11 (REGULATIONS.md §1.3).
UNIT_TO_GOVERNMENT_LIMIT = timedelta(hours=1)
PER_LEVEL_LIMIT = timedelta(hours=2)
UPDATE_WINDOW_DAYS = 30
SHORT_UPDATE_WINDOW_DAYS = 7

ESCALATION_LEVELS = (ReportingLevel.COUNTY, ReportingLevel.CITY, ReportingLevel.PROVINCE, ReportingLevel.NATIONAL)


def update_window_days(category: str) -> int:
    """Days after the accident within which casualty changes count (条例 Art. 13)."""
    return SHORT_UPDATE_WINDOW_DAYS if category in SHORT_UPDATE_WINDOW_CATEGORIES else UPDATE_WINDOW_DAYS


def update_window_end(accident: Accident) -> datetime:
    """The end of the casualty-update window, measured from ``occurred_at``."""
    return accident.occurred_at + timedelta(days=update_window_days(accident.category))


def count_late_updates() -> bool:
    """Whether updates after the window still change the counted figures (setting
    ANJIAN_ACCIDENT_COUNT_LATE_UPDATES, default False: the common reading, which the fact sheet
    marks unconfirmed)."""
    return bool(getattr(settings, "ANJIAN_ACCIDENT_COUNT_LATE_UPDATES", False))


def required_top_level(grade: str) -> str:
    """How far up the accident must be reported (条例 Art. 10)."""
    return REQUIRED_TOP_LEVEL[AccidentGrade(grade)]


@dataclass
class ChainLink:
    """One link of the reporting chain as shown and checked: who, when received, when passed on,
    how long it took, the limit, and whether it was (or now is) late."""

    level: str
    label: str
    received_at: datetime | None
    passed_on_at: datetime | None
    limit: timedelta | None
    department: str = ""
    handled_by: str = ""
    note: str = ""
    step_id: int | None = None
    must_pass_on: bool = False
    late: bool = False          # passed on (or reported) after the limit
    overdue_now: bool = False   # not yet passed on, and the limit has run out
    elapsed: timedelta | None = None

    @property
    def elapsed_minutes(self) -> int | None:
        return None if self.elapsed is None else int(self.elapsed.total_seconds() // 60)


@dataclass
class ReportingChain:
    """The chain of an accident: the unit's report to the government, then one link per level."""

    required_top_level: str
    links: list[ChainLink] = field(default_factory=list)

    @property
    def late_links(self) -> list[ChainLink]:
        return [link for link in self.links if link.late]

    @property
    def overdue_links(self) -> list[ChainLink]:
        return [link for link in self.links if link.overdue_now]

    @property
    def is_late(self) -> bool:
        return bool(self.late_links)

    @property
    def reached_top(self) -> bool:
        need = REPORTING_LEVEL_RANK[ReportingLevel(self.required_top_level)]
        return any(link.received_at and REPORTING_LEVEL_RANK[ReportingLevel(link.level)] >= need
                   for link in self.links if link.level != ReportingLevel.UNIT_HEAD)


def reporting_chain(accident: Accident, steps: list[ReportingStep] | None = None,
                    now: datetime | None = None) -> ReportingChain:
    """The reporting chain of ``accident`` with lateness: the unit head's report to the county-level
    government is late after 1 hour; each government level that must pass the report on (every
    level below the one the grade requires) is late after 2 hours from receiving it. A link not
    yet passed on is ``overdue_now`` once its limit has run out."""
    now = now or timezone.now()
    top = required_top_level(accident.grade)
    top_rank = REPORTING_LEVEL_RANK[ReportingLevel(top)]
    if steps is None:
        steps = list(accident.steps.filter(is_voided=False))
    chain = ReportingChain(required_top_level=top)

    unit = ChainLink(level=ReportingLevel.UNIT_HEAD, label=str(ReportingLevel.UNIT_HEAD.label),
                     received_at=accident.learned_at, passed_on_at=accident.reported_to_government_at,
                     limit=UNIT_TO_GOVERNMENT_LIMIT, department=accident.reported_to_department,
                     handled_by=accident.reporter_name, must_pass_on=True)
    _judge(unit, now)
    chain.links.append(unit)

    by_level = {s.level: s for s in steps}
    for level in ESCALATION_LEVELS:
        step = by_level.get(level)
        rank = REPORTING_LEVEL_RANK[level]
        if step is None:
            continue
        link = ChainLink(level=level, label=str(level.label), received_at=step.received_at,
                         passed_on_at=step.passed_on_at, limit=PER_LEVEL_LIMIT if rank < top_rank else None,
                         department=step.department, handled_by=step.handled_by, note=step.note, step_id=step.pk,
                         must_pass_on=rank < top_rank)
        _judge(link, now)
        chain.links.append(link)
    return chain


def _judge(link: ChainLink, now: datetime) -> None:
    if link.received_at is None:
        return
    if link.passed_on_at is not None:
        link.elapsed = link.passed_on_at - link.received_at
        link.late = link.limit is not None and link.elapsed > link.limit
    elif link.must_pass_on and link.limit is not None:
        link.elapsed = now - link.received_at
        link.overdue_now = link.elapsed > link.limit


def with_flags(queryset: QuerySet, kinds: list[str]) -> QuerySet:
    """Accidents carrying a (not retracted) flag of one of ``kinds``: one EXISTS per row on
    acc_flag_kind_idx, no join that would multiply rows."""
    flags = ReportingFlag.objects.filter(accident=OuterRef("pk"), kind__in=kinds).exclude(state=FlagState.RETRACTED)
    return queryset.filter(Exists(flags))


def accident_rows(pks: list[int]) -> list[Accident]:
    """The ledger's page rows, in the order of ``pks``, with what the list shows joined in."""
    rows = Accident.objects.filter(pk__in=pks).select_related("region", "enterprise", "industry", "accident_type")
    by_pk = {a.pk: a for a in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def enterprise_accident_summary(user, enterprise_id: int, *, recent: int = 5) -> dict:
    """One enterprise's accidents in ``user``'s scope (voided ones left out): how many
    (``total``), in the last 365 days (``last_year``), not yet closed (``open``), the deaths and
    serious injuries over all of them, and the ``recent`` latest. Two queries on the accident's
    enterprise key."""
    since = timezone.now() - timedelta(days=365)
    accidents = Accident.objects.for_user(user).filter(enterprise_id=enterprise_id)
    counts = accidents.aggregate(
        total=Count("pk"), last_year=Count("pk", filter=Q(occurred_at__gte=since)),
        open=Count("pk", filter=~Q(state=AccidentState.CLOSED)),
        deaths=Sum("deaths", default=0), serious_injuries=Sum("serious_injuries", default=0))
    latest = list(accidents.select_related("accident_type").order_by("-occurred_at", "-id")[:recent])
    return {**counts, "latest": latest, "since": timezone.localdate(since)}
