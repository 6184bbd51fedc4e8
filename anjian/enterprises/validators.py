"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, Z, S, V); the last one is a check
character computed from the first 17 with fixed weights, modulo 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """Why ``value`` is not a valid credit code, or None when it is."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return str(_("A unified social credit code has 18 characters."))
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return str(_("Character “%(ch)s” is not allowed in a unified social credit code.") % {"ch": bad[0]})
    if not code[2:8].isdigit():
        return str(_("Characters 3–8 of a unified social credit code are the division code and must be digits."))
    if credit_code_check_char(code[:17]) != code[17]:
        return str(_("The check character of this unified social credit code is wrong."))
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")
