"""The hazards' part of the enterprise's file (core.dossier): the section "隐患" of the enterprise
page and the list column "未销号隐患". Counts through ``hazards.selectors`` (scoped by
``for_user``); every figure links to the ledger filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from .choices import OPEN_STATES, UNCLOSED_STATES, HazardGrade, HazardState


def _ledger(enterprise_id: int, **params) -> str:
    return list_url(reverse("hazards:list"), enterprise=enterprise_id, **params)


UNCLOSED = [s.value for s in UNCLOSED_STATES]


def build(user, enterprise) -> SectionContent:
    counts = selectors.enterprise_hazard_summary(user, enterprise.pk)
    figures = [
        Figure(_("Not closed out"), counts["open"], _ledger(enterprise.pk, state=UNCLOSED),
               "warn" if counts["open"] else ""),
        Figure(_("Overdue"), counts["overdue"], _ledger(enterprise.pk, overdue="true"),
               "risk" if counts["overdue"] else ""),
        Figure(_("Major, not closed out"), counts["major_open"],
               _ledger(enterprise.pk, grade=HazardGrade.MAJOR.value, state=UNCLOSED),
               "risk" if counts["major_open"] else ""),
        Figure(_("Awaiting acceptance"), counts["rectified"], _ledger(enterprise.pk, state=HazardState.RECTIFIED.value)),
        Figure(_("Under listed supervision"), counts["listed"], _ledger(enterprise.pk, listed="true")),
        Figure(_("All hazards"), counts["total"], _ledger(enterprise.pk)),
    ]
    items = []
    today = timezone.localdate()
    for hazard in selectors.open_hazards(user, enterprise.pk):
        overdue = hazard.state in OPEN_STATES and hazard.deadline < today
        items.append(Item(
            text=f"{hazard.number} {hazard.description[:60]}",
            url=reverse("hazards:detail", args=[hazard.pk]),
            meta=_("%(state)s · deadline %(date)s") % {"state": hazard.get_state_display(),
                                                       "date": hazard.deadline.isoformat()},
            badge=_("Overdue") if overdue else (hazard.get_grade_display() if hazard.grade == HazardGrade.MAJOR else ""),
            tone="risk" if overdue or hazard.grade == HazardGrade.MAJOR else "",
        ))
    links = [(_("Hazard ledger"), _ledger(enterprise.pk))]
    if user.has_perm("hazards.add_hazard"):
        links.append((_("Report a hazard"), list_url(reverse("hazards:create"), enterprise=enterprise.pk)))
    return SectionContent(figures=figures, items=items, links=links, empty=_("No hazard is open."))


register_section(ProfileSection(code="hazards", title=gettext_lazy("Hazards"), order=40, build=build))


def _open_cell(pk: int, value: int) -> Cell:
    return Cell(str(value), _ledger(pk, state=UNCLOSED) if value else "", "warn" if value else "")


register_column(ListColumn(
    code="open_hazards", title=gettext_lazy("Open hazards"), order=20, default=0,
    values=selectors.open_hazard_counts, cell=_open_cell,
    field=lambda: serializers.IntegerField(
        read_only=True, help_text="hazards of the enterprise not yet closed out (reported, rectifying, "
                                  "rectified or accepted), counted in the caller's jurisdiction"),
))
