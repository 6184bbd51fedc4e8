"""Online monitoring's indicators (core.indicators): how many major hazard sources and sensors
report, how many limit alarms open and how many of those are acknowledged and disposed of.

"Reported in the period" reads the hourly rollups (``Rollup``, kept after the raw readings are
dropped by retention), so a past month is judged by what arrived in that month, not by a sensor's
latest reading. Every figure is one grouped query per table for all subjects (``Context.by_subject``)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import (
    HIGHER,
    LOWER,
    Column,
    Context,
    Drill,
    DrillPart,
    Indicator,
    Unit,
    count,
    missing_and_counted,
    rate,
    register,
)
from anjian.majorhazards.choices import SourceState
from anjian.majorhazards.models import MajorHazardSource

from .choices import AlarmKind, AlarmState, Grain
from .models import Alarm, Rollup, Sensor

GROUP = "monitoring"
ORDER = 600

BASIS = gettext_lazy("《危险化学品重大危险源监督管理暂行规定》 (原国家安全监管总局令第40号) Art. 13 (monitoring and "
                     "alarm systems of a major hazard source) and the seeds' “重大危险源在线监测接入率” target; the "
                     "formula is ours — unconfirmed.")


def _reported(ctx: Context, sensor_field: str) -> Q:
    """An hourly rollup of the record's sensor(s) in the period: it reported then."""
    start, end = ctx.period.bounds()
    return Q(Exists(Rollup.objects.filter(**{sensor_field: OuterRef("pk")}, grain=Grain.HOUR,
                                          start__gte=start, start__lt=end)))


# --- connection of major hazard sources -------------------------------------------------------------

def _sources(ctx: Context):
    """Major hazard sources (S ≥ 1) in operation: what must be connected."""
    return ctx.scoped(MajorHazardSource).filter(is_major=True, state=SourceState.IN_OPERATION)


def _connection(ctx: Context):
    return ctx.memo("monitoring.sources", lambda: ctx.by_subject(
        _sources(ctx), sources=Count("pk"), reported=Count("pk", filter=_reported(ctx, "sensor__source"))))


def _reporting_records(rows, sensor_field: str):
    """The drill-down of a reporting rate: the ``rows`` that reported in the period ("counted") or
    did not ("missing")."""
    def records(ctx: Context, part: str):
        reported = _reported(ctx, sensor_field)
        return rows(ctx).filter(reported) if part == "counted" else rows(ctx).exclude(reported)
    return records


SOURCE_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("name", pgettext_lazy("major hazard", "Name")),
    Column("grade", pgettext_lazy("major hazard", "Grade")),
)

register(Indicator(
    code="monitoring_connection_rate", name=gettext_lazy("Online monitoring connection rate of major hazard sources"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Major hazard sources in operation with at least one sensor reading in the period ÷ all "
                             "major hazard sources in operation."),
    basis=BASIS, numerator_label=gettext_lazy("reporting"), denominator_label=gettext_lazy("sources"),
    evaluate=lambda ctx: {k: rate(c["reported"], c["sources"],
                                  empty_note=str(gettext_lazy("No major hazard source is in operation.")))
                          for k, c in _connection(ctx).items()},
    drill=Drill("majorhazards.MajorHazardSource",
                missing_and_counted(gettext_lazy("Not reporting"), gettext_lazy("Reporting")),
                _reporting_records(_sources, "sensor__source"), SOURCE_COLUMNS, url_name="majorhazards:detail"),
))


# --- sensors online ---------------------------------------------------------------------------------

def _sensors(ctx: Context):
    """The sensors registered before the period ended (voided ones are not counted)."""
    return ctx.scoped(Sensor).filter(created_at__lt=ctx.period.bounds()[1])


def _online(ctx: Context):
    return ctx.memo("monitoring.sensors", lambda: ctx.by_subject(
        _sensors(ctx), sensors=Count("pk"), reported=Count("pk", filter=_reported(ctx, "sensor"))))


SENSOR_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("source__name", gettext_lazy("Major hazard source")),
    Column("code", gettext_lazy("Code")),
    Column("name", pgettext_lazy("sensor", "Name")),
)

