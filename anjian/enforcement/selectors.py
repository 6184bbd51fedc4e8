"""Read-side queries of the enforcement app shared by the pages, the API and other apps. Every
read of records goes through ``for_user`` (the caller's jurisdiction); a function that takes ids
says that the caller read them through it already."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .choices import CertificateState, ConflictState, ExpertState
from .models import ConflictDeclaration, EnforcementCertificate, Expert


def valid_certificate_q(day, prefix: str = "") -> Q:
    """Certificates valid on ``day`` (not voided, valid, issued by then, not expired)."""
    p = prefix
    return (Q(**{f"{p}is_voided": False, f"{p}state": CertificateState.VALID, f"{p}issued_on__lte": day})
            & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": day})))


def conflict_in_force_q(day, prefix: str = "") -> Q:
    p = prefix
    return (Q(**{f"{p}is_voided": False, f"{p}state": ConflictState.IN_FORCE, f"{p}declared_on__lte": day})
            & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": day})))


def officer_rows(user, officers: list) -> list[dict[str, Any]]:
    """For a page of officers: each one's certificates (the best first) and conflicts in force, in
    two queries whatever the page size. Certificates and conflicts are read through ``for_user``."""
    today = timezone.localdate()
    ids = [o.pk for o in officers]
    certs: dict[int, list] = {}
    for cert in (EnforcementCertificate.objects.for_user(user).filter(officer_id__in=ids)
                 .order_by("officer_id", "-issued_on", "-id")):
        certs.setdefault(cert.officer_id, []).append(cert)
    conflicts = dict(ConflictDeclaration.objects.for_user(user).filter(officer_id__in=ids)
                     .filter(conflict_in_force_q(today)).order_by().values("officer_id")
                     .annotate(n=Count("id")).values_list("officer_id", "n"))
    rows = []
    for officer in officers:
        own = certs.get(officer.pk, [])
        valid = next((c for c in own if c.is_valid_on(today)), None)
        rows.append({"officer": officer, "certificate": valid or (own[0] if own else None), "valid": valid is not None,
                     "conflicts": conflicts.get(officer.pk, 0)})
    return rows


def expert_work(user, expert: Expert) -> dict[str, Any]:
    """An expert's work: their assignments, by state (filled in when assignments exist)."""
    return {}


def hub_summary(user) -> dict[str, Any]:
    """The figures of the enforcement home page, each read through ``for_user``."""
    experts = Expert.objects.for_user(user)
    return {
        "experts": experts.count(),
        "experts_available": experts.filter(state=ExpertState.AVAILABLE).count(),
        "certificates_valid": EnforcementCertificate.objects.for_user(user).filter(
            valid_certificate_q(timezone.localdate())).count(),
    }


def cases_filed_between(enterprise_ids: list[int], start, end) -> set[int]:
    """The enterprises among ``enterprise_ids`` with an enforcement case filed in [start, end)
    (filled in when cases exist)."""
    return set()


# --- plans ----------------------------------------------------------------------------------------

def plan_progress(plan, day=None) -> dict[str, Any]:
    """The plan's progress on ``day`` (default today): enterprises and key enterprises, visits
    planned and done, key enterprises covered (visited at least once) against the coverage target,
    random inspections against their share, and the entries behind schedule. Two queries."""
    from django.db.models import Sum

    from .models import PlanEntry
    from .rules import behind_schedule

    day = day or timezone.localdate()
    entries = PlanEntry.objects.filter(plan=plan, is_voided=False)
    agg = entries.aggregate(
        entries=Count("id"), key=Count("id", filter=Q(is_key=True)),
        planned=Sum("planned_visits"), done=Sum("done_visits"),
        key_covered=Count("id", filter=Q(is_key=True, done_visits__gt=0)))
    agg = {k: v or 0 for k, v in agg.items()}
    behind = behind_schedule(entries, day).count() if plan.state == "approved" and day.year == plan.year else 0
    random_planned = round(agg["planned"] * plan.random_share / 100)
    random_done = random_inspections_done(plan)
    coverage = round(100 * agg["key_covered"] / agg["key"], 1) if agg["key"] else None
    done_rate = round(100 * agg["done"] / agg["planned"], 1) if agg["planned"] else None
    return {**agg, "behind": behind, "coverage": coverage, "coverage_target": plan.coverage_target,
            "coverage_met": coverage is not None and coverage >= plan.coverage_target,
            "done_rate": done_rate, "random_planned": random_planned, "random_done": random_done}


def random_inspections_done(plan) -> int:
    """The plan's inspections of the random kind done so far (filled in when inspections exist)."""
    return 0


def entry_inspections(user, entry) -> list:
    """The inspections counted on a plan entry (filled in when inspections exist)."""
    return []
