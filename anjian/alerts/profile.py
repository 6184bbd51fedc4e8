"""The warnings' part of the enterprise's file (core.dossier): the section "预警" of the
enterprise page — the open warnings about the enterprise in the user's inbox (their
jurisdiction, the rules addressed to their role), linking to the inbox narrowed to it."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from .engine import inbox_base, rules_for
from .models import Warning

TONES = {Warning.Level.NOTICE: "", Warning.Level.WARNING: "warn", Warning.Level.SEVERE: "risk"}


def build(user, enterprise) -> SectionContent | None:
    if not rules_for(user) and not getattr(user, "is_system_admin", False):
        return None  # no rule is addressed to this role: the section would always be empty
    open_ = inbox_base(user).filter(enterprise_id=enterprise.pk)
    counts = open_.aggregate(total=Count("pk"), **{level: Count("pk", filter=Q(level=level))
                                                   for level in Warning.Level.values})
    inbox = reverse("warnings:inbox")
    figures = [Figure(_("Open warnings"), counts["total"], list_url(inbox, enterprise=enterprise.pk),
                      "warn" if counts["total"] else "")]
    figures += [Figure(label, counts[level], list_url(inbox, enterprise=enterprise.pk, level=level),
                       TONES[level] if counts[level] else "")
                for level, label in reversed(Warning.Level.choices)]
    items = [Item(text=w.message, url=reverse("warnings:open", args=[w.pk]),
                  meta=f"{w.raised_at:%Y-%m-%d}", badge=w.get_level_display(), tone=TONES.get(w.level, ""))
             for w in open_.order_by("-id")[:5]]
    return SectionContent(figures=figures, items=items,
                          links=[(_("Warnings"), list_url(inbox, enterprise=enterprise.pk))],
                          empty=_("No open warning."))


register_section(ProfileSection(code="warnings", title=gettext_lazy("Warnings"), order=70, build=build))
