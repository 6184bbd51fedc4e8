"""The major hazard sources' part of the enterprise's file (core.dossier): the section
"重大危险源" of the enterprise page. Counts through ``majorhazards.selectors`` (scoped by
``for_user``); figures link to the registry filtered the same way."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from . import selectors
from .choices import MajorGrade


def _registry(enterprise_id: int, **params) -> str:
    return list_url(reverse("majorhazards:list"), enterprise=enterprise_id, **params)


def build(user, enterprise) -> SectionContent:
    summary = selectors.enterprise_source_summary(user, enterprise.pk)
    figures = [
        Figure(_("Major hazard sources"), summary["major"], _registry(enterprise.pk, is_major="true"),
               "risk" if summary["major"] else ""),
        *[Figure(MajorGrade(g).label, n, _registry(enterprise.pk, grade=g, is_major="true"), "warn" if n else "")
          for g, n in summary["grades"].items()],
        Figure(_("Units identified"), summary["total"], _registry(enterprise.pk)),
    ]
    items = [Item(text=f"{s.number} {s.name}", url=reverse("majorhazards:detail", args=[s.pk]),
                  meta=" · ".join(str(x) for x in (s.get_unit_kind_display(), s.get_state_display())),
                  badge=(s.get_grade_display() if s.grade else _("Major hazard source")) if s.is_major
                  else _("Not a major hazard source"),
                  tone="risk" if s.is_major else "muted")
             for s in summary["sources"]]
    links = [(_("Units of this enterprise"), _registry(enterprise.pk))]
    if user.has_perm("majorhazards.add_majorhazardsource"):
        links.append((_("Identify a unit"), reverse("majorhazards:create")))
    return SectionContent(figures=figures, items=items, links=links,
                          empty=_("No hazardous-chemical unit is registered."))


register_section(ProfileSection(code="major_hazard_sources", title=gettext_lazy("Major hazard sources"), order=30,
                                build=build))
