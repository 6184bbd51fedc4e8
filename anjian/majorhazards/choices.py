from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("Production unit")
    STORAGE = "storage", _("Storage unit")


class SourceState(models.TextChoices):
    IN_OPERATION = "in_operation", _("In operation")
    SUSPENDED = "suspended", _("Suspended")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class MajorGrade(models.IntegerChoices):
    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")
    FOUR = 4, _("Grade 4")


class PersonRole(models.TextChoices):
    """The three 包保责任人 of a major hazard source (应急厅〔2021〕12号)."""

    PRINCIPAL = "principal", _("Principal responsible person")
    TECHNICAL = "technical", _("Technical responsible person")
    OPERATIONAL = "operational", _("Operational responsible person")


# Transitions of a source's state: from → allowed targets.
TRANSITIONS = {
    SourceState.IN_OPERATION: {SourceState.SUSPENDED, SourceState.DECOMMISSIONED},
    SourceState.SUSPENDED: {SourceState.IN_OPERATION, SourceState.DECOMMISSIONED},
    SourceState.DECOMMISSIONED: set(),
}
