"""The accidents' part of the enterprise's file (core.dossier): the section "生产安全事故" of the
enterprise page. Counts through ``accidents.selectors`` (scoped by ``for_user``); figures link
to the accident ledger filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from . import selectors
from .choices import AccidentGrade, AccidentState


def build(user, enterprise) -> SectionContent:
    summary = selectors.enterprise_accident_summary(user, enterprise.pk)
    ledger = reverse("accidents:list")
    open_states = [s for s in AccidentState.values if s != AccidentState.CLOSED]
    figures = [
        Figure(_("In the last 12 months"), summary["last_year"],
               list_url(ledger, enterprise=enterprise.pk, occurred_from=summary["since"].isoformat()),
               "risk" if summary["last_year"] else ""),
        Figure(_("Not closed"), summary["open"], list_url(ledger, enterprise=enterprise.pk, state=open_states)),
        Figure(_("Deaths"), summary["deaths"], list_url(ledger, enterprise=enterprise.pk),
               "risk" if summary["deaths"] else "", counts=False),
        Figure(_("Serious injuries"), summary["serious_injuries"], list_url(ledger, enterprise=enterprise.pk),
               counts=False),
        Figure(_("All accidents"), summary["total"], list_url(ledger, enterprise=enterprise.pk)),
    ]
    items = [Item(text=f"{a.number} {a.summary[:50]}", url=reverse("accidents:detail", args=[a.pk]),
                  meta=" · ".join(x for x in (f"{timezone.localtime(a.occurred_at):%Y-%m-%d}",
                                              a.accident_type.name if a.accident_type_id else "",
                                              a.get_state_display()) if x),
                  badge=a.get_grade_display(),
                  tone="risk" if a.grade != AccidentGrade.ORDINARY else "warn")
             for a in summary["latest"]]
    links = [(_("Accident ledger"), list_url(ledger, enterprise=enterprise.pk))]
    return SectionContent(figures=figures, items=items, links=links, empty=_("No accident is recorded."))


register_section(ProfileSection(code="accidents", title=gettext_lazy("Accidents"), order=60, build=build))
