"""The emergency part of the enterprise's file (core.dossier): the section "应急准备" — its plans,
filed and overdue (filing, evaluation, drill, revision), the drills of the year, the supplies
expired or short. Four queries (``selectors.enterprise_summary``), through ``for_user``; figures
link to the lists filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from anjian.core.dossier import Figure, ProfileSection, SectionContent, list_url, register_section

from . import selectors


def build(user, enterprise) -> SectionContent:
    day = timezone.localdate()
    summary = selectors.enterprise_summary(user, enterprise, day)
    plans, drills, supplies, pk = summary["plans"], summary["drills"], summary["supplies"], enterprise.pk
    plan_list, drill_list, supply_list = reverse("emergency:plans"), reverse("emergency:drills"), \
        reverse("emergency:supplies")

    def late(label, value, overdue):
        return Figure(label, value, list_url(plan_list, enterprise=pk, overdue=overdue), "warn" if value else "")

    figures = [
        Figure(_("Emergency plans"), plans["total"], list_url(plan_list, enterprise=pk)),
        Figure(pgettext("emergency plan", "Filed"), plans["filed"], list_url(plan_list, enterprise=pk, state="filed"), "ok" if
               plans["filed"] else ""),
        late(_("Filing overdue"), plans["filing"], "filing"),
        late(_("Evaluation overdue"), plans["evaluation"], "evaluation"),
        late(_("Drill overdue"), plans["drill"], "drill"),
        late(_("Revision overdue"), plans["revision"], "revision"),
        Figure(_("Drills held this year"), drills["held"],
               list_url(drill_list, enterprise=pk, state="held", year=day.year)),
        Figure(_("Drills planned this year"), drills["planned"],
               list_url(drill_list, enterprise=pk, state="planned", year=day.year)),
        Figure(_("Expired supplies"), supplies["expired"], list_url(supply_list, enterprise=pk, expired="true"),
               "warn" if supplies["expired"] else ""),
        Figure(_("Supplies below the minimum"), supplies["short"], list_url(supply_list, enterprise=pk, short="true"),
               "warn" if supplies["short"] else ""),
    ]
    links = [(_("Emergency plans"), list_url(plan_list, enterprise=pk)),
             (_("Drills"), list_url(drill_list, enterprise=pk)),
             (_("Emergency disposal cards"), list_url(reverse("emergency:cards"), enterprise=pk))]
    if user.has_perm("emergency.add_emergencyplan"):
        links.append((_("Enter an emergency plan"), reverse("emergency:plan_create") + f"?enterprise={pk}"))
    return SectionContent(figures=figures, links=links, empty=_("No emergency plan of this enterprise."))


register_section(ProfileSection(code="emergency", title=gettext_lazy("Emergency preparedness"), order=55,
                                build=build))
