"""The occupational-health part of the enterprise's file (core.dossier): the section "职业健康" —
the hazard level, exposures and exposed workers, the last detection and evaluation with the next
due day, points over the limit, examinations awaiting their follow-up and the latest declaration.
Two queries (``selectors.enterprise_summary``), through ``for_user``; figures link to the lists
filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from . import selectors
from .choices import DeclarationState, DetectionKind, ExamState, HazardLevel
from .policy import policy


def _due_item(label: str, last, due, today) -> Item:
    if last is None:
        return Item(text=label, meta=_("None on record"), badge=_("Overdue"), tone="risk")
    overdue = due is not None and today > due
    return Item(text=label, meta=_("Last %(last)s, next due %(due)s") % {"last": last.isoformat(), "due": due.isoformat()},
                badge=_("Overdue") if overdue else _("On time"), tone="risk" if overdue else "ok")


def build(user, enterprise) -> SectionContent:
    s = selectors.enterprise_summary(user, enterprise)
    pk, today = enterprise.pk, timezone.localdate()
    level = s.get("level") or HazardLevel.GENERAL
    figures = [
        Figure(_("Hazard level"), HazardLevel(level).label, "", "risk" if level == HazardLevel.SERIOUS else "",
               counts=False),
        Figure(_("Hazard exposures"), s.get("exposures", 0), list_url(reverse("occupational:exposures"), enterprise=pk)),
        Figure(_("Exposed workers"), s.get("workers", 0), "", counts=False),
        Figure(_("Points over the limit"), s.get("exceed", 0), "", "risk" if s.get("exceed") else "", counts=False),
        Figure(_("Follow-up pending"), s.get("follow_up", 0), list_url(
            reverse("occupational:examinations"), enterprise=pk, state=ExamState.FOLLOW_UP),
            "warn" if s.get("follow_up") else ""),
    ]
    items = []
    if s.get("exposures"):
        last = s.get("last_detection")
        items.append(_due_item(_("Periodic detection"), last, selectors.due_on(last, level), today))
        if level == HazardLevel.SERIOUS:
            last = s.get("last_evaluation")
            items.append(_due_item(_("Current-status evaluation"), last,
                                   selectors.due_on(last, level, DetectionKind.EVALUATION), today))
    declaration = s.get("declaration")
    if declaration is not None:
        items.append(Item(text=str(declaration), url=reverse("occupational:declaration", args=[declaration.pk]),
                          meta=declaration.receipt_number, badge=declaration.get_state_display(),
                          tone="ok" if declaration.state == DeclarationState.ACCEPTED else "warn"))
    links = [(_("Hazard exposures"), list_url(reverse("occupational:exposures"), enterprise=pk)),
             (_("Detections and evaluations"), list_url(reverse("occupational:detections"), enterprise=pk)),
             (_("Health examinations"), list_url(reverse("occupational:examinations"), enterprise=pk))]
    if policy.can(user, "edit", None) and user.has_perm("occupational.add_exposure"):
        links.append((_("Record a hazard exposure"), reverse("occupational:exposure_create")))
    return SectionContent(figures=figures, items=items, links=links,
                          empty=_("No occupational hazard recorded for this enterprise."))


register_section(ProfileSection(code="occupational", title=gettext_lazy("Occupational health"), order=18,
                                build=build))