register(Indicator(
    code="monitoring_online_rate", name=gettext_lazy("Sensor online rate"), unit=Unit.PERCENT, direction=HIGHER,
    group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Sensors with at least one reading in the period ÷ sensors registered before the period "
                             "ended (voided sensors are not counted)."),
    basis=BASIS, numerator_label=gettext_lazy("reporting"), denominator_label=gettext_lazy("sensors"),
    evaluate=lambda ctx: {k: rate(c["reported"], c["sensors"],
                                  empty_note=str(gettext_lazy("No sensor is registered.")))
                          for k, c in _online(ctx).items()},
    drill=Drill("monitoring.Sensor", missing_and_counted(gettext_lazy("Silent"), gettext_lazy("Reporting")),
                _reporting_records(_sensors, "sensor"), SENSOR_COLUMNS),
))


# --- limit alarms -----------------------------------------------------------------------------------

def _limit_alarms(ctx: Context):
    return ctx.scoped(Alarm).filter(ctx.period.q("opened_at"), kind=AlarmKind.LIMIT)


def _alarm_counts(ctx: Context):
    return ctx.memo("monitoring.alarms", lambda: ctx.by_subject(
        _limit_alarms(ctx), opened=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        disposed=Count("pk", filter=Q(disposed_at__isnull=False))))


ALARM_COLUMNS = (
    Column("number", pgettext_lazy("alarm", "Number")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("source__name", gettext_lazy("Major hazard source")),
    Column("opened_at", gettext_lazy("Opened at"), kind="datetime"),
    Column("state", gettext_lazy("State"), choices=AlarmState.choices),
)


def _alarm_records(field: str):
    def records(ctx: Context, part: str):
        qs = _limit_alarms(ctx)
        if part == "opened":
            return qs
        done = qs.filter(**{f"{field}__isnull": False})
        return done if part == "counted" else qs.filter(**{f"{field}__isnull": True})
    return records


NO_ALARMS = gettext_lazy("No limit alarm opened in this period.")

register(Indicator(
    code="monitoring_limit_alarms", name=gettext_lazy("Limit alarms"), unit=Unit.COUNT, direction=LOWER,
    group=GROUP, order=ORDER + 3,
    computation=gettext_lazy("Alarms opened in the period because a sensor breached a limit for its minimum "
                             "duration (silent sensors and disconnections are not counted)."),
    basis=BASIS,
    evaluate=lambda ctx: {k: count(c["opened"]) for k, c in _alarm_counts(ctx).items()},
    drill=Drill("monitoring.Alarm", (DrillPart("opened", gettext_lazy("Opened"), "numerator"),),
                _alarm_records("opened_at"), ALARM_COLUMNS, url_name="monitoring:alarm"),
))

register(Indicator(
    code="monitoring_acknowledgement_rate", name=gettext_lazy("Alarm acknowledgement rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 4,
    computation=gettext_lazy("Limit alarms opened in the period that were acknowledged ÷ limit alarms opened in the "
                             "period."),
    basis=BASIS, numerator_label=gettext_lazy("acknowledged"), denominator_label=gettext_lazy("opened"),
    evaluate=lambda ctx: {k: rate(c["acknowledged"], c["opened"], empty_note=str(NO_ALARMS))
                          for k, c in _alarm_counts(ctx).items()},
    drill=Drill("monitoring.Alarm", missing_and_counted(gettext_lazy("Not acknowledged"),
                                                        gettext_lazy("Acknowledged")),
                _alarm_records("acknowledged_at"), ALARM_COLUMNS, url_name="monitoring:alarm"),
))

register(Indicator(
    code="monitoring_disposal_rate", name=gettext_lazy("Alarm disposal rate"), unit=Unit.PERCENT, direction=HIGHER,
    group=GROUP, order=ORDER + 5,
    computation=gettext_lazy("Limit alarms opened in the period whose disposal was recorded ÷ limit alarms opened in "
                             "the period."),
    basis=BASIS, numerator_label=gettext_lazy("disposed"), denominator_label=gettext_lazy("opened"),
    evaluate=lambda ctx: {k: rate(c["disposed"], c["opened"], empty_note=str(NO_ALARMS))
                          for k, c in _alarm_counts(ctx).items()},
    drill=Drill("monitoring.Alarm", missing_and_counted(gettext_lazy("Not disposed"), gettext_lazy("Disposed")),
                _alarm_records("disposed_at"), ALARM_COLUMNS, url_name="monitoring:alarm"),
))
