from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class HazardSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    GOVERNMENT = "government", _("Government inspection")
    EXPERT = "expert", _("Expert inspection")
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    PUBLIC_TIP = "public_tip", _("Public tip")
    ENTERPRISE_SYSTEM = "enterprise_system", _("Enterprise system")


class HazardState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFIED = "rectified", _("Rectified, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed out")


OPEN_STATES = (HazardState.REPORTED, HazardState.RECTIFYING)
"""States in which the rectification deadline runs (so the hazard can be overdue)."""

UNCLOSED_STATES = (HazardState.REPORTED, HazardState.RECTIFYING, HazardState.RECTIFIED, HazardState.ACCEPTED)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ListingLevel(models.TextChoices):
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class ListingState(models.TextChoices):
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")
