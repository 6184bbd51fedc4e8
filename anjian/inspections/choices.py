from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import HazardSource


class PeriodUnit(models.TextChoices):
    """The calendar unit of an inspection cadence (weeks start on Monday, quarters in
    January, April, July and October)."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    # Not in the original list: the open tasks of a duty that is voided are cancelled rather
    # than left open (they would never be done) or marked missed (nobody missed anything).
    CANCELLED = "cancelled", _("Cancelled")


class InspectionKind(models.TextChoices):
    """Who inspected: the enterprise itself, or a government, grid or expert inspection. All
    use the same record, marked by kind."""

    SELF = "self", _("Self-inspection")
    GOVERNMENT = "government", _("Government inspection")
    GRID = "grid", _("Grid patrol")
    EXPERT = "expert", _("Expert inspection")


class RecordState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    HAZARD_FOUND = "hazard_found", _("Hazard found")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# The hazard source a found item gets, from the kind of inspection that found it.
SOURCE_BY_KIND = {
    InspectionKind.SELF: HazardSource.SELF_INSPECTION,
    InspectionKind.GOVERNMENT: HazardSource.GOVERNMENT,
    InspectionKind.GRID: HazardSource.GRID_PATROL,
    InspectionKind.EXPERT: HazardSource.EXPERT,
}
