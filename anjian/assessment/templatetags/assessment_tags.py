"""How a figure reads on a page: a rate with its %, a change with its sign, a verdict in words."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from anjian.core.indicators import Unit

register = template.Library()

@register.filter
def figure(value, unit: str) -> str:
    """``value`` (a Decimal or None) as the unit reads it; "—" when not available."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == Unit.PERCENT:
        return f"{value:.2f}%"
    if unit == Unit.CHANGE:
        return f"{value:+.2f}%"
    if unit in (Unit.PER_100M_YUAN, Unit.PER_100K):
        return f"{value:.4f}"
    if unit == Unit.VERDICT:
        return _("Achieved") if value >= 1 else _("Not achieved")
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


@register.filter
def verdict(value) -> str:
    """The words of a verdict code ("achieved", "not_achieved", "zero_accidents")."""
    return {"achieved": _("Achieved"), "not_achieved": _("Not achieved"),
            "zero_accidents": _("Zero accidents")}.get(value, "")


@register.filter
def cell(column, value):
    """A drill-down cell: a code by its label (the column's choices)."""
    return column.display(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
