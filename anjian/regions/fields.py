"""Region pickers shared by every app's forms and lists that filter by region.

Region pickers are built from ``Region.objects.for_user(user)`` so a user is never offered a
region outside their jurisdiction; the values are 12-digit division codes, the same keys the
filters and the API use.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import LEVEL_DEPTH, RegionLevel
from .models import Region

INDENT = "\u3000"  # an ideographic space: browsers do not collapse it inside <option>


def region_choices(user, *, deepest: str = RegionLevel.TOWNSHIP, empty_label=None) -> list[tuple[str, str]]:
    """(code, indented name) of the regions in the user's scope down to ``deepest``, in tree order."""
    levels = [lvl for lvl, depth in LEVEL_DEPTH.items() if depth <= LEVEL_DEPTH[deepest]]
    rows = list(
        Region.objects.for_user(user).filter(level__in=levels).order_by("path").values_list("code", "name", "level")
    )
    top = min((LEVEL_DEPTH[level] for _c, _n, level in rows), default=0)
    choices = [("", empty_label or _("All regions"))]
    choices += [(code, INDENT * (LEVEL_DEPTH[level] - top) + name) for code, name, level in rows]
    return choices


def township_queryset(user):
    """Townships in the user's scope, with their county for labels that tell same-named towns apart."""
    return Region.objects.for_user(user).filter(level=RegionLevel.TOWNSHIP).select_related("parent").order_by("path")


def township_label(region: Region) -> str:
    return f"{region.parent.name} · {region.name}" if region.parent_id else region.name


class RegionCodeField(forms.ChoiceField):
    """A select of region codes in scope (built per request: the choices depend on the user)."""

    def __init__(self, user, *, deepest: str = RegionLevel.TOWNSHIP, label=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=region_choices(user, deepest=deepest), label=label or _("Region"), **kwargs)
