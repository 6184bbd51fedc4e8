"""Online monitoring of major hazard sources (重大危险源在线监测预警).

- reference data: ``SensorRequirement`` (which sensor kinds a source of each facility type must
  have, with the source of the rule) and ``MonitoringParameter`` (escalation times, offline
  periods, time window of accepted readings), both edited by administrators;
- the registry: ``MonitoredSource`` (a major hazard source's connection: facility type, state,
  last reading) and its ``Sensor``s, with their range, tag and alarm limits;
- the data: ``Reading`` (one value of one sensor at one time: the primary key is (sensor, ts),
  so a reading is stored once however often it is delivered; on PostgreSQL the table is
  partitioned by month, see ``partitions.py``) and ``Rollup`` (per minute and per hour, for charts);
- ``Alarm`` (a limit breach, a silent sensor, a disconnected source) with its state machine
  (``choices.ALARM_MACHINE``), and ``BadInputCount`` (refused readings per enterprise, day, reason).

Every scoped table copies its source's region path, industry, grid and enterprise (as a source
copies its enterprise's), so jurisdiction filters stay on the table's own indexes; readings and
rollups scope through their sensor.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import VersionedModel, VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import (
    AlarmKind,
    AlarmState,
    BadInputReason,
    Channel,
    ConnectionState,
    ControlSystem,
    FacilityType,
    Grain,
    Limit,
    SensorKind,
)

#: A sensor's code is the last level of its MQTT topic: letters, digits, dot, dash, underscore, not
#: starting with an underscore (``_batch`` is the batch topic).
CODE_VALIDATOR = RegexValidator(r"^[A-Za-z0-9.\-][A-Za-z0-9._\-]{0,39}$",
                                _("Letters, digits, “.”, “-” and “_” only (not first), at most 40."))


class _CopiedScope(models.Model):
    """The scope columns copied from the source's enterprise (set by the services)."""

    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, editable=False,
                                   verbose_name=pgettext_lazy("monitoring", "enterprise"))
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", db_index=False,
                                 editable=False, verbose_name=pgettext_lazy("monitoring", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=pgettext_lazy("monitoring", "grid"))

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "enterprise"

    class Meta:
        abstract = True


# --- reference data ---------------------------------------------------------------------------

