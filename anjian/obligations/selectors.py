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

from anjian.core.scoping import industry_subtree_ids

from .choices import (
    MANAGEMENT_ROLES,
    CertificateKind,
    CertificateState,
    LicenceState,
    PersonRole,
    PersonState,
)
from .models import KeyPerson, Licence, LicenceKind, PersonCertificate, valid_licence_q

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
