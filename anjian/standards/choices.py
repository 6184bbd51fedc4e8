from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import StateMachine, Step

from . import events


class HazardFactor(models.TextChoices):
    """GB/T 13861-2022 top-level classes of hazardous and harmful factors (危险和有害因素)."""

    PERSON = "person", _("Human factor")
    OBJECT = "object", _("Object factor")
    ENVIRONMENT = "environment", _("Environmental factor")
    MANAGEMENT = "management", _("Management factor")


class Certainty(models.TextChoices):
    """How sure we are of a criteria document's data: the status marks of the project's
    domain fact sheet (shared/domain/REGULATIONS.md §0), so users see what has been checked."""

    CONFIRMED_TWICE = "C2", _("Confirmed in two independent sources")
    CONFIRMED = "C", _("Confirmed in one source")
    CODE = "CODE", _("Seen only in public code transcriptions")
    DERIVED = "D", _("Derived by us")
    VARIANTS = "VAR", _("Variants exist in the sources")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


# GB/T 13861 top-level codes of the four classes (1 人, 2 物, 3 环境, 4 管理); imports accept them.
HAZARD_FACTOR_CODES = {
    "1": HazardFactor.PERSON,
    "2": HazardFactor.OBJECT,
    "3": HazardFactor.ENVIRONMENT,
    "4": HazardFactor.MANAGEMENT,
}
# The Chinese names used in spreadsheets (short and long forms).
HAZARD_FACTOR_NAMES = {
    "人的因素": HazardFactor.PERSON, "人": HazardFactor.PERSON,
    "物的因素": HazardFactor.OBJECT, "物": HazardFactor.OBJECT,
    "环境因素": HazardFactor.ENVIRONMENT, "环境": HazardFactor.ENVIRONMENT,
    "管理因素": HazardFactor.MANAGEMENT, "管理": HazardFactor.MANAGEMENT,
}


class Activity(models.TextChoices):
    """Whether a library record (criteria document, criterion, checklist version, check item) is
    in use: ``is_active`` as a state (the records' ``activity``)."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Deactivated")


# The one lifecycle of the library's records, declared once: deactivated (with a reason; they
# leave the lists, records made under them keep pointing at them) and brought back. The
# versions of a checklist follow from their dates (services.version_status), not from steps.
ACTIVITY_MACHINE = StateMachine(
    model="standards.Checklist", states=Activity, state_field="activity", steps=[
        Step(events.DEACTIVATED, _("Deactivate"), sources=(Activity.ACTIVE,), target=Activity.INACTIVE,
             right="manage"),
        Step(events.REACTIVATED, _("Reactivate"), sources=(Activity.INACTIVE,), target=Activity.ACTIVE,
             right="manage"),
    ])
