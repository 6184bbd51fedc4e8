"""The registry's part of the enterprise's file (core.dossier): the section "监管责任牌" of the
enterprise page — the current supervision plate (一企一牌) and the past assignments — in a
template of its own (the plate's layout)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import ProfileSection, SectionContent, register_section

from .choices import OperatingStatus
from .models import Supervision


def build(user, enterprise) -> SectionContent:
    assignments = list(Supervision.objects.for_user(user).filter(enterprise=enterprise)
                       .select_related("department", "officer"))
    current = next((s for s in assignments if s.is_current), None)
    can_assign = user.has_perm("enterprises.add_supervision") and enterprise.status != OperatingStatus.CLOSED
    links = [(_("Download plate (PDF)"), reverse("enterprises:plate_pdf", args=[enterprise.pk]))]
    if can_assign:
        links.insert(0, (_("Assign supervision"), reverse("enterprises:supervision", args=[enterprise.pk])))
    return SectionContent(links=links, template="enterprises/_section_plate.html", context={
        "current": current, "past": [s for s in assignments if not s.is_current], "can_assign": can_assign})


register_section(ProfileSection(code="plate", title=gettext_lazy("Supervision plate"), order=10, build=build))
