"""Choice sets of the risks app (GLOSSARY "Risks")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskLevel(models.TextChoices):
    """The four risk levels, gravest first, with their colours (REGULATIONS.md §3.1)."""

    MAJOR = "major", _("Major risk")
    HIGH = "high", _("High risk")
    MODERATE = "moderate", _("Moderate risk")
    LOW = "low", _("Low risk")


LEVEL_ORDER = (RiskLevel.MAJOR, RiskLevel.HIGH, RiskLevel.MODERATE, RiskLevel.LOW)
"""Gravest first: ``LEVEL_ORDER.index(level)`` is the rank (0 = gravest)."""

LEVEL_COLOUR = {RiskLevel.MAJOR: "red", RiskLevel.HIGH: "orange", RiskLevel.MODERATE: "yellow",
                RiskLevel.LOW: "blue"}
LEVEL_HEX = {"major": "#D32F2F", "high": "#F57C00", "moderate": "#FBC02D", "low": "#1976D2"}
LEVEL_ZH = {"major": "重大风险", "high": "较大风险", "moderate": "一般风险", "low": "低风险"}
COLOUR_ZH = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


def gravest(levels) -> str:
    """The gravest of ``levels`` (blank/None ignored); "" when there is none."""
    ranks = [LEVEL_ORDER.index(level) for level in levels if level in LEVEL_ORDER]
    return LEVEL_ORDER[min(ranks)].value if ranks else ""


class Method(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("LS risk matrix (R = L × S)")


class Factor(models.TextChoices):
    """The inputs of the two methods."""

    L = "l", "L"
    E = "e", "E"
    C = "c", "C"
    S = "s", "S"


METHOD_FACTORS = {Method.LEC: ("l", "e", "c"), Method.LS: ("l", "s")}


class PointKind(models.TextChoices):
    INSTALLATION = "installation", _("Installation")
    SITE = "site", _("Site")
    ACTIVITY = "activity", _("Activity")
    POST = "post", _("Post")


class ControlLevel(models.TextChoices):
    """Who owns a control (分级管控)."""

    COMPANY = "company", pgettext_lazy("control level", "Company")
    WORKSHOP = "workshop", pgettext_lazy("control level", "Workshop")
    TEAM = "team", pgettext_lazy("control level", "Team")
    POST = "post", pgettext_lazy("control level", "Post")


class MeasureType(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    MANAGEMENT = "management", _("Management")
    TRAINING = "training", _("Training")
    PPE = "ppe", _("Personal protection")
    EMERGENCY = "emergency", _("Emergency")
