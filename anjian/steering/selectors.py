"""Reads of the committee office's records shared by pages, the API and (after the merge) the
indicator registry.

**Indicator selectors.** Each figure the office's records feed is a pair of functions over a
region scope (the region with path ``path`` and everything below it, by the records' own
``region_path``) and a period (``start``…``end``, both days inclusive), not narrowed to a user —
the registry narrows the region to the caller's scope before it asks:

- ``report_timeliness(path, start, end)`` → ``Figure``, with ``report_timeliness_records(…, part=…)``:
  monthly reports (两议一报) submitted on time / reports due;
- ``tour_rectification(path, start, end)`` → ``Figure``, with ``tour_rectification_records(…, part=…)``:
  rectifications required by inspection tours (巡查督导反馈问题整改) reported done by their deadline /
  rectifications due;
- ``task_completion(path, start, end)`` → ``Figure``, with ``task_completion_records(…, part=…)``:
  action-plan tasks (三年行动, 工作要点) led by units of the region, completed by their deadline /
  tasks due (the overdue ones are the ``overdue`` part);
- campaigns (专项整治): ``campaign_progress(campaign)`` with ``campaign_records(campaign, part)``.

A ``Figure`` says how it was computed (``numerator``/``denominator`` names and the counts of each
part); the records function answers exactly the rows behind a part, so a rate of 93% lists the
7% missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from anjian.core.paths import subtree_q

from .choices import AssignmentRole, FindingState, TaskState, TourState
from .models import MonthlyReport, TaskAssignment, TourFinding


@dataclass(frozen=True)
class Figure:
    """One computed figure: ``numerator`` of ``denominator`` (a rate, None when nothing is due),
    the counts of every part (the parts' names are the ``part`` values of the records function),
    and how it was computed, in words (``explanation``, for the page that shows it)."""

    numerator: int
    denominator: int
    parts: dict[str, int] = field(default_factory=dict)
    explanation: str = ""

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {"numerator": self.numerator, "denominator": self.denominator,
                "rate": None if self.rate is None else round(self.rate, 4), "parts": dict(self.parts),
                "explanation": self.explanation}


def _months(start: datetime.date, end: datetime.date) -> Q:
    """Reports of the months from ``start``'s to ``end``'s (a report's period is its first day)."""
    return Q(period__gte=start.replace(day=1), period__lte=end)


# --- monthly reports (两议一报) ---------------------------------------------------------------------------

REPORT_PARTS = ("on_time", "late", "missing")
"""The parts of the timeliness figure: submitted on or before the due day, submitted after it,
still not submitted after it. Reports not yet due and not submitted are not counted."""


def due_reports(reports: QuerySet, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    """The ``reports`` of the months from ``start`` to ``end`` that count: submitted, or past due."""
    return (reports.filter(_months(start, end), is_voided=False)
            .filter(Q(first_submitted_at__isnull=False) | Q(due_on__lt=today)))


def _due_reports(path: str, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    return due_reports(MonthlyReport.objects.filter(subtree_q("region_path", path)), start, end, today)


def report_part(part: str) -> Q:
    submitted = Q(first_submitted_at__isnull=False)
    return {"on_time": submitted & Q(late=False), "late": submitted & Q(late=True),
            "missing": Q(first_submitted_at__isnull=True)}[part]


def report_timeliness(path: str, start: datetime.date, end: datetime.date, *,
                      today: datetime.date | None = None) -> Figure:
    """Monthly-report timeliness (两议一报及时率) of the units in the region ``path`` for the months
    from ``start`` to ``end``: reports first submitted on or before their due day, of the reports
    due by ``today`` (a report submitted early counts even before its due day). One aggregate."""
    today = today or timezone.localdate()
    counts = _due_reports(path, start, end, today).aggregate(
        **{part: Count("pk", filter=report_part(part)) for part in REPORT_PARTS})
    due = sum(counts.values())
    return Figure(numerator=counts["on_time"], denominator=due, parts=counts,
                  explanation="两议一报及时率 = 按期报送的月度报告数 ÷ 已到截止日（或已报送）的月度报告数；"
                              "按期以首次报送日不晚于截止日为准，退回后再报送不改变是否按期。")


def report_timeliness_records(path: str, start: datetime.date, end: datetime.date, *, part: str = "missing",
                              today: datetime.date | None = None) -> QuerySet:
    """The reports behind one part of ``report_timeliness`` (``on_time``, ``late``, ``missing``)."""
    if part not in REPORT_PARTS:
        raise ValueError(f"part must be one of {REPORT_PARTS}")
    today = today or timezone.localdate()
    return (_due_reports(path, start, end, today).filter(report_part(part))
            .select_related("unit").order_by("period", "unit__sort", "unit__name", "pk"))


# --- tour rectifications (巡查督导整改) --------------------------------------------------------------------

RECTIFICATION_PARTS = ("on_time", "late", "overdue")
"""The parts of the follow-up figure: reported done on or before the deadline (closed or awaiting
the office's verification), reported after it, still not reported after it."""


def due_rectifications(findings: QuerySet, start: datetime.date, end: datetime.date,
                       today: datetime.date) -> QuerySet:
    """The tour ``findings`` whose rectification deadline falls from ``start`` to ``end`` and counts:
    reported done, or past the deadline."""
    return (findings.filter(is_voided=False, tour__is_voided=False, deadline__gte=start, deadline__lte=end)
            .exclude(state=FindingState.NOTED).exclude(tour__state=TourState.PLANNED)
            .filter(Q(reported_on__isnull=False, state__in=(FindingState.REPORTED, FindingState.CLOSED))
                    | Q(deadline__lt=today)))


def _due_rectifications(path: str, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    return due_rectifications(TourFinding.objects.filter(subtree_q("region_path", path)), start, end, today)


def rectification_part(part: str) -> Q:
    done = Q(state__in=(FindingState.REPORTED, FindingState.CLOSED))
    return {"on_time": done & Q(reported_on__lte=F("deadline")), "late": done & Q(reported_on__gt=F("deadline")),
            "overdue": Q(state=FindingState.OPEN)}[part]


def tour_rectification(path: str, start: datetime.date, end: datetime.date, *,
                       today: datetime.date | None = None) -> Figure:
    """Follow-up of tour rectifications (巡查督导反馈问题按期整改率) in the region ``path``: the
    rectifications whose deadline falls from ``start`` to ``end`` and has passed by ``today`` (or
    that were reported already), reported done on or before the deadline. One aggregate."""
    today = today or timezone.localdate()
    counts = _due_rectifications(path, start, end, today).aggregate(
        **{part: Count("pk", filter=rectification_part(part)) for part in RECTIFICATION_PARTS})
    return Figure(numerator=counts["on_time"], denominator=sum(counts.values()), parts=counts,
                  explanation="巡查督导问题按期整改率 = 在整改期限内报告整改完成的问题数 ÷ 整改期限已到（或已报告整改）的问题数；"
                              "被退回重新整改的问题按最近一次报告日期计。")


def tour_rectification_records(path: str, start: datetime.date, end: datetime.date, *, part: str = "overdue",
                               today: datetime.date | None = None) -> QuerySet:
    """The findings behind one part of ``tour_rectification`` (``on_time``, ``late``, ``overdue``)."""
    if part not in RECTIFICATION_PARTS:
        raise ValueError(f"part must be one of {RECTIFICATION_PARTS}")
    today = today or timezone.localdate()
    return (_due_rectifications(path, start, end, today).filter(rectification_part(part))
            .select_related("tour", "unit").order_by("deadline", "pk"))


# --- action-plan tasks (三年行动, 工作要点) ---------------------------------------------------------------

TASK_PARTS = ("on_time", "late", "overdue")
"""The parts of the task figure: completed on or before the deadline, completed after it, still
open after it. Cancelled tasks are not counted."""


def due_tasks(assignments: QuerySet, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    """The lead units' parts among ``assignments`` in tasks whose deadline falls from ``start`` to
    ``end`` and count: completed, or past the deadline (cancelled tasks never count)."""
    return (assignments.filter(is_voided=False, role=AssignmentRole.LEAD, task__is_voided=False,
                               task__deadline__gte=start, task__deadline__lte=end)
            .exclude(task__state=TaskState.CANCELLED)
            .filter(Q(task__state=TaskState.COMPLETED) | Q(task__deadline__lt=today)))


def _due_tasks(path: str, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    return due_tasks(TaskAssignment.objects.filter(subtree_q("region_path", path)), start, end, today)


def task_part(part: str) -> Q:
    done = Q(task__state=TaskState.COMPLETED)
    return {"on_time": done & Q(task__completed_on__lte=F("task__deadline")),
            "late": done & Q(task__completed_on__gt=F("task__deadline")),
            "overdue": Q(task__state=TaskState.OPEN)}[part]


def task_completion(path: str, start: datetime.date, end: datetime.date, *,
                    today: datetime.date | None = None) -> Figure:
    """Action-plan tasks completed on time (重点任务按期完成率) by the lead units of the region
    ``path``: each lead unit's part in a task whose deadline falls from ``start`` to ``end`` and has
    passed by ``today`` (or that is completed already). One aggregate."""
    today = today or timezone.localdate()
    counts = _due_tasks(path, start, end, today).aggregate(
        **{part: Count("pk", filter=task_part(part)) for part in TASK_PARTS})
    return Figure(numerator=counts["on_time"], denominator=sum(counts.values()), parts=counts,
                  explanation="重点任务按期完成率 = 按期办结的任务数 ÷ 期限已到（或已办结）的任务数，按牵头单位计；"
                              "已取消的任务不计。")


def task_completion_records(path: str, start: datetime.date, end: datetime.date, *, part: str = "overdue",
                            today: datetime.date | None = None) -> QuerySet:
    """The lead units' parts (``TaskAssignment``) behind one part of ``task_completion``."""
    if part not in TASK_PARTS:
        raise ValueError(f"part must be one of {TASK_PARTS}")
    today = today or timezone.localdate()
    return (_due_tasks(path, start, end, today).filter(task_part(part))
            .select_related("task__plan", "unit").order_by("task__deadline", "pk"))


# --- pages ------------------------------------------------------------------------------------------------

def report_board(reports: QuerySet, units: QuerySet, year: int) -> list[dict[str, Any]]:
    """The year's board of the monthly reports: one row per unit with its twelve months (the
    report, or None), for the units and reports the caller may see. Two queries."""
    rows = {u.pk: {"unit": u, "months": [None] * 12} for u in units.order_by("committee_region", "sort", "name")}
    for report in reports.filter(period__year=year).only(
            "pk", "unit_id", "period", "state", "late", "due_on", "first_submitted_at", "meetings_held",
            "min_meetings", "version"):
        row = rows.get(report.unit_id)
        if row is not None:
            row["months"][report.period.month - 1] = report
    return list(rows.values())


# --- special campaigns (专项整治) ----------------------------------------------------------------------------
#
# A campaign's figures are read live from the ledgers: the enterprises its scope selects, the
# submitted inspections of those enterprises in its period (with its checklist, when it names
# one), and the hazards those inspections found. Each part has its records function, so every
# count on the campaign's page opens to exactly the rows behind it.

CAMPAIGN_PARTS = ("in_scope", "inspected", "not_inspected", "hazards", "hazards_open", "hazards_overdue",
                  "hazards_major", "hazards_closed")


def _campaign_industry_ids(campaign) -> frozenset[int]:
    from anjian.core.scoping import industry_subtree_ids

    return industry_subtree_ids(campaign.industries.values_list("code", flat=True))


def campaign_enterprises(campaign) -> QuerySet:
    """The enterprises in the campaign's scope: in its region, not closed, of one of its industries
    (or any) and with one of its feature tags (or none needed)."""
    from django.db.models import Exists, OuterRef

    from anjian.enterprises.choices import OperatingStatus
    from anjian.enterprises.models import Enterprise, EnterpriseTag

    qs = Enterprise.objects.filter(subtree_q("region_path", campaign.region_path), is_voided=False).exclude(
        status=OperatingStatus.CLOSED)
    industry_ids = _campaign_industry_ids(campaign)
    if industry_ids:
        qs = qs.filter(industry_id__in=industry_ids)
    tag_ids = list(campaign.tags.values_list("pk", flat=True))
    if tag_ids:
        qs = qs.filter(Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), tag_id__in=tag_ids)))
    return qs


def campaign_inspections(campaign) -> QuerySet:
    """The submitted inspections that count for the campaign: of its enterprises, in its period,
    with its checklist when it names one."""
    from anjian.inspections.choices import RecordState
    from anjian.inspections.models import InspectionRecord

    start = datetime.datetime.combine(campaign.starts_on, datetime.time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.datetime.combine(campaign.ends_on + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=timezone.get_current_timezone())
    qs = InspectionRecord.objects.filter(
        subtree_q("region_path", campaign.region_path), is_voided=False, state=RecordState.SUBMITTED,
        inspected_at__gte=start, inspected_at__lt=end, enterprise__in=campaign_enterprises(campaign))
    if campaign.checklist_id:
        qs = qs.filter(checklist_id=campaign.checklist_id)
    return qs


def campaign_hazards(campaign) -> QuerySet:
    """The hazards the campaign's inspections found (raised from their check items)."""
    from anjian.hazards.models import Hazard
    from anjian.inspections.models import InspectionItemResult

    found = InspectionItemResult.objects.filter(record__in=campaign_inspections(campaign), hazard__isnull=False)
    return Hazard.objects.filter(pk__in=found.values("hazard_id"), is_voided=False)


def _hazard_parts(today: datetime.date) -> dict[str, Q]:
    """The condition of each ``hazards*`` part on the campaign's hazards (the counts and the records
    read the same one)."""
    from anjian.hazards.choices import OPEN_STATES, HazardGrade, HazardState

    return {
        "hazards": Q(),
        "hazards_open": ~Q(state=HazardState.CLOSED),
        "hazards_overdue": Q(state__in=OPEN_STATES, deadline__lt=today),
        "hazards_major": Q(grade=HazardGrade.MAJOR),
        "hazards_closed": Q(state=HazardState.CLOSED),
    }


def campaign_records(campaign, part: str, today: datetime.date | None = None) -> QuerySet:
    """The records behind one part of ``campaign_progress``: enterprises for ``in_scope``,
    ``inspected`` and ``not_inspected``, hazards for the ``hazards*`` parts."""
    if part not in CAMPAIGN_PARTS:
        raise ValueError(part)
    enterprises = campaign_enterprises(campaign)
    inspected_ids = campaign_inspections(campaign).values("enterprise_id")
    if part == "in_scope":
        return enterprises
    if part == "inspected":
        return enterprises.filter(pk__in=inspected_ids)
    if part == "not_inspected":
        return enterprises.exclude(pk__in=inspected_ids)
    return campaign_hazards(campaign).filter(_hazard_parts(today or timezone.localdate())[part])


def campaign_progress(campaign, today: datetime.date | None = None) -> dict[str, Any]:
    """The campaign's figures now: enterprises in scope and inspected (coverage), the inspections,
    the hazards found and how far their rectification is, and the same per sub-region of the scope
    (for the office's table). A fixed number of grouped queries, whatever the size of the scope."""
    from anjian.regions.models import Region

    hazard_parts = _hazard_parts(today or timezone.localdate())
    enterprises = campaign_enterprises(campaign)
    inspections = campaign_inspections(campaign)
    inspected = enterprises.filter(pk__in=inspections.values("enterprise_id"))
    hazards = campaign_hazards(campaign)
    totals = hazards.aggregate(**{part: Count("pk", filter=q) for part, q in hazard_parts.items()})
    in_scope, n_inspected = enterprises.count(), inspected.count()
    figures = {"in_scope": in_scope, "inspected": n_inspected, "not_inspected": in_scope - n_inspected,
               "inspections": inspections.count(), **totals}
    figures["coverage"] = round(n_inspected / in_scope, 4) if in_scope else None
    figures["rectification"] = round(totals["hazards_closed"] / totals["hazards"], 4) if totals["hazards"] else None

    # Per sub-region: the children of the scope region, each counted by its path prefix.
    children = list(Region.objects.filter(parent_id=campaign.region_id).order_by("path").values("pk", "name", "path"))
    rows = []
    if children:
        depth = len(children[0]["path"])
        columns = {"in_scope": enterprises, "inspected": inspected, "hazards": hazards,
                   "hazards_open": hazards.filter(hazard_parts["hazards_open"])}
        counted = {name: dict(_by_prefix(qs, "region_path", depth)) for name, qs in columns.items()}
        for c in children:
            row = {"region_id": c["pk"], "name": c["name"], **{name: counted[name].get(c["path"], 0) for name in columns}}
            row["coverage"] = round(row["inspected"] / row["in_scope"], 4) if row["in_scope"] else None
            rows.append(row)
    figures["by_region"] = rows
    return figures


def _by_prefix(qs: QuerySet, field_name: str, depth: int) -> list[tuple[str, int]]:
    """(path prefix of ``depth`` characters, rows) of ``qs``, grouped in the database."""
    from django.db.models.functions import Substr

    return list(qs.order_by().annotate(_prefix=Substr(field_name, 1, depth)).values("_prefix")
                .annotate(n=Count("pk")).values_list("_prefix", "n"))
