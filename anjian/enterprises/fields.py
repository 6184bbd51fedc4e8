"""Form choices of the industry taxonomy, shared by every app's forms that pick an industry."""

from anjian.core.scoping import scope_of
from anjian.regions.fields import INDENT

from .models import Industry


def industry_queryset(user):
    """Industries a user may pick: all of them, or an industry officer's own sectors."""
    qs = Industry.objects.order_by("code")
    ids = scope_of(user).industry_ids
    return qs.filter(pk__in=sorted(ids)) if ids else qs


def industry_label(industry: Industry) -> str:
    # Sub-sector codes are two characters longer than their parent's.
    return INDENT * max(len(industry.code) // 2 - 1, 0) + industry.name


def region_industry_fields(fields, user) -> None:
    """A filter bar's region as a picker of the user's jurisdiction and its industry as a select of
    the industries the user may pick (for ``core.forms.FilterBarMixin`` pages)."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    from anjian.regions.fields import RegionCodeField

    if "region" in fields:
        fields["region"] = RegionCodeField(user, label=_("Region"))
    if "industry" in fields:
        choices = [("", _("All industries"))]
        choices += [(i.code, industry_label(i)) for i in industry_queryset(user)]
        fields["industry"] = forms.ChoiceField(label=_("Industry"), required=False, choices=choices)
