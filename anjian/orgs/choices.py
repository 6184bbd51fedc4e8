from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGULATOR = "regulator", _("Regulator officer")
    INDUSTRY_OFFICER = "industry_officer", _("Industry-department officer")
    GRID_OFFICER = "grid_officer", _("Grid officer")
    COMMITTEE_OFFICE = "committee_office", _("Committee office")
    ENTERPRISE = "enterprise", _("Enterprise user")
    EXPERT = "expert", _("Expert")
    ADMIN = "admin", _("System administrator")


class DepartmentKind(models.TextChoices):
    REGULATOR = "regulator", _("Emergency-management bureau (regulator)")
    INDUSTRY = "industry", _("Industry department")
    COMMITTEE_OFFICE = "committee_office", _("Safety-committee office")
    TOWNSHIP_STATION = "township_station", _("Township safety station")
    OTHER = "other", _("Other")


REGION_SCOPED_ROLES = {Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.COMMITTEE_OFFICE, Role.EXPERT}

#: The regulator side: the officers of the emergency-management bureau and of the industry
#: departments ("管行业必须管安全"), who supervise, decide and are warned alike in every app.
REGULATOR_ROLES = frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER})
