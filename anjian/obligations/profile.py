"""The obligations' part of the enterprise's file (core.dossier): the section "许可与持证" of the
enterprise page — the licences its industry requires and those it holds, and the certification of
its principal, safety managers and special operators. Three queries (``selectors.enterprise_summary``),
through ``for_user``; figures link to the registries filtered the same way."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from anjian.core.dossier import Figure, Item, ProfileSection, SectionContent, list_url, register_section

from . import selectors
from .choices import PersonRole
from .policy import policy


def _licences(enterprise_id: int, **params) -> str:
    return list_url(reverse("obligations:licences"), enterprise=enterprise_id, **params)


def _persons(enterprise_id: int, **params) -> str:
    return list_url(reverse("obligations:persons"), enterprise=enterprise_id, state="in_post", **params)


def build(user, enterprise) -> SectionContent:
    today = timezone.localdate()
    summary = selectors.enterprise_summary(user, enterprise, today)
    people = summary["people"]
    pk = enterprise.pk
    figures = [
        Figure(_("Valid licences"), summary["valid"], _licences(pk, validity="valid")),
        Figure(_("Licences ending within 90 days"), len(summary["expiring"]), _licences(pk, validity="expiring"),
               "warn" if summary["expiring"] else "", counts=False),
        Figure(_("Required licences missing"), len(summary["missing"]), "", "risk" if summary["missing"] else "",
               counts=False),
    ]
    for role in PersonRole:
        total, ok = people[f"{role.value}_total"], people[f"{role.value}_certified"]
        figures.append(Figure(_("%(role)s without a valid certificate") % {"role": role.label}, total - ok,
                              _persons(pk, role=role.value, certified="false"), "risk" if total > ok else ""))
    items = [Item(text=f"{lic.kind.name} {lic.number}", url=reverse("obligations:licence", args=[lic.pk]),
                  meta=_("%(issuer)s · valid until %(until)s") % {"issuer": lic.issuer,
                                                                   "until": lic.valid_until.isoformat()},
                  badge=_("Valid") if lic.is_valid_on(today) else _("Not valid"),
                  tone="ok" if lic.is_valid_on(today) else "risk")
             for lic in summary["licences"][:6]]
    items += [Item(text=_("Missing: %(kind)s") % {"kind": k.name}, badge=pgettext("licence", "Required"), tone="risk")
              for k in summary["missing"]]
    links = [(_("Licences"), _licences(pk)), (_("Training and certificates"), _persons(pk))]
    if policy.can(user, "edit", None) and user.has_perm("obligations.add_licence"):
        links.append((_("Record a licence"), reverse("obligations:licence_create")))
    return SectionContent(figures=figures, items=items, links=links,
                          empty=_("No licence is recorded and none is required of this industry."))


register_section(ProfileSection(code="obligations", title=gettext_lazy("Licences and certificates"), order=15,
                                build=build, wide=True))


# --- standardisation, safety organisation and commitments -------------------------------------------------

def build_duties(user, enterprise) -> SectionContent:
    """The section "标准化、安全管理机构与承诺": the grade held, the safety organisation against what
    is required of the enterprise, and this year's commitment (``selectors.enterprise_duties``)."""
    today = timezone.localdate()
    d = selectors.enterprise_duties(user, enterprise, today)
    pk = enterprise.pk
    org = d["organisation"]
    grade = d["grade"]
    body_ok = bool(org and org.has_staff_or_body)
    director_ok = bool(org and org.director_name)
    figures = [
        Figure(_("Standardisation grade"), grade.get_grade_display() if grade else _("None"),
               reverse("obligations:standardisation", args=[grade.pk]) if grade else "",
               "ok" if grade else "muted", counts=False),
        Figure(_("Safety body or full-time staff"), _("Yes") if body_ok else _("No"),
               reverse("obligations:organisation", args=[org.pk]) if org else "",
               "ok" if body_ok else ("risk" if d["body_required"] else "muted"), counts=False),
        Figure(_("Safety director"), (org.director_name if director_ok else _("None")),
               reverse("obligations:organisation", args=[org.pk]) if org else "",
               "ok" if director_ok else ("risk" if d["director_required"] else "muted"), counts=False),
        Figure(_("Commitment of this year"), pgettext("commitment", "Signed") if d["committed"] else pgettext("commitment", "Missing"),
               list_url(reverse("obligations:commitments"), enterprise=pk, year=today.year),
               "ok" if d["committed"] else "warn", counts=False),
    ]
    items = [Item(text=f"{g.get_grade_display()} {g.number}", url=reverse("obligations:standardisation", args=[g.pk]),
                  meta=_("%(issuer)s · valid until %(until)s") % {"issuer": g.issuer,
                                                                   "until": g.valid_until.isoformat()},
                  badge=_("Valid") if g.is_valid_on(today) else _("Not valid"),
                  tone="ok" if g.is_valid_on(today) else "risk") for g in d["grades"]]
    items += [Item(text=c.title, url=reverse("obligations:commitment", args=[c.pk]),
                   meta=_("%(year)s · signed by %(who)s on %(day)s") % {
                       "year": c.year, "who": c.signed_by, "day": c.signed_on.isoformat()}) for c in d["commitments"]]
    links = [(_("Safety standardisation"), list_url(reverse("obligations:standardisations"), enterprise=pk)),
             (_("Safety commitments"), list_url(reverse("obligations:commitments"), enterprise=pk))]
    if org is None and policy.can(user, "edit", None) and user.has_perm("obligations.add_safetyorganisation"):
        links.append((_("Record a safety organisation"), reverse("obligations:organisation_create")))
    return SectionContent(figures=figures, items=items, links=links,
                          empty=_("No standardisation grade or commitment is recorded."))


register_section(ProfileSection(code="obligations_duties", title=gettext_lazy("Standardisation, safety organisation "
                                                                              "and commitments"),
                                order=17, build=build_duties, wide=True))
