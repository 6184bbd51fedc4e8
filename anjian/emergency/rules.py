"""Warning rules of the emergency app (imported at start-up by ``AlertsConfig.ready``). The
numbers are read from the reference rows at every scan (``EmergencyParameter``, with their
sources), the cut-offs computed by ``selectors``:

- ``emergency_plan_filing_overdue``: a published (or returned) plan not filed within the filing
  period (20 working days, 令第2号 第二十六条) — to the enterprise and the regulators;
- ``emergency_plan_review_overdue``: a submitted filing not checked by the regulator within its
  period (5 working days) — to the regulators;
- ``emergency_plan_evaluation_overdue``: a plan of a high-risk enterprise not evaluated within
  three years (第三十五条);
- ``emergency_plan_drill_overdue``: a plan not drilled within its cadence — comprehensive or special
  plans yearly, on-site plans every half year (第三十三条);
- ``emergency_plan_revision_overdue``: a revision required (第三十六条) and not made within the
  revision period (our default);
- ``emergency_supply_expired`` / ``emergency_supply_short``: a supply past its expiry, or below
  the minimum to keep.

Voided records and those of voided enterprises raise nothing; a warning whose record stops
matching (filed, drilled, revised, restocked) closes at the next scan."""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register
from anjian.alerts.models import Warning

from . import selectors
from .models import EmergencyPlan, Supply

PLAN_PARAMS = {"enterprise": "enterprise__name", "title": "title"}
#: Regional supplies have no enterprise or industry: their warnings carry the region path only.
SUPPLY_SCOPE = {"region_path": "region_path", "industry": None, "grid": "grid_id", "enterprise": "enterprise_id"}


def _plan_rule(name: str):
    def matches(now: datetime) -> QuerySet:
        scan = getattr(selectors, name)
        return scan(EmergencyPlan.objects.all(), timezone.localdate(now), selectors.parameters())

    return matches


for _code, _scan, _title, _message, _roles, _description in (
    ("emergency_plan_filing_overdue", "filing_overdue", _("Emergency plan not filed in time"),
     _("The emergency plan “%(title)s” of %(enterprise)s is not filed within the filing period."),
     REGULATORS | ENTERPRISE, _("A published plan must be filed with the regulator within 20 working days.")),
    ("emergency_plan_review_overdue", "review_overdue", _("Emergency plan filing not checked in time"),
     _("The filing of the emergency plan “%(title)s” of %(enterprise)s awaits the regulator's check."),
     REGULATORS, _("A submitted filing is checked within 5 working days.")),
    ("emergency_plan_evaluation_overdue", "evaluation_overdue", _("Emergency plan evaluation overdue"),
     _("The emergency plan “%(title)s” of %(enterprise)s is due for its periodic evaluation."),
     REGULATORS | ENTERPRISE, _("A high-risk enterprise evaluates its plans every three years.")),
    ("emergency_plan_drill_overdue", "drill_overdue", _("Emergency plan not drilled in time"),
     _("The emergency plan “%(title)s” of %(enterprise)s has not been drilled within its cadence."),
     REGULATORS | ENTERPRISE,
     _("Comprehensive or special plans are drilled at least yearly, on-site plans at least every half year.")),
    ("emergency_plan_revision_overdue", "revision_overdue", _("Emergency plan revision overdue"),
     _("The emergency plan “%(title)s” of %(enterprise)s must be revised and is not yet."),
     REGULATORS | ENTERPRISE, _("A plan whose revision is required is revised within the revision period.")),
):
    register(WarningRule(code=_code, title=_title, level=Warning.Level.WARNING, message=_message, roles=_roles,
                         model=EmergencyPlan, matches=_plan_rule(_scan), params=PLAN_PARAMS,
                         url_name="emergency:plan", description=_description))


def expired(now: datetime) -> QuerySet:
    return selectors.supplies_expired(Supply.objects.exclude(enterprise__is_voided=True), timezone.localdate(now))


def short(now: datetime) -> QuerySet:
    return selectors.supplies_short(Supply.objects.exclude(enterprise__is_voided=True))


register(WarningRule(
    code="emergency_supply_expired", title=_("Emergency supply expired"), level=Warning.Level.WARNING,
    message=_("The emergency supply “%(name)s” (%(place)s) expired on %(day)s."),
    roles=REGULATORS | ENTERPRISE, model=Supply, matches=expired, scope=SUPPLY_SCOPE,
    params={"name": "name", "place": "storage_place", "day": Cast("expires_on", CharField())},
    url_name="emergency:supply", description=_("A supply or piece of equipment is past its expiry date."),
))

register(WarningRule(
    code="emergency_supply_short", title=_("Emergency supply short"), level=Warning.Level.NOTICE,
    message=_("The emergency supply “%(name)s” (%(place)s) is below the minimum to keep."),
    roles=REGULATORS | ENTERPRISE, model=Supply, matches=short, scope=SUPPLY_SCOPE,
    params={"name": "name", "place": "storage_place"},
    url_name="emergency:supply", description=_("The quantity of a supply is below the minimum to keep."),
))
