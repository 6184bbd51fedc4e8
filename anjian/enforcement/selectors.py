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
    """The plan's inspections of the random kind done (signed or later) so far: linked to one of
    its entries or made from one of its draws."""
    from .choices import InspectionMode
    from .models import EnforcementInspection

    return (EnforcementInspection.objects.filter(kind=InspectionMode.RANDOM, is_voided=False, signed_at__isnull=False)
            .filter(Q(plan_entry__plan=plan) | Q(draw_entry__draw__plan=plan)).count())


def entry_inspections(user, entry) -> list:
    """The inspections of a plan entry the user may see, newest first."""
    from .models import EnforcementInspection

    return list(EnforcementInspection.objects.for_user(user).filter(plan_entry=entry)
                .order_by("-planned_on", "-id")[:50])


# --- draws ----------------------------------------------------------------------------------------

def draw_pool(actor, department, criteria: dict[str, Any], day):
    """The enterprises a draw picks from: in the department's region and the actor's jurisdiction,
    not closed, narrowed by the criteria (region, industry, feature tag, risk levels, high-risk,
    a plan's (key) enterprises, not inspected by a government inspection since a date)."""
    from datetime import date as date_cls

    from anjian.core.filters import in_industry, in_region
    from anjian.core.paths import subtree_q
    from anjian.enterprises.choices import OperatingStatus
    from anjian.enterprises.models import Enterprise

    from .models import PlanEntry

    qs = (Enterprise.objects.for_user(actor).filter(subtree_q("region_path", department.region.path))
          .exclude(status=OperatingStatus.CLOSED))
    if criteria.get("region"):
        qs = in_region(qs, criteria["region"])
    if criteria.get("industry"):
        qs = in_industry(qs, criteria["industry"])
    if criteria.get("tag"):
        qs = qs.filter(tag_links__tag__code=criteria["tag"])
    if criteria.get("high_risk"):
        qs = qs.filter(high_risk=True)
    levels = criteria.get("risk_level") or []
    if levels:
        cond = Q(risk_grade__level__in=[lv for lv in levels if lv != "ungraded"])
        if "ungraded" in levels:
            cond |= Q(risk_grade__isnull=True) | Q(risk_grade__level="")
        qs = qs.filter(cond)
    if criteria.get("plan"):
        entries = PlanEntry.objects.filter(plan_id=criteria["plan"], is_voided=False)
        if criteria.get("key_only"):
            entries = entries.filter(is_key=True)
        qs = qs.filter(pk__in=entries.values("enterprise_id"))
    since = criteria.get("not_inspected_since")
    if since:
        since = date_cls.fromisoformat(since) if isinstance(since, str) else since
        qs = qs.exclude(pk__in=government_inspected_since(since))
    return qs


def government_inspected_since(day):
    """Enterprise ids with a government or expert inspection (an enforcement inspection's record is
    one) on or after ``day``, not voided."""
    from datetime import datetime, time

    from anjian.inspections.choices import InspectionKind
    from anjian.inspections.models import InspectionRecord

    start = timezone.make_aware(datetime.combine(day, time.min))
    return (InspectionRecord.objects.filter(kind__in=[InspectionKind.GOVERNMENT, InspectionKind.EXPERT],
                                            is_voided=False, inspected_at__gte=start)
            .values("enterprise_id"))


