"""Template filters of the major hazard pages."""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def num(value, places: int = 4) -> str:
    """A number with at most ``places`` decimals and no trailing zeros (8.3, 0.3, 64.6, 5)."""
    if value is None or value == "":
        return "—"
    try:
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        dec = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    text = f"{dec:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
