"""Pages of online monitoring: the wall of sources (regulators; an enterprise sees its own), a
source's page with its sensors, live values and trend charts (polled JSON, no reload), the sensor
forms and the sensor list's import and export, the alarms and their steps, and the refused
readings. Reads go through ``core.pages``; writes through ``services``."""

from __future__ import annotations

import datetime
import socket
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label
from anjian.core.forms import add_service_errors
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError, events_for
from anjian.core.views_imports import import_upload_page
from anjian.majorhazards.models import MajorHazardSource

from . import services
from .choices import ALARM_MACHINE, AlarmState
from .forms import AlarmStepForm, FacilityTypeForm, SensorForm, WallFilter
from .imports import COLUMNS, export_sensors, template
from .models import Alarm, BadInputCount, MonitoredSource, Sensor
from .policy import policy
from .selectors import SPANS, alarm_counts, live_values, source_sensors, trend
from .selectors import wall as wall_rows

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_broker_seen: tuple[float, bool] = (0.0, False)


def broker_reachable() -> bool:
    """Whether the MQTT broker answers on its port (checked at most every 10 s per process): the
    pages say plainly when live data cannot arrive."""
    global _broker_seen
    at, ok = _broker_seen
    if time.monotonic() - at < 10:
        return ok
    try:
        with socket.create_connection((settings.ANJIAN_MQTT_HOST, settings.ANJIAN_MQTT_PORT), timeout=0.2):
            ok = True
    except OSError:
        ok = False
    _broker_seen = (time.monotonic(), ok)
    return ok


def _crumbs(*extra):
    return [(_("Online monitoring"), reverse("monitoring:wall")), *extra]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ConflictError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or _("You may not take this step on this record.")


# --- the wall --------------------------------------------------------------------------------------

@login_required
@require_GET
def wall(request):
    """在线监测一张图: the monitored sources in scope with their connection, sensors and alarms."""
    form = WallFilter(request.GET or None)
    qs = wall_rows(request.user)
    if form.is_valid() and form.cleaned_data["connection"]:
        qs = qs.filter(connection=form.cleaned_data["connection"])
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    counts = alarm_counts(request.user, [r.pk for r in rows])
    for r in rows:
        c = counts.get(r.pk, {})
        r.open_alarms, r.unack_alarms = c.get("open", 0), c.get("unack", 0)
        r.sensors_online = r.sensors_total - r.sensors_offline
    all_sources = scoped_list(request, MonitoredSource)
    totals = all_sources.aggregate(**{s: Count("pk", filter=Q(connection=s))
                                      for s in ("connected", "disconnected", "not_connected")})
    unmonitored = (scoped_list(request, MajorHazardSource).filter(is_major=True, monitoring__isnull=True)
                   .select_related("enterprise").order_by("-id")[:10])
    return render(request, "monitoring/wall.html", {
        "form": form, "page_obj": page_obj, "rows": rows, "totals": totals, "unmonitored": unmonitored,
        "broker_ok": broker_reachable(), "crumbs": _crumbs(),
    })


# --- a source ------------------------------------------------------------------------------------

def _source(request, pk: int) -> MajorHazardSource:
    return scoped_object_or_404(request, MajorHazardSource.objects.select_related("enterprise"), pk=pk)


@login_required
@require_GET
def source_page(request, pk: int):
    """A source's monitoring: its sensors with live values, required kinds, alarms and charts."""
    source = _source(request, pk)
    monitored = scoped_list(request, MonitoredSource, source=source).first()
    sensors = list(source_sensors(request.user, monitored)) if monitored else []
    missing = services.missing_kinds(monitored) if monitored else []
    alarms = list(scoped_list(request, Alarm).filter(source=source).select_related("sensor").order_by("-id")[:20])
    can_manage = policy.can(request.user, "register_sensor", source)
    return render(request, "monitoring/source.html", {
        "source": source, "monitored": monitored, "sensors": sensors, "missing": missing, "alarms": alarms,
        "can_manage": can_manage, "facility_form": FacilityTypeForm(initial={
            "facility_type": monitored.facility_type if monitored else services.DEFAULT_FACILITY.get(source.unit_kind),
            "version": monitored.version if monitored else None}),
        "broker_ok": broker_reachable(), "spans": list(SPANS),
        "crumbs": _crumbs((f"{source.number} {source.name}", None)),
    })


@login_required
@require_GET
def source_live(request, pk: int):
    """What the source page polls every few seconds (JSON)."""
    source = _source(request, pk)
    monitored = scoped_list(request, MonitoredSource, source=source).first()
    if monitored is None:
        return JsonResponse({"connection": "", "sensors": [], "now": timezone.now().isoformat()})
    return JsonResponse(live_values(request.user, monitored))


