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
    """The level of a listed supervision: that of the listing department's region (a county's
    department lists at county level; see services.listing_level_for)."""

    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class ListingState(models.TextChoices):
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")


# --- general-definition major hazards, confirmation (issue #10, h/loop1) -------------------------

class MajorDefinitionCondition(models.TextChoices):
    """The two conditions of the general definition of a major hazard (重大事故隐患), for a hazard
    that no listed criterion names: 《安全生产事故隐患排查治理暂行规定》(国家安全生产监督管理总局令
    第16号) 第三条 — hard to rectify, needing full or partial suspension of production and time
    to remove; or one the enterprise cannot remove by itself because of external factors."""

    HARD_TO_RECTIFY = "hard_to_rectify", _(
        "Hard to rectify: production must be suspended in whole or in part, and it takes time to remove")
    EXTERNAL_FACTORS = "external_factors", _(
        "External factors: the enterprise cannot remove it by itself")


class MajorConfirmation(models.TextChoices):
    """Whether a regulator has confirmed a major grade given by the general definition (a grade
    by a listed criterion needs no confirmation: the field stays empty)."""

    PENDING = "pending", _("Awaiting the regulator's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the regulator")
# --- dual report records and re-checks (issue #10) ----------------------------------------------

class DualReportStage(models.TextChoices):
    """The two reports of a major hazard (双报告): when found — its present state and cause, how
    serious it is and how hard to remove, and the treatment plan (《安全生产事故隐患排查治理暂行
    规定》第十四条) — and, once treated, the result (治理结果)."""

    INITIAL = "initial", _("Hazard report")
    RESULT = "result", _("Treatment result report")


class DualReportRecipient(models.TextChoices):
    """Who a report goes to (《安全生产法》第四十一条): the department with supervision duties, and
    the workers' congress (职工大会或者职工代表大会)."""

    REGULATOR = "regulator", _("Supervising department")
    CONGRESS = "congress", _("Workers' congress")


RESULT_REPORT_STATES = (HazardState.RECTIFIED, HazardState.ACCEPTED, HazardState.CLOSED)
"""States in which the treatment result can be reported: the rectification has been done."""


class RecheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


RECHECK_SOURCES = (HazardSource.GOVERNMENT, HazardSource.GRID_PATROL, HazardSource.EXPERT)
"""Hazards found by these inspections are re-checked by the side that found them before they
are closed out (so is every hazard put on a rectification notice)."""

RECHECK_STATES = (HazardState.RECTIFIED, HazardState.ACCEPTED)
"""States in which a re-check can always be recorded (the enterprise reported completion).
In the open states it can be recorded once the rectification deadline has passed."""


class TimeLimitCode(models.TextChoices):
    RECHECK = "recheck", _("Re-check of a rectification")
