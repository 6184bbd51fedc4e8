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


class GradingCriterion(models.TextChoices):
    """The three independent criteria of 条例 Art. 3."""

    DEATHS = "deaths", _("Deaths")
    SERIOUS_INJURIES = "serious_injuries", _("Serious injuries (incl. acute industrial poisoning)")
    DIRECT_LOSS = "direct_loss", _("Direct economic loss")


class ReportingLevel(models.TextChoices):
    """The steps of the reporting chain (条例 Art. 9–11), bottom up. ``NATIONAL`` is the State
    Council's work-safety department."""

    UNIT_HEAD = "unit_head", _("Unit head")
    COUNTY = "county", _("County-level government department")
    CITY = "city", _("Districted-city government department")
    PROVINCE = "province", _("Provincial government department")
    NATIONAL = "national", _("State Council work-safety department")


REPORTING_LEVEL_RANK = {
    ReportingLevel.UNIT_HEAD: 0,
    ReportingLevel.COUNTY: 1,
    ReportingLevel.CITY: 2,
    ReportingLevel.PROVINCE: 3,
    ReportingLevel.NATIONAL: 4,
}

REQUIRED_TOP_LEVEL = {
    # 条例 Art. 10: how far up each grade is reported, level by level.
    AccidentGrade.PARTICULARLY_SERIOUS: ReportingLevel.NATIONAL,
    AccidentGrade.SERIOUS: ReportingLevel.NATIONAL,
    AccidentGrade.RELATIVELY_SERIOUS: ReportingLevel.PROVINCE,
    AccidentGrade.ORDINARY: ReportingLevel.CITY,
}


class FlagKind(models.TextChoices):
    """Reporting violations (应急管理部令第14号, REGULATIONS.md §1.4)."""

    LATE = "late", _("Late report (迟报)")
    OMITTED = "omitted", _("Omitted report (漏报)")
    FALSE = "false", _("False report (谎报)")
    CONCEALED = "concealed", _("Concealed (瞒报)")


FLAG_DEFINITIONS = {
    FlagKind.LATE: _("Late report: the accident was reported after the prescribed time limit."),
    FlagKind.OMITTED: _("Omitted report: through negligence, an accident that must be reported, or items such as "
                        "its time, place, category, casualties or direct economic loss, was left out of the report."),
    FlagKind.FALSE: _("False report: intentionally reporting untruthfully the time, place, preliminary cause, "
                      "nature, casualties and people endangered, direct economic loss or other items."),
    FlagKind.CONCEALED: _("Concealment: hiding an accident that occurred and not reporting it past the time limit "
                          "to the emergency-management and other responsible departments, verified by "
                          "investigation."),
}
"""The §1.4 definitions (应急管理部令第14号), shown as help text where flags are recorded."""

INVESTIGATOR_FLAG_KINDS = (FlagKind.OMITTED, FlagKind.FALSE, FlagKind.CONCEALED)
"""Only investigators and regulators record these; late reports are detected automatically too."""


class FlagState(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CONFIRMED = "confirmed", _("Confirmed")
    RETRACTED = "retracted", _("Retracted")


class InvestigatingLevel(models.TextChoices):
    """Who investigates (条例 Art. 19)."""

    STATE_COUNCIL = "state_council", _("State Council (or a department it authorises)")
    PROVINCE = "province", _("Provincial government")
    CITY = "city", _("Districted-city government")
    COUNTY = "county", _("County government")


INVESTIGATING_LEVEL_BY_GRADE = {
    AccidentGrade.PARTICULARLY_SERIOUS: InvestigatingLevel.STATE_COUNCIL,
    AccidentGrade.SERIOUS: InvestigatingLevel.PROVINCE,
    AccidentGrade.RELATIVELY_SERIOUS: InvestigatingLevel.CITY,
    AccidentGrade.ORDINARY: InvestigatingLevel.COUNTY,
}


class RectificationState(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFIED = "rectified", _("Rectified")
    VERIFIED = "verified", _("Verified")


class ListingLevel(models.TextChoices):
    """The level of a government's listed supervision (挂牌督办) of an accident's rectification."""

    PROVINCE = "province", _("Provincial level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class AccountabilityMeasure(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal liability")
    PARTY_DISCIPLINE = "party_discipline", _("Party discipline")
    ADMINISTRATIVE_SANCTION = "administrative_sanction", _("Administrative sanction (政务处分)")
    FINE = "fine", _("Fine")
    OTHER = "other", _("Other measure")