@login_required
@require_http_methods(["GET", "POST"])
def sensor_create(request, pk: int):
    source = _source(request, pk)
    if not policy.can(request.user, "register_sensor", source):
        raise PermissionDenied
    form = SensorForm(request.POST or None, user=request.user, enterprise_id=source.enterprise_id)
    if request.method == "POST" and form.is_valid():
        try:
            sensor = services.create_sensor(actor=request.user, source=source, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sensor %(code)s registered.") % {"code": sensor.code})
            return redirect("monitoring:source", pk=source.pk)
    return render(request, "monitoring/sensor_form.html", {
        "form": form, "source": source, "status": 400 if form.errors else 200,
        "crumbs": _crumbs((source.number, reverse("monitoring:source", args=[source.pk])), (_("New sensor"), None)),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sensor_edit(request, pk: int):
    sensor = scoped_object_or_404(request, Sensor.objects.select_related("source"), pk=pk)
    if not policy.can(request.user, "update_sensor", sensor):
        raise PermissionDenied
    form = SensorForm(request.POST or None, instance=None if request.POST else sensor,
                      initial={"version": sensor.version}, user=request.user, enterprise_id=sensor.enterprise_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_sensor(sensor, actor=request.user, data=form.service_data(),
                                   version=form.cleaned_data.get("version"))
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("monitoring:source", pk=sensor.source_id)
    return render(request, "monitoring/sensor_form.html", {
        "form": form, "source": sensor.source, "sensor": sensor,
        "crumbs": _crumbs((sensor.source.number, reverse("monitoring:source", args=[sensor.source_id])),
                          (sensor.code, None)),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def sensor_void(request, pk: int):
    sensor = scoped_object_or_404(request, Sensor, pk=pk)
    if not policy.can(request.user, "void", sensor):
        raise PermissionDenied
    try:
        services.void_sensor(sensor, actor=request.user, reason=request.POST.get("reason", ""),
                             version=request.POST.get("version") or None)
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Voided."))
    return redirect("monitoring:source", pk=sensor.source_id)


@login_required
@require_POST
def facility_type(request, pk: int):
    source = _source(request, pk)
    if not policy.can(request.user, "set_facility_type", source):
        raise PermissionDenied
    form = FacilityTypeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a facility type."))
        monitored = services.monitored_source(source, actor=request.user)
        services.set_facility_type(monitored, actor=request.user, facility_type=form.cleaned_data["facility_type"],
                                   version=form.cleaned_data.get("version"))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("monitoring:source", pk=source.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sensor_import(request, pk: int):
    source = _source(request, pk)
    if not policy.can(request.user, "import_sensors", source):
        raise PermissionDenied
    response = import_upload_page(request, template="monitoring/import.html", columns=COLUMNS,
                                  run_import=lambda f, name, actor: services.import_sensors(
                                      f, name, actor=actor, source=source))
    return response


@login_required
@require_GET
def sensor_export(request, pk: int):
    source = _source(request, pk)
    sensors = scoped_list(request, Sensor).filter(source=source).order_by("kind", "code")
    response = HttpResponse(export_sensors(sensors), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="sensors-{source.number}.xlsx"'
    return response


@login_required
@require_GET
def import_template(request):
    response = HttpResponse(template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="sensors-template.xlsx"'
    return response


@login_required
@require_GET
def sensor_trend(request, pk: int):
    sensor = scoped_object_or_404(request, Sensor, pk=pk)
    span = request.GET.get("span", "1h")
    if span not in SPANS:
        return JsonResponse({"span": [_("Choose one of: %(spans)s.") % {"spans": ", ".join(SPANS)}]}, status=400)
    return JsonResponse(trend(request.user, sensor, span))


# --- alarms --------------------------------------------------------------------------------------

@login_required
@require_GET
def alarm_list(request):
    state = request.GET.get("state", "active")
    qs = scoped_list(request, Alarm).select_related("sensor", "source", "enterprise")
    if state == "active":
        qs = qs.exclude(state=AlarmState.CLOSED)
    elif state in AlarmState.values:
        qs = qs.filter(state=state)
    page_obj = Paginator(qs.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/alarms.html", {
        "page_obj": page_obj, "rows": list(page_obj.object_list), "state": state,
        "states": [("active", _("Not closed")), *AlarmState.choices, ("all", _("All"))],
        "crumbs": _crumbs((_("Alarms"), None)),
    })


@login_required
@require_GET
def alarm_detail(request, pk: int):
    alarm = scoped_object_or_404(request, Alarm.objects.select_related("sensor", "source", "enterprise", "hazard"),
                                 pk=pk)
    steps = services.available_actions(request.user, alarm)
    timeline = [{"label": event_label(e.action), "at": e.at, "actor": e.actor, "comment": e.comment}
                for e in events_for(alarm)[:100]]
    return render(request, "monitoring/alarm.html", {
        "alarm": alarm, "steps": steps, "timeline": timeline,
        "form": AlarmStepForm(initial={"version": alarm.version,
                                       "deadline": timezone.localdate() + datetime.timedelta(days=7)}),
        "can_raise": "raise_hazard" in steps and request.user.has_perm("hazards.add_hazard"),
        "labels": {s.action: s.label for s in ALARM_MACHINE.steps},
        "crumbs": _crumbs((_("Alarms"), reverse("monitoring:alarms")), (alarm.number, None)),
    })


@login_required
@require_POST
def alarm_act(request, pk: int):
    alarm = scoped_object_or_404(request, Alarm, pk=pk)
    if not policy.can(request.user, "respond", alarm):
        raise PermissionDenied
    form = AlarmStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect("monitoring:alarm", pk=pk)
    data = form.cleaned_data
    try:
        if data["action"] == "acknowledge":
            services.acknowledge(alarm, actor=request.user, comment=data["comment"], version=data["version"])
        elif data["action"] == "dispose":
            services.dispose(alarm, actor=request.user, comment=data["comment"], version=data["version"])
        else:
            if data["deadline"] is None:
                raise ValidationError({"deadline": _("Set the rectification deadline.")})
            services.raise_hazard(alarm, actor=request.user, deadline=data["deadline"],
                                  description=data["comment"], version=data["version"])
    except (ValidationError, ConflictError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("monitoring:alarm", pk=pk)


# --- refused readings --------------------------------------------------------------------------------

@login_required
@require_GET
def bad_input(request):
    qs = scoped_list(request, BadInputCount).select_related("enterprise").order_by("-day", "-count")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/bad_input.html", {
        "page_obj": page_obj, "rows": list(page_obj.object_list),
        "crumbs": _crumbs((_("Refused readings"), None)),
    })



