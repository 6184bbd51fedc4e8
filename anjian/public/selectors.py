"""Reads shared by the pages, the API and the public disclosure pages. The public reads name their
columns (``values``): nothing else of a record can reach a public page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .choices import Parameter, PublicationState
from .models import ListingPublication, TipParameter

#: The defaults when a parameter row is missing (the reference data, ``data/reference.py``).
DEFAULTS = {Parameter.VERIFY_DAYS: 60, Parameter.EXTENSION_DAYS: 30, Parameter.FEEDBACK_DAYS: 10,
            Parameter.TIPS_PER_HOUR_ADDRESS: 5, Parameter.TIPS_PER_DAY_DEVICE: 10, Parameter.LOOKUPS_PER_HOUR: 30,
            Parameter.DUPLICATE_DAYS: 30, Parameter.PUBLICATION_DAYS: 365}


def parameter(code: str) -> int:
    row = TipParameter.objects.filter(code=code).values_list("value", flat=True).first()
    return int(row) if row is not None else DEFAULTS[code]


# --- public disclosure ----------------------------------------------------------------------------

def public_listed_hazards() -> QuerySet:
    """Hazards under listed supervision that were published and have not expired: the unit, the
    level, the supervising department, the deadline and the hazard's state — no person, no
    description, no file."""
    today = timezone.localdate()
    return (ListingPublication.objects.filter(state=PublicationState.PUBLISHED, published_on__lte=today,
                                              expires_on__gte=today, listing__hazard__is_voided=False)
            .order_by("-published_on", "-id")
            .values("published_on", "listing__enterprise__name", "listing__enterprise__credit_code",
                    "listing__level", "listing__department__name", "listing__deadline", "listing__state",
                    "listing__hazard__state", "listing__document_number"))


def public_blacklist() -> QuerySet:
    """Units on the list of seriously untrustworthy entities whose listing was published and is
    still running: name, credit code, deciding department, decision number, term."""
    from anjian.credit.choices import ListingState
    from anjian.credit.models import Blacklisting

    return (Blacklisting.objects.filter(is_voided=False, state=ListingState.LISTED, published_on__isnull=False)
            .order_by("-published_on", "-id")
            .values("enterprise__name", "enterprise__credit_code", "department__name", "decision_number",
                    "decided_on", "term_ends_on", "published_on"))


def public_rankings() -> list[dict]:
    """The rankings the committee office published (assessment rounds in the published state):
    each round with its units' scores and ranks, best first."""
    from anjian.assessment.choices import RoundState
    from anjian.assessment.models import Assessment, AssessmentRound

    rounds = list(AssessmentRound.objects.filter(state=RoundState.PUBLISHED, is_voided=False)
                  .select_related("scheme").order_by("-period_start", "-id")[:12])
    rows = (Assessment.objects.filter(round__in=rounds, is_voided=False, rank__isnull=False)
            .select_related("region", "department").order_by("rank", "id"))
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    for a in rows:
        by_round[a.round_id].append({"unit": a.subject_label, "score": a.score, "rank": a.rank})
    return [{"scheme": r.scheme.name, "period": r.period.label, "document_number": r.document_number,
             "published_at": r.published_at, "rows": by_round[r.pk]} for r in rounds]
