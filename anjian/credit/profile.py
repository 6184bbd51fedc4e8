"""The credit part of the enterprise's file (core.dossier): the section "安全生产诚信" — the grade and
score, the green channel or the listing, the latest records. Four queries
(``selectors.enterprise_summary``), through ``for_user``; figures link to the lists filtered the
same way."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from rest_framework import serializers

from anjian.core.dossier import (
    Cell,
    Figure,
    Item,
    ListColumn,
    ProfileSection,
    SectionContent,
    list_url,
    register_column,
    register_section,
)

from . import selectors
from .choices import CreditGrade, ListingState, RecordState
from .policy import policy


def _records(enterprise_id: int, **params) -> str:
    return list_url(reverse("credit:records"), enterprise=enterprise_id, **params)


def build(user, enterprise) -> SectionContent:
    summary = selectors.enterprise_summary(user, enterprise)
    credit, listing, pk = summary["credit"], summary["listing"], enterprise.pk
    figures = [
        Figure(_("Credit records"), summary["total"], _records(pk)),
        Figure(_("Awaiting confirmation"), summary["pending"], _records(pk, state=RecordState.PENDING),
               "warn" if summary["pending"] else ""),
    ]
    if credit is not None:
        figures.insert(0, Figure(_("Credit grade"), credit.get_grade_display(), "",
                                 "risk" if credit.more_inspections else ("ok" if credit.green_channel else ""),
                                 counts=False))
        figures.insert(1, Figure(_("Credit score"), credit.score, "", "", counts=False))
    items = []
    if listing is not None:
        items.append(Item(text=_("On the list of seriously untrustworthy entities") if listing.state ==
                          ListingState.LISTED else _("Proposed for the list of seriously untrustworthy entities"),
                          url=reverse("credit:listing", args=[listing.pk]),
                          meta=_("Term ends on %(day)s") % {"day": listing.term_ends_on.isoformat()}
                          if listing.term_ends_on else "", badge=listing.get_state_display(), tone="risk"))
    if credit is not None and credit.green_channel:
        items.append(Item(text=_("Green channel: fewer routine inspections, priority in approvals"), badge=credit.grade,
                          tone="ok"))
    items += [Item(text=f"{r.kind.name}", url=reverse("credit:record", args=[r.pk]),
                   meta=f"{r.occurred_on.isoformat()} · {r.effective_points:+d}", badge=r.get_state_display(),
                   tone="warn" if r.state == RecordState.PENDING else "")
              for r in summary["recent"]]
    links = [(_("Credit records"), _records(pk))]
    if policy.can(user, "manage", None) and user.has_perm("credit.add_creditrecord"):
        links.append((_("Enter a credit record"), reverse("credit:record_create") + f"?enterprise={pk}"))
    return SectionContent(figures=figures, items=items, links=links,
                          empty=_("No credit record of this enterprise."))


register_section(ProfileSection(code="credit", title=gettext_lazy("Safety production credit"), order=16,
                                build=build))


# C and D add inspections (poor credit), A opens the green channel: the list shows them so.
_GRADE_TONES = {CreditGrade.A: "ok", CreditGrade.C: "warn", CreditGrade.D: "risk"}


def _grade_cell(pk: int, grade: str | None) -> Cell:
    if not grade:
        return Cell("—")
    return Cell(grade, _records(pk), tone=_GRADE_TONES.get(grade, ""))


register_column(ListColumn(
    # (a short title: the list's table must still fit a 1366 px desktop)
    code="credit_grade", title=pgettext_lazy("enterprise list column", "Credit"), order=30, default=None,
    values=selectors.credit_grades, cell=_grade_cell,
    field=lambda: serializers.ChoiceField(
        choices=CreditGrade.choices, read_only=True, allow_null=True,
        help_text="the enterprise's safety-production credit grade (A best … D worst), null until computed"),
))