def enterprise_keys(ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the draw needs of each drawn enterprise: region path, industry (id, code), grid."""
    from anjian.enterprises.models import Enterprise

    rows = Enterprise.objects.filter(pk__in=ids).values_list("pk", "region_path", "industry_id", "industry__code",
                                                              "grid_id")
    return {pk: {"path": path, "industry": ind, "industry_code": code, "grid": grid}
            for pk, path, ind, code, grid in rows}


def eligible_officers(actor, department, day, from_department: bool = True) -> list[list]:
    """The officers a draw may pick, as [id, scope path, industry ids (empty: all)] sorted by id:
    regulator and industry-department officers the actor may name, active, holding an enforcement
    certificate valid on ``day`` (and, by default, members of the drawing department)."""
    from django.db.models import Exists, OuterRef

    from anjian.core.scoping import industry_subtree_ids, users_visible_to
    from anjian.orgs.choices import REGULATOR_ROLES

    qs = users_visible_to(actor).filter(role__in=sorted(REGULATOR_ROLES), is_active=True,
                                        scope_region__isnull=False)
    if from_department:
        qs = qs.filter(department=department)
    qs = qs.filter(Exists(EnforcementCertificate.objects.filter(valid_certificate_q(day), officer=OuterRef("pk"))))
    rows = list(qs.order_by("pk").values_list("pk", "scope_region__path"))
    ids = [r[0] for r in rows]
    codes: dict[int, list[str]] = {}
    through = qs.model.scope_industries.through
    for user_id, code in through.objects.filter(user_id__in=ids).values_list("user_id", "industry__code"):
        codes.setdefault(user_id, []).append(code)
    return [[pk, path, sorted(industry_subtree_ids(codes[pk])) if pk in codes else []] for pk, path in rows]


def eligible_experts(actor, day) -> list[list]:
    """The experts a draw may pick, as [id, field codes] sorted by id: in the actor's jurisdiction's
    pools, not voided, available on ``day``."""
    qs = Expert.objects.for_user(actor).filter(
        Q(state=ExpertState.AVAILABLE) | Q(state=ExpertState.UNAVAILABLE, unavailable_until__lt=day))
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    fields: dict[int, list[str]] = {}
    for pk, code in Expert.fields.through.objects.filter(expert_id__in=ids).values_list("expert_id", "industry__code"):
        fields.setdefault(pk, []).append(code)
    return [[pk, sorted(fields.get(pk, []))] for pk in ids]


def last_inspectors(enterprise_ids: list[int]) -> dict[int, set[int]]:
    """For each enterprise, the officers of its most recent government inspection (not voided): the
    record's inspector (and, for an enforcement inspection, its whole team)."""
    from anjian.inspections.choices import InspectionKind
    from anjian.inspections.models import InspectionRecord

    out: dict[int, set[int]] = {}
    latest: dict[int, int] = {}
    rows = (InspectionRecord.objects.filter(enterprise_id__in=enterprise_ids, kind=InspectionKind.GOVERNMENT,
                                            is_voided=False)
            .order_by("enterprise_id", "-inspected_at", "-id").values_list("enterprise_id", "pk", "inspector_id"))
    for ent, record, inspector in rows:
        if ent in latest:
            continue
        latest[ent] = record
        out[ent] = {inspector} if inspector else set()
    for ent, officer in record_teams(list(latest.values())):
        out.setdefault(ent, set()).add(officer)
    return out


def record_teams(record_ids: list[int]) -> list[tuple[int, int]]:
    """(enterprise id, officer id) of the enforcement inspection teams of these inspection records."""
    from .models import EnforcementInspection

    through = EnforcementInspection.officers.through
    return list(through.objects.filter(enforcementinspection__record_id__in=record_ids)
                .values_list("enforcementinspection__enterprise_id", "user_id"))


def officer_exclusions(enterprise_ids: list[int], day) -> dict[int, set[int]]:
    """Officers each enterprise must not get: its last inspectors and declared conflicts in force."""
    out = last_inspectors(enterprise_ids)
    for ent, officer in (ConflictDeclaration.objects.filter(conflict_in_force_q(day), enterprise_id__in=enterprise_ids,
                                                            officer__isnull=False)
                         .values_list("enterprise_id", "officer_id")):
        out.setdefault(ent, set()).add(officer)
    return out


def expert_exclusions(enterprise_ids: list[int], day) -> dict[int, set[int]]:
    """Experts each enterprise must not get: those it employs and declared conflicts in force."""
    out: dict[int, set[int]] = {}
    for pk, ent in Expert.objects.filter(employer_id__in=enterprise_ids).values_list("pk", "employer_id"):
        out.setdefault(ent, set()).add(pk)
    for ent, expert in (ConflictDeclaration.objects.filter(conflict_in_force_q(day), enterprise_id__in=enterprise_ids,
                                                           expert__isnull=False)
                        .values_list("enterprise_id", "expert_id")):
        out.setdefault(ent, set()).add(expert)
    return out


def describe_criteria(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """A draw's pool filters in words, for its page."""
    from django.utils.translation import gettext as _

    from anjian.enterprises.models import FeatureTag, Industry
    from anjian.regions.models import Region
    from anjian.risks.choices import RiskLevel

    out = []
    if criteria.get("plan"):
        from .models import EnforcementPlan

        plan = EnforcementPlan.objects.filter(pk=criteria["plan"]).first()
        label = plan.title if plan else "—"
        out.append((_("From the plan"), label + (_("（key enterprises only）") if criteria.get("key_only") else "")))
    if criteria.get("region"):
        region = Region.objects.filter(code=criteria["region"]).first()
        out.append((_("Region"), region.name if region else criteria["region"]))
    if criteria.get("industry"):
        industry = Industry.objects.filter(code=criteria["industry"]).first()
        out.append((_("Industry"), industry.name if industry else criteria["industry"]))
    if criteria.get("tag"):
        tag = FeatureTag.objects.filter(code=criteria["tag"]).first()
        out.append((_("Feature tag"), tag.name if tag else criteria["tag"]))
    if criteria.get("risk_level"):
        labels = dict(RiskLevel.choices) | {"ungraded": _("Not graded yet")}
        out.append((_("Risk level"), "、".join(str(labels.get(lv, lv)) for lv in criteria["risk_level"])))
    if criteria.get("high_risk"):
        out.append((_("High-risk enterprises only"), _("Yes")))
    if criteria.get("not_inspected_since"):
        out.append((_("Not inspected since"), criteria["not_inspected_since"]))
    out.append((_("Officers of this department only"),
                _("Yes") if criteria.get("officers_from_department", True) else _("No")))
    return out


def draw_has_inspections(draw) -> bool:
    """Whether an inspection (not voided) was prepared from one of the draw's entries."""
    from .models import EnforcementInspection

    return EnforcementInspection.objects.filter(draw_entry__draw=draw, is_voided=False).exists()


# --- 一公开: the results of the published random draws -------------------------------------------

def public_draw_entries(qs):
    """The enterprises drawn by the published draws (not superseded, not voided), newest draw
    first, with only public fields: the enterprise's name and credit code, the draw's number,
    department and date. ``qs`` is ``DrawEntry.objects.all()`` (the page is public)."""
    from .choices import DrawState

    return (qs.filter(draw__state=DrawState.PUBLISHED, draw__is_voided=False, draw__published_at__isnull=False)
            .order_by("-draw__published_at", "-draw_id", "order")
            .values("id", "draw__number", "draw__title", "draw__department__name", "draw__drawn_at",
                    "enterprise__name", "enterprise__credit_code"))


def public_draw_results(entries: list[dict]) -> list[dict]:
    """For a page of ``public_draw_entries``: each entry's inspection (the latest signed one from
    it: date and outcome) and its inspectors — the officers of the inspection, else the officers
    drawn — by name only (officers act in public office; no person of the enterprise is read).
    Three queries whatever the page's length."""
    from .choices import InspectionState
    from .models import DrawOfficer, EnforcementInspection

    ids = [e["id"] for e in entries]
    done: dict[int, dict] = {}
    rows = (EnforcementInspection.objects.filter(draw_entry_id__in=ids, is_voided=False, signed_at__isnull=False)
            .exclude(state=InspectionState.DRAFT).order_by("draw_entry_id", "signed_at", "id")
            .values("id", "draw_entry_id", "signed_at", "outcome"))
    for row in rows:
        done[row["draw_entry_id"]] = row  # the latest one wins
    names: dict[int, list[str]] = {}
    through = EnforcementInspection.officers.through
    for insp_id, name, username in (through.objects.filter(enforcementinspection_id__in=[r["id"] for r in done.values()])
                                    .order_by("id").values_list("enforcementinspection_id", "user__name",
                                                                "user__username")):
        names.setdefault(insp_id, []).append(name or username)
    drawn: dict[int, list[str]] = {}
    for entry_id, name, username in (DrawOfficer.objects.filter(entry_id__in=ids).order_by("entry_id", "order")
                                     .values_list("entry_id", "officer__name", "officer__username")):
        drawn.setdefault(entry_id, []).append(name or username)
    out = []
    for e in entries:
        insp = done.get(e["id"])
        out.append({**e, "inspected_on": timezone.localdate(insp["signed_at"]) if insp else None,
                    "outcome": insp["outcome"] if insp else "",
                    "inspectors": names.get(insp["id"], []) if insp else drawn.get(e["id"], [])})
    return out
