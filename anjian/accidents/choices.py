from django.db import models
from django.utils.translation import gettext_lazy as _


class AccidentGrade(models.TextChoices):
    """The four grades of 《生产安全事故报告和调查处理条例》 Art. 3, highest first."""

    PARTICULARLY_SERIOUS = "particularly_serious", _("Particularly serious accident")
    SERIOUS = "serious", _("Serious accident")
    RELATIVELY_SERIOUS = "relatively_serious", _("Relatively serious accident")
    ORDINARY = "ordinary", _("Ordinary accident")


GRADE_RANK = {
    AccidentGrade.PARTICULARLY_SERIOUS: 4,
    AccidentGrade.SERIOUS: 3,
    AccidentGrade.RELATIVELY_SERIOUS: 2,
    AccidentGrade.ORDINARY: 1,
}
"""Higher is graver; the grade of an accident is the highest any criterion reaches."""


class AccidentCategory(models.TextChoices):
    """The statistical category of an accident (the bulletins' split of production-safety
    accidents). Road traffic and fire accidents have a 7-day casualty-update window instead of
    30 (条例 Art. 13), and only 工矿商贸 accidents count in the per-100,000-workers rate."""

    INDUSTRIAL = "industrial", _("Industry, mining and commerce")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    FIRE = "fire", _("Fire")
    WATER_TRANSPORT = "water_transport", _("Water transport")
    RAILWAY = "railway", _("Railway")
    CIVIL_AVIATION = "civil_aviation", _("Civil aviation")
    AGRICULTURAL_MACHINERY = "agricultural_machinery", _("Agricultural machinery")
    FISHING_VESSEL = "fishing_vessel", _("Fishing vessel")
    OTHER = "other", _("Other")


SHORT_UPDATE_WINDOW_CATEGORIES = (AccidentCategory.ROAD_TRAFFIC, AccidentCategory.FIRE)
"""Categories whose casualty changes count only within 7 days (not 30)."""


class AccidentState(models.TextChoices):
    """Where the accident's handling stands."""

    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    REPORT_SUBMITTED = "report_submitted", _("Investigation report submitted")
    CLOSED = "closed", _("Closed (report approved)")
