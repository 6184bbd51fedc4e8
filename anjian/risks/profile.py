"""The risks' part of the enterprise's file (core.dossier): the section "风险分级管控" of the
enterprise page (overall grade, risk points by level, the gravest points) and the list column
"风险等级". Counts through ``risks.selectors`` (scoped by ``for_user``); figures link to the
risk-point list filtered the same way."""

from django.urls import reverse
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
from .choices import LEVEL_HEX, LEVEL_ORDER, RiskLevel

LEVEL_LABELS = dict(RiskLevel.choices)
NO_LEVEL_HEX = "#9E9E9E"


def _points(enterprise_id: int, **params) -> str:
    return list_url(reverse("risks:list"), enterprise=enterprise_id, **params)


def build(user, enterprise) -> SectionContent:
    summary = selectors.enterprise_risk_summary(user, enterprise.pk)
    grade = summary["grade"]
    level = grade.level if grade is not None else ""
    figures = [Figure(_("Risk grade"), LEVEL_LABELS.get(level, _("Not graded")),
                      reverse("risks:enterprise", args=[enterprise.pk]), colour=LEVEL_HEX.get(level, NO_LEVEL_HEX),
                      counts=False)]
    figures += [Figure(LEVEL_LABELS[lvl], summary["levels"].get(lvl.value, 0), _points(enterprise.pk, level=lvl.value),
                       colour=LEVEL_HEX[lvl.value] if summary["levels"].get(lvl.value) else "")
                for lvl in LEVEL_ORDER]
    figures += [
        Figure(_("Not assessed"), summary["levels"].get("", 0), _points(enterprise.pk, level="unassessed"),
               "warn" if summary["levels"].get("") else ""),
        Figure(_("All risk points"), summary["total"], _points(enterprise.pk)),
    ]
    items = [Item(text=p.name, url=reverse("risks:detail", args=[p.pk]),
                  meta=" · ".join(x for x in (p.get_kind_display(), p.location) if x),
                  badge=LEVEL_LABELS.get(p.level, _("Not assessed")), colour=LEVEL_HEX.get(p.level, NO_LEVEL_HEX))
             for p in summary["gravest"]]
    links = [(_("Risk grade and controls"), reverse("risks:enterprise", args=[enterprise.pk])),
             (_("Risk points"), _points(enterprise.pk))]
    if user.has_perm("risks.add_riskpoint"):
        links.append((_("New risk point"), list_url(reverse("risks:create"), enterprise=enterprise.pk)))
    return SectionContent(figures=figures, items=items, links=links, empty=_("No risk point is registered."))


register_section(ProfileSection(code="risks", title=gettext_lazy("Risk grading and control"), order=20, build=build))


def _grade_cell(pk: int, level: str | None) -> Cell:
    if not level:
        return Cell("—")
    return Cell(str(LEVEL_LABELS.get(level, level)), reverse("risks:enterprise", args=[pk]),
                colour=LEVEL_HEX.get(level, NO_LEVEL_HEX))


register_column(ListColumn(
    code="risk_grade", title=gettext_lazy("Risk grade"), order=10, default=None,
    values=selectors.risk_grades, cell=_grade_cell,
    field=lambda: serializers.ChoiceField(
        choices=RiskLevel.choices, read_only=True, allow_null=True,
        help_text="the enterprise's overall risk level (major/high/moderate/low), null until graded"),
))
