"""Reads of the inspection tables that views, the API and the warning engine share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from anjian.core.filters import day_start
from anjian.core.models import Attachment
from anjian.enterprises.models import Enterprise
from anjian.standards.models import Checklist

from .choices import TaskState
from .models import InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask

# Open tasks due within this many days count as "due soon" on the task page.
DUE_SOON_DAYS = 3
# The task page counts done and missed tasks over this many past days.
RECENT_DAYS = 30


def missed_tasks_qs() -> QuerySet:
    """The missed task of the last period of each duty — the cause of the warning "the
    enterprise missed a scheduled self-inspection".

    A missed task counts while it is the latest *closed* period of its duty (no later task of
    the duty is done or missed), so the warning closes itself once the enterprise does the
    next period's inspection; voided duties and voided enterprises raise nothing. Not scoped:
    the warning engine scans every region (call ``.for_user(user)`` for one user's view).
    The anti-join runs on the (duty, period start) unique index; the scan starts from the
    (state, due date) index."""
    later = (InspectionTask.objects.filter(duty=OuterRef("duty"), period_start__gt=OuterRef("period_start"))
             .exclude(state__in=(TaskState.OPEN, TaskState.CANCELLED)))
    return (InspectionTask.objects.filter(state=TaskState.MISSED, duty__is_voided=False,
                                          enterprise__is_voided=False)
            .filter(~Exists(later))
            .select_related("duty", "cadence", "enterprise"))


def task_list(user) -> QuerySet:
    """The scoped task list with what a row shows."""
    return InspectionTask.objects.for_user(user).select_related("duty", "cadence", "enterprise", "record")


def task_counts(user, today: date | None = None) -> dict[str, int]:
    """The figures at the top of the task page, in one aggregate over the user's scope:
    open, due within DUE_SOON_DAYS, overdue (open past the due date, before the job marks
    them), and done / missed over the last RECENT_DAYS."""
    today = today or timezone.localdate()
    since = today - timedelta(days=RECENT_DAYS)
    return InspectionTask.objects.for_user(user).aggregate(
        open=Count("id", filter=Q(state=TaskState.OPEN)),
        due_soon=Count("id", filter=Q(state=TaskState.OPEN, due_date__gte=today,
                                      due_date__lte=today + timedelta(days=DUE_SOON_DAYS))),
        overdue=Count("id", filter=Q(state=TaskState.OPEN, due_date__lt=today)),
        missed=Count("id", filter=Q(state=TaskState.MISSED, due_date__gte=since)),
        done=Count("id", filter=Q(state=TaskState.DONE, due_date__gte=since)),
    )


def duty_list(user) -> QuerySet:
    return (InspectionDuty.objects.for_user(user)
            .select_related("enterprise", "cadence", "checklist", "responsible_user"))


def items_queryset() -> QuerySet:
    return InspectionItemResult.objects.select_related("check_item", "hazard").order_by("sort", "id")


def record_list(user) -> QuerySet:
    """The scoped record list with what a row shows (items are counted, not loaded)."""
    return (InspectionRecord.objects.for_user(user)
            .select_related("enterprise", "checklist", "inspector", "task__duty"))


def item_counts(record_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """record id → {"items", "found", "raised", "checked"} for a page of records, in one query
    (counting over the page only, not GROUP BY over the whole filtered list)."""
    ids = list(record_ids)
    if not ids:
        return {}
    rows = (InspectionItemResult.objects.filter(record_id__in=ids).values("record_id")
            .annotate(items=Count("id"), found=Count("id", filter=Q(result="hazard_found")),
                      raised=Count("id", filter=Q(hazard__isnull=False)),
                      checked=Count("id", filter=~Q(result=""))).order_by())
    return {row.pop("record_id"): row for row in rows}


def record_detail_queryset(user) -> QuerySet:
    """Records with their items (check item and hazard joined) in a fixed number of queries."""
    return record_list(user).select_related("task__cadence").prefetch_related(
        Prefetch("items", queryset=items_queryset()))


def photo_map(items: Iterable[InspectionItemResult]) -> dict[int, list[Attachment]]:
    """The photos of these items, by item id, in one query (attachments are generic)."""
    ids = [str(item.pk) for item in items]
    if not ids:
        return {}
    out: dict[int, list[Attachment]] = defaultdict(list)
    ct = ContentType.objects.get_for_model(InspectionItemResult)
    for att in Attachment.objects.filter(content_type=ct, object_id__in=ids).order_by("uploaded_at", "id"):
        out[int(att.object_id)].append(att)
    return out


def draft_for_task(task: InspectionTask) -> InspectionRecord | None:
    """The record being filled in for ``task``, if any."""
    return task.records.filter(is_voided=False, state="draft").order_by("-id").first()


def drafts_by_task(tasks: Iterable[InspectionTask]) -> dict[int, int]:
    """task id → id of its draft record, for a page of tasks, in one query."""
    ids = [t.pk for t in tasks]
    if not ids:
        return {}
    rows = (InspectionRecord.objects.filter(task_id__in=ids, is_voided=False, state="draft")
            .order_by("id").values_list("task_id", "id"))
    return dict(rows)


# --- one enterprise (the enterprise's file) ------------------------------------------------


def enterprise_inspection_summary(user, enterprise_id: int, today: date | None = None, *,
                                  recent: int = 5) -> dict:
    """One enterprise's inspections in ``user``'s scope: its records (``records``: total, in the
    last RECENT_DAYS days, of each kind in that time), its most ``recent`` records, its tasks
    (``tasks``: open, overdue, missed in the last RECENT_DAYS days) and its self-inspection
    duties in force today (``duties``). Four queries, on the enterprise's indexes
    (insp_rec_ent_date_idx, insp_task_ent_idx, insp_duty_ent_idx)."""
    from .choices import InspectionKind

    today = today or timezone.localdate()
    since = today - timedelta(days=RECENT_DAYS)
    records = InspectionRecord.objects.for_user(user).filter(enterprise_id=enterprise_id)
    start = day_start(since)  # a range keeps the index usable
    record_counts = records.aggregate(
        total=Count("id"), recent=Count("id", filter=Q(inspected_at__gte=start)),
        **{f"recent_{k}": Count("id", filter=Q(inspected_at__gte=start, kind=k)) for k in InspectionKind.values})
    latest = list(records.select_related("inspector").order_by("-inspected_at", "-id")[:recent])
    task_counts = InspectionTask.objects.for_user(user).filter(enterprise_id=enterprise_id).aggregate(
        open=Count("id", filter=Q(state=TaskState.OPEN)),
        overdue=Count("id", filter=Q(state=TaskState.OPEN, due_date__lt=today)),
        missed=Count("id", filter=Q(state=TaskState.MISSED, due_date__gte=since)))
    in_force = ~Q(active_from__gt=today) & (Q(active_to__isnull=True) | Q(active_to__gte=today))
    duties = InspectionDuty.objects.for_user(user).filter(in_force, enterprise_id=enterprise_id).count()
    return {"records": record_counts, "latest": latest, "tasks": task_counts, "duties": duties, "since": since}


def checklist_queryset(enterprise: Enterprise | None):
    """Active library checklists for the enterprise's industry (or one of its parent sectors)
    and the general ones (all active library checklists when none matches), plus the
    enterprise's own active checklists (e.g. generated from its risk control measures).
    Another enterprise's own checklists are never offered."""
    active = Checklist.objects.filter(is_active=True).select_related("industry").order_by("code", "-id")
    library = active.filter(enterprise__isnull=True)
    if enterprise is None:
        return library
    code = enterprise.industry.code
    prefixes = [code[:i] for i in range(2, len(code) + 1, 2)]
    matching = library.filter(Q(industry__isnull=True) | Q(industry__code__in=prefixes))
    base = Q(pk__in=matching.values("pk")) if matching.exists() else Q(enterprise__isnull=True)
    return active.filter(base | Q(enterprise=enterprise))
