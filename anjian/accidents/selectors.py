"""Read-side helpers of the accidents app: the reporting chain with its lateness, the update
window, the investigation report's deadline, the follow-up reports (续报) owed, the casualty
phrase (死亡 3 人（含失踪 1 人）), and the querysets the ledger, the API and the warning rules read
(always through ``for_user`` where a user is involved)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import (
    REPORTING_LEVEL_RANK,
    REQUIRED_TOP_LEVEL,
    SHORT_UPDATE_WINDOW_CATEGORIES,
    AccidentGrade,
    AccidentState,
    FlagState,
    ReportingLevel,
)
from .models import Accident, FollowUpReport, Investigation, ReportingFlag, ReportingStep
from .regulations import (
    cadence_for,
    counted_deaths,
    local_day,
    missing_counted_as_deaths,
    report_due_on,
    time_limit_on,
)

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


# --- the investigation report's deadline (条例 Art. 29) ---------------------------------------------

@dataclass
class ReportDeadline:
    """When the investigation report is due, how that is made up, and where it stands. Before
    the investigation starts the deadline runs all the same (from the accident)."""

    due_on: date
    base_days: int
    max_extension_days: int
    extension_days: int = 0
    extension_reason: str = ""
    submitted_on: date | None = None
    source_note: str = ""

    @property
    def overdue(self) -> bool:
        return self.submitted_on is None and timezone.localdate() > self.due_on

    @property
    def submitted_late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due_on


def report_deadline(accident: Accident, investigation: Investigation | None = None) -> ReportDeadline:
    """The report deadline of ``accident`` (its investigation's stored due date once it started)."""
    if investigation is None:
        investigation = Investigation.objects.filter(accident=accident).first()
    limit = time_limit_on(local_day(accident.occurred_at))
    ext = investigation.report_extension_days if investigation else 0
    due = (investigation.report_due_on if investigation and investigation.report_due_on
           else report_due_on(accident.occurred_at, ext))
    return ReportDeadline(due_on=due, base_days=limit.report_days, max_extension_days=limit.max_extension_days,
                          extension_days=ext, extension_reason=investigation.report_extension_reason if investigation
                          else "", submitted_on=investigation.report_submitted_on if investigation else None,
                          source_note=limit.source_note)


# --- follow-up reports (续报) ---------------------------------------------------------------------

def first_report_at(accident: Accident) -> datetime:
    """When the accident was first reported: to the county-level government, else when entered."""
    return accident.reported_to_government_at or accident.created_at


@dataclass
class FollowUpStatus:
    """Where the follow-up reports (续报) of an accident stand: owed at least ``per_day`` times a
    day since the first report, until the situation is declared stable."""

    required: bool
    per_day: int | None
    source_note: str
    last_report_at: datetime | None
    next_due_at: datetime | None
    stable_at: datetime | None
    stable_note: str
    now: datetime

    @property
    def open(self) -> bool:
        return self.required and self.stable_at is None and self.per_day is not None

    @property
    def overdue(self) -> bool:
        return self.open and self.next_due_at is not None and self.now > self.next_due_at


def followup_status(accident: Accident, followups: list[FollowUpReport] | None = None,
                    now: datetime | None = None) -> FollowUpStatus:
    """The follow-up obligation of ``accident`` now: the cadence in force today for its grade
    (21号令), the last report (a follow-up, else the first report) and when the next is due."""
    now = now or timezone.now()
    if followups is None:
        followups = list(accident.followups.all())
    cadence = cadence_for(accident.grade, timezone.localdate(now))
    last = max([f.reported_at for f in followups], default=None) or first_report_at(accident)
    return FollowUpStatus(required=accident.obligations_tracked, per_day=cadence.per_day if cadence else None,
                          source_note=cadence.source_note if cadence else "", last_report_at=last,
                          next_due_at=last + cadence.interval if cadence and last else None,
                          stable_at=accident.situation_stable_at, stable_note=accident.situation_stable_note,
                          now=now)


# --- missing persons --------------------------------------------------------------------------------

def casualty_phrase(deaths: int, missing: int, *, with_missing: bool | None = None) -> str:
    """The deaths as shown: "死亡 3 人（含失踪 1 人）" when missing persons count with the deaths,
    "死亡 2 人，失踪 1 人" when apart, "死亡 2 人" when nobody is missing."""
    if with_missing is None:
        with_missing = missing_counted_as_deaths()
    if not missing:
        return _("%(deaths)s deaths") % {"deaths": deaths}
    if with_missing:
        return _("%(deaths)s deaths (incl. %(missing)s missing)") % {
            "deaths": counted_deaths(deaths, missing, with_missing=True), "missing": missing}
    return _("%(deaths)s deaths, %(missing)s missing") % {"deaths": deaths, "missing": missing}
