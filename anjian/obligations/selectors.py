"""Read-side queries of the obligations app, shared by the pages, the API, the warning rules, the
indicators and the enterprise's file.

What "valid" means is defined here once:

- a licence is valid on a day when it is held (not suspended or revoked), not voided, and the day
  lies within its validity (``models.valid_licence_q``);
- an enterprise lacks a licence when its industry (or a parent sector) is one a kind in use names
  (``LicenceKind.industries``) and it holds no valid licence of that kind (``missing_licence_q``);
- a key person is certified on a day when a certificate of the kind their role needs (for a special
  operator: of their operation type) is held, not voided, and valid that day (``certified``).

None of these helpers applies jurisdiction scoping: pages, the API and indicators pass querysets
they have read through ``for_user``; the warning rules read everything, as the engine does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from anjian.core.reference_cache import ReferenceCache
from anjian.core.scoping import industry_subtree_ids

from .choices import (
    MANAGEMENT_ROLES,
    CertificateKind,
    CertificateState,
    LicenceState,
    PersonRole,
    PersonState,
)
from .models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    PersonCertificate,
    SafetyOrganisation,
    SafetyOrgRequirement,
    Standardisation,
    valid_grade_q,
    valid_licence_q,
)

# --- licences ------------------------------------------------------------------------------------------

def required_kinds() -> list[tuple[LicenceKind, frozenset[int]]]:
    """Each kind in use that some industries must hold, with the ids of those industries and their
    sub-sectors. One query (the kinds with their industry codes); the subtrees come from core's
    cached taxonomy."""
    codes: dict[int, list[str]] = {}
    kinds: dict[int, LicenceKind] = {}
    for kind in LicenceKind.objects.filter(is_active=True).prefetch_related("industries").order_by("sort", "code"):
        found = [i.code for i in kind.industries.all()]
        if found:
            kinds[kind.pk], codes[kind.pk] = kind, found
    return [(kinds[pk], industry_subtree_ids(codes[pk])) for pk in kinds]


def holds_valid(kind_id: int, day: date, outer: str = "pk") -> Exists:
    """An enterprise row (``outer``: its key) holds a valid licence of the kind on ``day``."""
    return Exists(Licence.objects.filter(valid_licence_q(day), enterprise_id=OuterRef(outer), kind_id=kind_id))


def missing_licence_q(day: date, kinds: list | None = None, *, industry: str = "industry_id",
                      outer: str = "pk") -> Q:
    """Enterprise rows that must hold a kind and hold no valid licence of it on ``day``. Matches
    nothing when no kind names an industry."""
    q = Q(pk__isnull=True)  # nothing (compiles, unlike an empty IN, into the engine's INSERT … SELECT)
    for kind, industries in kinds if kinds is not None else required_kinds():
        q |= Q(**{f"{industry}__in": sorted(industries)}) & ~Q(holds_valid(kind.pk, day, outer))
    return q


def needs_licence_q(kinds: list | None = None, *, industry: str = "industry_id") -> Q:
    """Enterprise rows whose industry some kind in use names."""
    ids: set[int] = set()
    for _kind, industries in kinds if kinds is not None else required_kinds():
        ids |= industries
    return Q(**{f"{industry}__in": sorted(ids)})


def kinds_required_of(enterprise) -> list[LicenceKind]:
    """The kinds in use the enterprise's industry (or a parent sector: its code starts with the
    sector's) must hold. One query, whether or not the enterprise's industry is loaded."""
    from anjian.enterprises.models import Industry

    parent = Industry.objects.filter(pk=enterprise.industry_id, code__startswith=OuterRef("industries__code"))
    return list(LicenceKind.objects.filter(is_active=True).filter(Exists(parent)).distinct()
                .order_by("sort", "code"))


def expiring(qs: QuerySet, day: date, within_days: int, *, after_days: int = -1) -> QuerySet:
    """Held licences of ``qs`` whose validity ends more than ``after_days`` and at most
    ``within_days`` days after ``day`` (``after_days`` -1: from ``day`` itself), with no later
    licence of the same kind for the same enterprise (a renewal ends the warning)."""
    from datetime import timedelta

    renewed = Licence.objects.filter(enterprise_id=OuterRef("enterprise_id"), kind_id=OuterRef("kind_id"),
                                     is_voided=False, state=LicenceState.ACTIVE,
                                     valid_until__gt=OuterRef("valid_until"))
    return qs.filter(is_voided=False, state=LicenceState.ACTIVE, valid_until__gt=day + timedelta(days=after_days),
                     valid_until__lte=day + timedelta(days=within_days)).filter(~Exists(renewed))


# --- people and certificates ----------------------------------------------------------------------------

def certified(day: date, outer: str = "") -> Q:
    """Key-person rows (``outer``: the lookup leading to the person) certified on ``day``."""
    p = f"{outer}__" if outer else ""
    held = PersonCertificate.objects.filter(person_id=OuterRef(f"{p}pk"), is_voided=False,
                                            state=CertificateState.HELD, issued_on__lte=day, valid_until__gte=day)
    management = held.filter(kind=CertificateKind.MANAGEMENT)
    special = held.filter(kind=CertificateKind.SPECIAL_OPERATION, operation_type=OuterRef(f"{p}operation_type"))
    return (Q(**{f"{p}role__in": list(MANAGEMENT_ROLES)}) & Q(Exists(management))) | (
        Q(**{f"{p}role": PersonRole.SPECIAL_OPERATOR}) & Q(Exists(special)))


def in_post(qs: QuerySet) -> QuerySet:
    """The people of ``qs`` in post (not voided, not left)."""
    return qs.filter(is_voided=False, state=PersonState.IN_POST)


# --- the enterprise's file ---------------------------------------------------------------------------------

def enterprise_summary(user, enterprise, day: date, *, expiring_days: int = 90) -> dict[str, Any]:
    """One enterprise's licences and key people as ``user`` sees them: three queries (the kinds it
    must hold, its licences, the certification counts of its people in post)."""
    required = kinds_required_of(enterprise)
    licences = list(Licence.objects.for_user(user).filter(enterprise_id=enterprise.pk)
                    .select_related("kind").order_by("kind__sort", "-valid_until", "id")[:50])
    valid_kinds = {lic.kind_id for lic in licences if lic.is_valid_on(day)}
    from datetime import timedelta

    soon = day + timedelta(days=expiring_days)
    later_by_kind: dict[int, date] = {}
    for lic in licences:
        if lic.is_valid_on(day):
            later_by_kind[lic.kind_id] = max(later_by_kind.get(lic.kind_id, lic.valid_until), lic.valid_until)
    people = in_post(KeyPerson.objects.for_user(user).filter(enterprise_id=enterprise.pk))
    counts = people.aggregate(
        total=Count("pk"), certified=Count("pk", filter=certified(day)),
        **{f"{r}_total": Count("pk", filter=Q(role=r)) for r in PersonRole.values},
        **{f"{r}_certified": Count("pk", filter=Q(role=r) & certified(day)) for r in PersonRole.values})
    return {
        "required": required,
        "missing": [k for k in required if k.pk not in valid_kinds],
        "licences": licences,
        "valid": sum(1 for lic in licences if lic.is_valid_on(day)),
        "expiring": sorted({k for k, until in later_by_kind.items() if until <= soon}),
        "people": counts,
    }


# --- standardisation ----------------------------------------------------------------------------------------

def grades_expiring(qs: QuerySet, day: date, within_days: int, *, after_days: int = -1) -> QuerySet:
    """Held grades of ``qs`` (not withdrawn) ending more than ``after_days`` and at most
    ``within_days`` days after ``day``, with no later grade recorded for the enterprise (a renewal
    ends the warning)."""
    from datetime import timedelta

    from .choices import StandardisationState

    renewed = Standardisation.objects.filter(enterprise_id=OuterRef("enterprise_id"), is_voided=False,
                                             valid_until__gt=OuterRef("valid_until")).exclude(
        state=StandardisationState.WITHDRAWN)
    return qs.filter(is_voided=False, valid_until__gt=day + timedelta(days=after_days),
                     valid_until__lte=day + timedelta(days=within_days)).exclude(
        state=StandardisationState.WITHDRAWN).filter(~Exists(renewed))


def graded_q(day: date, outer: str = "pk") -> Q:
    """Enterprise rows (``outer``: their key) holding a standardisation grade on ``day``."""
    return Q(Exists(Standardisation.objects.filter(valid_grade_q(day), enterprise_id=OuterRef(outer))))


# --- safety organisation ------------------------------------------------------------------------------------

_REQUIREMENTS = ReferenceCache(name="obligations.safety_org_requirements")


def _forget_requirements(**signal_kwargs) -> None:
    _REQUIREMENTS.clear(**signal_kwargs)


for _signal in (post_save, post_delete):
    _signal.connect(_forget_requirements, sender="obligations.SafetyOrgRequirement", weak=False,
                    dispatch_uid=f"obligations.requirements.{_signal is post_save}")
for _through in (SafetyOrgRequirement.industries.through, SafetyOrgRequirement.tags.through):
    m2m_changed.connect(_forget_requirements, sender=_through, weak=False,
                        dispatch_uid=f"obligations.requirements.{_through.__name__}")


def _load_requirements(_key) -> list[tuple[str, frozenset[int], tuple[int, ...], int | None]]:
    out = []
    for req in (SafetyOrgRequirement.objects.filter(is_active=True).prefetch_related("industries", "tags")
                .order_by("sort", "code")):
        out.append((req.kind, industry_subtree_ids([i.code for i in req.industries.all()]),
                    tuple(sorted(t.pk for t in req.tags.all())), req.min_employees))
    return out


def requirements(kind: str) -> list[tuple[frozenset[int], tuple[int, ...], int | None]]:
    """The requirements in use of a kind, each as (industry ids with their sub-sectors, tag ids,
    least employees); read once per process (a cache every process forgets when a row changes)."""
    return [(industries, tags, least) for k, industries, tags, least in _REQUIREMENTS.get("all", _load_requirements)
            if k == kind]


def required_q(kind: str, reqs: list | None = None, *, prefix: str = "") -> Q:
    """Enterprise rows (``prefix``: the lookup leading to the enterprise) some requirement of
    ``kind`` applies to: of its industries or carrying one of its tags (both empty: every
    enterprise), with at least its number of employees. Matches nothing when none is in use."""
    from anjian.enterprises.models import EnterpriseTag

    q = Q(pk__isnull=True)
    for industries, tags, least in reqs if reqs is not None else requirements(kind):
        cond = Q()
        if industries or tags:
            cond = Q(pk__isnull=True)
            if industries:
                cond |= Q(**{f"{prefix}industry_id__in": sorted(industries)})
            if tags:
                cond |= Q(Exists(EnterpriseTag.objects.filter(enterprise_id=OuterRef(f"{prefix}pk" if prefix else "pk"),
                                                              tag_id__in=tags)))
        if least:
            cond &= Q(**{f"{prefix}employees__gte": least})
        q |= cond
    return q


def organised_q(kind: str, outer: str = "pk") -> Q:
    """Enterprise rows whose live safety organisation meets ``kind``: a body or full-time staff,
    or a named safety director."""
    from .choices import RequirementKind

    live = SafetyOrganisation.objects.filter(enterprise_id=OuterRef(outer), is_voided=False)
    if kind == RequirementKind.DIRECTOR:
        return Q(Exists(live.exclude(director_name="")))
    return Q(Exists(live.filter(Q(has_body=True) | Q(full_time_staff__gt=0))))


# --- commitments ----------------------------------------------------------------------------------------------

def committed_q(year: int, outer: str = "pk") -> Q:
    """Enterprise rows with a live signed commitment of ``year``."""
    return Q(Exists(Commitment.objects.filter(enterprise_id=OuterRef(outer), year=year, is_voided=False)))


def enterprise_duties(user, enterprise, day: date) -> dict[str, Any]:
    """One enterprise's grade, safety organisation and commitments as ``user`` sees them (four
    queries: grades, the organisation, the requirements that apply, commitments)."""
    from anjian.enterprises.models import Enterprise

    from .choices import RequirementKind

    grades = list(Standardisation.objects.for_user(user).filter(enterprise_id=enterprise.pk, is_voided=False)
                  .order_by("-valid_until", "-id")[:5])
    org = (SafetyOrganisation.objects.for_user(user).filter(enterprise_id=enterprise.pk, is_voided=False)
           .order_by("-id").first())
    flags = Enterprise.objects.filter(pk=enterprise.pk).aggregate(
        body=Count("pk", filter=required_q(RequirementKind.BODY)),
        director=Count("pk", filter=required_q(RequirementKind.DIRECTOR)))
    commitments = list(Commitment.objects.for_user(user).filter(enterprise_id=enterprise.pk, is_voided=False)
                       .order_by("-year", "-signed_on")[:3])
    return {"grades": grades, "grade": next((g for g in grades if g.is_valid_on(day)), None),
            "organisation": org, "body_required": bool(flags["body"]), "director_required": bool(flags["director"]),
            "commitments": commitments, "committed": any(c.year == day.year for c in commitments)}
