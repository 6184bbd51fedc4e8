"""Formatting of the accident statistics page: signed change percentages and their direction."""

from django import template

register = template.Library()


@register.filter
def signed_pct(value) -> str:
    """12.345 → "+12.3%", -20 → "−20.0%", None → "—" (no previous figure to compare with)."""
    if value is None or value == "":
        return "—"
    v = float(value)
    if v > 0:
        return f"+{v:.1f}%"
    if v < 0:
        return f"−{abs(v):.1f}%"
    return "0.0%"


@register.filter
def direction(value) -> str:
    """"up", "down" or "flat" for a change (for the arrow and its colour)."""
    if value is None or value == "":
        return "flat"
    v = float(value)
    return "up" if v > 0 else "down" if v < 0 else "flat"


@register.filter
def wan_yuan(value) -> str:
    """Yuan as 万元 with one decimal and thousands separators: 169390000 → "16,939.0"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) / 10_000:,.1f}"
