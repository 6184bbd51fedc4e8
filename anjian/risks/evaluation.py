"""Risk evaluation (LEC and LS) as a pure service over the profiles held in process memory.

``evaluate(method, inputs, profile_code)`` checks the inputs against the method's value
tables, computes the score (D = L × E × C, R = L × S) and finds the level with the profile's
bands. The profiles, bands and value tables are read once and kept in this process, so the
evaluate endpoint does no query beyond authentication. Saving or deleting a profile, band or
value clears the cache in the process that did it (signals below) and, after the commit, in
every other server process at its next request (core.reference_cache); a change that sent no
signal is seen within ``CACHE_TTL`` seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from anjian.core.reference_cache import ReferenceCache

from .choices import LEVEL_COLOUR, METHOD_FACTORS, Method

CACHE_TTL = 60.0


@dataclass(frozen=True)
class Band:
    level: str
    lower: Decimal
    inclusive: bool

    def holds(self, score: Decimal) -> bool:
        return score > self.lower or (self.inclusive and score == self.lower)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "lower_bound": format_number(self.lower), "lower_inclusive": self.inclusive}


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    method: str
    bands: tuple[Band, ...]  # highest lower bound first

    def level_of(self, score: Decimal) -> str:
        """The level of the first band (from the top) that holds ``score``; below every bound,
        the lowest band's level."""
        for band in self.bands:
            if band.holds(score):
                return band.level
        return self.bands[-1].level

    def snapshot(self) -> list[dict[str, Any]]:
        return [b.as_dict() for b in self.bands]


@dataclass(frozen=True)
class Tables:
    profiles: dict[str, Profile]
    defaults: dict[str, str]  # method → profile code
    values: dict[tuple[str, str], dict[Decimal, str]]  # (method, factor) → value → meaning


@dataclass(frozen=True)
class Result:
    method: str
    inputs: dict[str, Decimal]
    score: Decimal
    level: str
    colour: str
    profile: Profile

    def as_response(self) -> dict[str, Any]:
        return {"score": format_number(self.score), "level": self.level, "colour": self.colour,
                "profile": self.profile.code}


def format_number(value: Decimal) -> int | float:
    """A Decimal as JSON would best show it: 320 (not 320.00), 0.5."""
    return int(value) if value == value.to_integral_value() else float(value)


_TABLES = ReferenceCache(ttl=CACHE_TTL, name="risks.tables")


def _load(_key=None) -> Tables:
    from .models import FactorValue, RiskBand, RiskProfile

    profiles: dict[str, list] = {}
    meta = {}
    for p in RiskProfile.objects.filter(is_active=True).order_by("sort", "code"):
        meta[p.pk] = p
        profiles[p.pk] = []
    for b in RiskBand.objects.filter(profile_id__in=list(meta)).order_by("-lower_bound"):
        profiles[b.profile_id].append(Band(b.level, b.lower_bound, b.lower_inclusive))
    built = {}
    defaults = {}
    for pk, p in meta.items():
        bands = tuple(sorted(profiles[pk], key=lambda band: (band.lower, not band.inclusive), reverse=True))
        if not bands:
            continue
        built[p.code] = Profile(p.code, p.name, p.method, bands)
        if p.is_default:
            defaults[p.method] = p.code
    values: dict[tuple[str, str], dict[Decimal, str]] = {}
    for v in FactorValue.objects.filter(is_active=True).order_by("-value"):
        values.setdefault((v.method, v.factor), {})[v.value] = v.meaning
    return Tables(built, defaults, values)


def tables() -> Tables:
    """The profiles and value tables, from this process's memory (loaded when stale)."""
    return _TABLES.get("tables", _load)


def clear_cache(**signal_kwargs: Any) -> None:
    """Forget the cached profiles and values (here now, in every process after the commit)."""
    _TABLES.clear(**signal_kwargs)


for _model in ("risks.RiskProfile", "risks.RiskBand", "risks.FactorValue"):
    for _signal in (post_save, post_delete):
        _signal.connect(clear_cache, sender=_model, weak=False,
                        dispatch_uid=f"anjian.risks.evaluation.{_model}.{_signal is post_save}")


def allowed_values(method: str, factor: str, t: Tables | None = None) -> dict[Decimal, str]:
    """value → meaning of one input of a method, largest first."""
    return (t or tables()).values.get((method, factor), {})


def _number_list(values) -> str:
    return "、".join(str(format_number(v)) for v in values)


def parse_inputs(method: str, inputs: Mapping[str, Any], t: Tables | None = None) -> dict[str, Decimal]:
    """The method's inputs as Decimals, each checked against its value table; a
    ValidationError names every bad field (e.g. ``{"e": ["E 只能取 10、6、3、2、1、0.5"]}``)."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal] = {}
    for factor in METHOD_FACTORS[method]:
        raw = inputs.get(factor)
        allowed = allowed_values(method, factor, t)
        if raw is None or raw == "":
            errors[factor] = [_("This field is required.")]
            continue
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or value not in allowed:
            errors[factor] = [_("%(factor)s must be one of %(values)s")
                              % {"factor": factor.upper(), "values": _number_list(allowed)}]
            continue
        parsed[factor] = value
    if errors:
        raise ValidationError(errors)
    return parsed


def profile_for(method: str, code: str | None = None, t: Tables | None = None) -> Profile:
    """The named profile (it must be of ``method``), or the method's default."""
    t = t or tables()
    if code:
        profile = t.profiles.get(code)
        if profile is None or profile.method != method:
            raise ValidationError({"profile": [_("Unknown profile for this method: %(code)s") % {"code": code}]})
        return profile
    default = t.defaults.get(method)
    if default is None or default not in t.profiles:
        raise ValidationError({"profile": [_("No default profile is set for this method.")]})
    return t.profiles[default]


def evaluate(method: str, inputs: Mapping[str, Any], profile_code: str | None = None, *,
             fresh: bool = False) -> Result:
    """Score and level of one evaluation. ``method`` is "lec" or "ls"; ``inputs`` has l/e/c or l/s.
    ``fresh`` reads the profiles from the database instead of this process's memory (what a
    stored assessment uses, so it never records a band another process changed meanwhile)."""
    if method not in Method.values:
        raise ValidationError({"method": [_("Choose one of: %(choices)s.") % {"choices": "lec, ls"}]})
    t = _load() if fresh else tables()
    values = parse_inputs(method, inputs, t)
    profile = profile_for(method, profile_code, t)
    score = Decimal(1)
    for factor in METHOD_FACTORS[method]:
        score *= values[factor]
    level = profile.level_of(score)
    return Result(method, values, score, level, LEVEL_COLOUR[level], profile)