class SensorRequirement(models.Model):
    """A sensor kind a major hazard source of ``facility_type`` must have, with where the rule
    comes from; ``confirmed`` is False where the mapping to the facility type is our reading."""

    facility_type = models.CharField(_("facility type"), max_length=16, choices=FacilityType.choices)
    kind = models.CharField(pgettext_lazy("sensor", "kind"), max_length=16, choices=SensorKind.choices)
    source_document = models.CharField(_("source document"), max_length=200)
    article = models.CharField(pgettext_lazy("monitoring", "article"), max_length=60, blank=True)
    confirmed = models.BooleanField(pgettext_lazy("monitoring", "confirmed"), default=False)
    note = models.CharField(pgettext_lazy("monitoring", "note"), max_length=300, blank=True)
    is_active = models.BooleanField(pgettext_lazy("monitoring", "active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required sensor kind")
        verbose_name_plural = _("required sensor kinds")
        ordering = ["facility_type", "kind"]
        constraints = [models.UniqueConstraint(fields=["facility_type", "kind"], name="mon_req_type_kind_uniq")]

    def __str__(self) -> str:
        return f"{self.get_facility_type_display()}: {self.get_kind_display()}"


class MonitoringParameter(models.Model):
    """A number the alarm machine and the ingest use (minutes before escalation, offline periods,
    accepted clock skew…), with its source; unconfirmed where no rule fixes it."""

    code = models.CharField(pgettext_lazy("monitoring", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("monitoring", "name"), max_length=100)
    value = models.DecimalField(pgettext_lazy("monitoring", "value"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(pgettext_lazy("monitoring", "unit"), max_length=20, blank=True)
    source_document = models.CharField(_("source document"), max_length=200, blank=True)
    confirmed = models.BooleanField(pgettext_lazy("monitoring", "confirmed"), default=False)
    note = models.CharField(pgettext_lazy("monitoring", "note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring parameter")
        verbose_name_plural = _("monitoring parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} = {self.value} {self.unit}"


# --- the registry -----------------------------------------------------------------------------

class MonitoredSource(_CopiedScope, VersionedModel):
    """A major hazard source's online connection (接入): its facility type (which sensor kinds it
    must have), its connection state (``choices.CONNECTION_MACHINE``) and its last reading.
    Made by the first sensor registered on the source."""

    source = models.OneToOneField("majorhazards.MajorHazardSource", on_delete=models.PROTECT,
                                  related_name="monitoring", verbose_name=_("major hazard source"))
    facility_type = models.CharField(_("facility type"), max_length=16, choices=FacilityType.choices)
    connection = models.CharField(_("connection"), max_length=16, choices=ConnectionState.choices,
                                  default=ConnectionState.NOT_CONNECTED, editable=False)
    last_reading_at = models.DateTimeField(_("last reading at"), null=True, blank=True, editable=False)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "last_reading_at", "version"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitored source")
        verbose_name_plural = _("monitored sources")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_path", "id"], name="mon_src_path_idx"),
            models.Index(fields=["connection", "region_path"], name="mon_src_conn_path_idx"),
            models.Index(fields=["enterprise", "id"], name="mon_src_ent_idx"),
            models.Index(fields=["industry", "region_path"], name="mon_src_industry_idx"),
            models.Index(fields=["grid", "id"], name="mon_src_grid_idx"),
        ]

    def __str__(self) -> str:
        return str(self.source)


class Sensor(_CopiedScope, VoidableModel, VersionedModel):
    """One measuring point of a major hazard source (optionally at one of its risk points): its
    kind and unit, range, the tag of the enterprise's DCS/SIS/GDS, its reporting period, and its
    alarm limits with hysteresis and minimum duration. ``breach_*`` and ``last_*`` are kept by
    the ingest (the alarm machine's memory and the live value)."""

    monitored = models.ForeignKey(MonitoredSource, on_delete=models.PROTECT, related_name="sensors",
                                  verbose_name=_("monitored source"))
    source = models.ForeignKey("majorhazards.MajorHazardSource", on_delete=models.PROTECT, related_name="+",
                               db_index=False, editable=False, verbose_name=_("major hazard source"))
    risk_point = models.ForeignKey("risks.RiskPoint", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=pgettext_lazy("monitoring", "risk point"))
    code = models.CharField(pgettext_lazy("sensor", "code"), max_length=40, validators=[CODE_VALIDATOR],
                            help_text=_("Unique within the enterprise; the last level of the MQTT topic."))
    name = models.CharField(pgettext_lazy("sensor", "name"), max_length=100)
    kind = models.CharField(pgettext_lazy("sensor", "kind"), max_length=16, choices=SensorKind.choices)
    unit = models.CharField(pgettext_lazy("sensor", "unit"), max_length=12)
    range_min = models.FloatField(_("range from"))
    range_max = models.FloatField(_("range to"))
    system = models.CharField(_("control system"), max_length=8, choices=ControlSystem.choices,
                              default=ControlSystem.DCS)
    tag = models.CharField(_("tag"), max_length=60, blank=True, help_text=_("The tag the DCS/SIS/GDS uses."))
    period_seconds = models.PositiveIntegerField(
        _("reporting period (s)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(86_400)])
    high_high = models.FloatField(_("high-high limit"), null=True, blank=True)
    high = models.FloatField(_("high limit"), null=True, blank=True)
    low = models.FloatField(_("low limit"), null=True, blank=True)
    low_low = models.FloatField(_("low-low limit"), null=True, blank=True)
    hysteresis = models.FloatField(_("hysteresis"), default=0, validators=[MinValueValidator(0)],
                                   help_text=_("An alarm closes only once the value is this far back inside its limit."))
    min_duration_seconds = models.PositiveIntegerField(
        _("minimum duration (s)"), default=0, validators=[MaxValueValidator(86_400)],
        help_text=_("A limit must be breached this long before an alarm opens."))
    # Kept by the ingest: the live value and the alarm machine's memory.
    last_value = models.FloatField(_("last value"), null=True, blank=True, editable=False)
    last_reading_at = models.DateTimeField(_("last reading at"), null=True, blank=True, editable=False)
    breach_limit = models.CharField(_("limit being breached"), max_length=12, choices=Limit.choices, blank=True,
                                    editable=False)
    breach_since = models.DateTimeField(_("breached since"), null=True, blank=True, editable=False)
    is_offline = models.BooleanField(_("offline"), default=False, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "last_value", "last_reading_at", "breach_limit",
                                                 "breach_since", "is_offline", "version"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        ordering = ["monitored", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], condition=models.Q(is_voided=False),
                                    name="mon_sensor_ent_code_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="mon_sensor_path_idx"),
            models.Index(fields=["monitored", "is_voided", "kind"], name="mon_sensor_src_idx"),
            models.Index(fields=["kind", "region_path"], name="mon_sensor_kind_idx"),
            models.Index(fields=["is_offline", "region_path"], name="mon_sensor_offline_idx"),
            # The sweep: sensors whose last reading is older than their offline window.
            models.Index(fields=["is_voided", "is_offline", "last_reading_at"], name="mon_sensor_silent_idx"),
            models.Index(fields=["source", "id"], name="mon_sensor_source_idx"),
            models.Index(fields=["enterprise", "code"], name="mon_sensor_ent_code_idx"),
            models.Index(fields=["industry", "region_path"], name="mon_sensor_industry_idx"),
            models.Index(fields=["grid", "id"], name="mon_sensor_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .choices import KIND_UNITS

        errors: dict[str, str] = {}
        units = KIND_UNITS.get(self.kind, ())
        if self.kind and self.unit not in units:
            errors["unit"] = _("A sensor of this kind reports in: %(units)s.") % {"units": "、".join(units)}
        if self.range_min is not None and self.range_max is not None and self.range_min >= self.range_max:
            errors["range_max"] = _("The range must end above where it starts.")
        order = [(f, getattr(self, f)) for f in ("low_low", "low", "high", "high_high")]
        set_limits = [(f, v) for f, v in order if v is not None]
        for (f1, v1), (f2, v2) in zip(set_limits, set_limits[1:], strict=False):
            if v1 > v2 or (v1 == v2 and not (f1 == "low_low" and f2 == "low") and not (f1 == "high" and f2 == "high_high")):
                errors.setdefault(f2, _("The limits must rise from low-low to high-high."))
        if self.range_min is not None and self.range_max is not None:
            for f, v in set_limits:
                if not self.range_min <= v <= self.range_max:
                    errors.setdefault(f, _("A limit must lie within the sensor's range."))
        if errors:
            raise ValidationError(errors)

    def limits(self) -> dict[str, float]:
        """The limits set, by ``choices.Limit`` value."""
        values = {Limit.HIGH_HIGH: self.high_high, Limit.HIGH: self.high, Limit.LOW: self.low,
                  Limit.LOW_LOW: self.low_low}
        return {k: v for k, v in values.items() if v is not None}


class Reading(models.Model):
    """One value of one sensor at one moment. The primary key is (sensor, ts): a reading delivered
    twice is stored once. On PostgreSQL the table is partitioned by month on ``ts`` (partitions.py)."""

    pk = models.CompositePrimaryKey("sensor_id", "ts")
    sensor = models.ForeignKey(Sensor, on_delete=models.PROTECT, related_name="+", db_index=False,
                               verbose_name=_("sensor"))
    ts = models.DateTimeField(pgettext_lazy("reading", "time"))
    value = models.FloatField(pgettext_lazy("reading", "value"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "sensor__region_path"
        industry = "sensor__industry"
        grid = "sensor__grid"
        enterprise = "sensor__enterprise"

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["sensor", "-ts"]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.ts.isoformat()}={self.value}"


class Rollup(models.Model):
    """A sensor's readings in one minute or one hour: count, minimum, maximum, sum (the mean is
    sum ÷ count) and the last value. Kept by the ingest as readings are stored."""

    pk = models.CompositePrimaryKey("sensor_id", "grain", "start")
    sensor = models.ForeignKey(Sensor, on_delete=models.PROTECT, related_name="+", db_index=False,
                               verbose_name=_("sensor"))
    grain = models.CharField(pgettext_lazy("rollup", "grain"), max_length=8, choices=Grain.choices)
    start = models.DateTimeField(pgettext_lazy("rollup", "start"))
    n = models.PositiveIntegerField(pgettext_lazy("rollup", "count"))
    vmin = models.FloatField(pgettext_lazy("rollup", "minimum"))
    vmax = models.FloatField(pgettext_lazy("rollup", "maximum"))
    vsum = models.FloatField(pgettext_lazy("rollup", "sum"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "sensor__region_path"
        industry = "sensor__industry"
        grid = "sensor__grid"
        enterprise = "sensor__enterprise"

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")
        ordering = ["sensor", "grain", "start"]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.grain} {self.start.isoformat()}"


class Alarm(_CopiedScope, VersionedModel):
    """An alarm (报警) of a sensor or a source: a limit breached for the minimum duration, a silent
    sensor, or a source whose sensors are all silent. Its state follows ``choices.ALARM_MACHINE``;
    at most one alarm of a kind is not closed per sensor (per source for a disconnection)."""

    number = models.CharField(pgettext_lazy("alarm", "number"), max_length=32, unique=True, editable=False)
    kind = models.CharField(pgettext_lazy("alarm", "kind"), max_length=16, choices=AlarmKind.choices)
    monitored = models.ForeignKey(MonitoredSource, on_delete=models.PROTECT, related_name="alarms",
                                  verbose_name=_("monitored source"))
    source = models.ForeignKey("majorhazards.MajorHazardSource", on_delete=models.PROTECT, related_name="+",
                               db_index=False, verbose_name=_("major hazard source"))
    sensor = models.ForeignKey(Sensor, null=True, blank=True, on_delete=models.PROTECT, related_name="alarms",
                               db_index=False, verbose_name=_("sensor"))
    limit = models.CharField(pgettext_lazy("alarm", "limit"), max_length=12, choices=Limit.choices, blank=True)
    threshold = models.FloatField(pgettext_lazy("alarm", "threshold"), null=True, blank=True)
    state = models.CharField(pgettext_lazy("alarm", "state"), max_length=24, choices=AlarmState.choices,
                             default=AlarmState.OPEN, editable=False)
    breach_started_at = models.DateTimeField(_("condition since"))
    opened_at = models.DateTimeField(_("opened at"))
    first_value = models.FloatField(_("value when opened"), null=True, blank=True)
    peak_value = models.FloatField(_("worst value"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cause gone at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", editable=False, verbose_name=_("acknowledged by"))
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True, editable=False)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("disposed by"))
    disposal = models.TextField(_("disposal"), blank=True, editable=False)
    closed_at = models.DateTimeField(pgettext_lazy("alarm", "closed at"), null=True, blank=True, editable=False)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               editable=False, verbose_name=_("hazard entered"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["sensor", "kind"], condition=~models.Q(state="closed")
                                    & models.Q(sensor__isnull=False), name="mon_alarm_one_open_per_sensor"),
            models.UniqueConstraint(fields=["monitored", "kind"], condition=~models.Q(state="closed")
                                    & models.Q(kind="disconnected"), name="mon_alarm_one_open_disconnect"),
        ]
        indexes = [
            models.Index(fields=["region_path", "id"], name="mon_alarm_path_idx"),
            models.Index(fields=["state", "region_path"], name="mon_alarm_state_path_idx"),
            models.Index(fields=["kind", "region_path"], name="mon_alarm_kind_path_idx"),
            models.Index(fields=["monitored", "-id"], name="mon_alarm_src_idx"),
            models.Index(fields=["sensor", "-id"], name="mon_alarm_sensor_idx"),
            models.Index(fields=["enterprise", "state"], name="mon_alarm_ent_state_idx"),
            # The sweep's escalation: unacknowledged alarms by the time they opened.
            models.Index(fields=["state", "opened_at"], name="mon_alarm_state_opened_idx"),
            models.Index(fields=["opened_at", "region_path"], name="mon_alarm_opened_path_idx"),
            models.Index(fields=["industry", "region_path"], name="mon_alarm_industry_idx"),
            models.Index(fields=["grid", "id"], name="mon_alarm_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class BadInputCount(models.Model):
    """How many readings of an enterprise were refused on a day, per reason and channel, with the
    last example (what was sent and why it was refused)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("monitoring", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", db_index=False,
                                 editable=False, verbose_name=pgettext_lazy("monitoring", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=pgettext_lazy("monitoring", "grid"))
    day = models.DateField(pgettext_lazy("monitoring", "day"))
    reason = models.CharField(pgettext_lazy("monitoring", "reason"), max_length=16, choices=BadInputReason.choices)
    channel = models.CharField(pgettext_lazy("monitoring", "channel"), max_length=8, choices=Channel.choices)
    count = models.PositiveIntegerField(pgettext_lazy("monitoring", "count"), default=0)
    last_example = models.CharField(_("last example"), max_length=300, blank=True)
    last_at = models.DateTimeField(_("last at"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("refused readings")
        verbose_name_plural = _("refused readings")
        ordering = ["-day", "enterprise", "reason"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day", "reason", "channel"],
                                               name="mon_bad_ent_day_reason_uniq")]
        indexes = [
            models.Index(fields=["region_path", "day"], name="mon_bad_path_day_idx"),
            models.Index(fields=["industry", "region_path"], name="mon_bad_industry_idx"),
            models.Index(fields=["grid", "day"], name="mon_bad_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day} {self.reason}: {self.count}"
