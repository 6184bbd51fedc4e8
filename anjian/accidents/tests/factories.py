"""Test helpers of the accidents app: accident types by date and accidents reported through the
service (so they are numbered, graded and scoped as real ones)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from anjian.accidents import services
from anjian.standards.models import AccidentType
from anjian.standards.selectors import accident_types_for


def accident_type_on(day: datetime.date, name: str | None = None) -> AccidentType:
    """A type of the list in force on ``day`` (the first one, or the one called ``name``)."""
    types = accident_types_for(day)
    return types.get(name=name) if name else types.first()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def make_accident(actor, *, enterprise=None, region=None, occurred_at: datetime.datetime | None = None,
                  deaths: int = 0, serious_injuries: int = 0, direct_loss_yuan: Decimal | int = 0, **data):
    """Report an accident as ``actor`` through services.report_accident."""
    occurred_at = occurred_at or timezone.now() - datetime.timedelta(days=2)
    data.setdefault("accident_type", accident_type_on(timezone.localdate(occurred_at)))
    data.setdefault("address", "测试路1号")
    data.setdefault("summary", "测试事故")
    return services.report_accident(actor=actor, data={
        "enterprise": enterprise, "region": region or (enterprise.region if enterprise else None),
        "occurred_at": occurred_at, "deaths": deaths, "serious_injuries": serious_injuries,
        "direct_loss_yuan": Decimal(direct_loss_yuan), **data})
