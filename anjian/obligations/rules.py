"""Warning rules of the obligations app (imported at start-up by ``AlertsConfig.ready``).

Licences (安全生产许可证 and the other kinds, ``LicenceKind``):

- ``obl_licence_expiring_90``: a held licence ends in 31–90 days (``ANJIAN_OBL_LICENCE_WARN_DAYS``,
  90) and no later licence of the same kind was recorded for the enterprise (a notice: time to
  apply for the renewal — e.g. 《安全生产许可证条例》第九条 asks for it three months before expiry);
- ``obl_licence_expiring_30``: the same within 0–30 days (``ANJIAN_OBL_LICENCE_URGENT_DAYS``, 30), a
  warning. On the 30th day the 90-day warning closes and this one opens;
- ``obl_operating_without_licence``: an operating enterprise whose industry must hold a kind has no
  valid licence of it today (never recorded, expired, suspended or revoked) — severe, to the
  regulators and the enterprise (《安全生产许可证条例》第二条: no production without it).

People and certificates:

- ``obl_person_uncertified``: a person in post without a valid certificate of the kind their role
  needs — a special operator at once (持证上岗, 原国家安全监管总局令第30号 第五条); a principal or
  safety manager of a high-risk enterprise once six months from the appointment have passed
  (《生产经营单位安全培训规定》 (原国家安全监管总局令第3号) 第二十四条 as amended; 《安全生产法》第二十七条
  names the sectors, the same as the enterprise's high-risk flag);
- ``obl_certificate_expiring``: a certified person whose certificates all end within
  ``ANJIAN_OBL_CERTIFICATE_WARN_DAYS`` (90) days.

Standardisation grades (安全生产标准化):

- ``obl_std_expiring_90`` / ``obl_std_expiring_30``: a held grade (not withdrawn) ends in 31–90
  days (``ANJIAN_OBL_STD_WARN_DAYS``, 90) or 0–30 days (``ANJIAN_OBL_STD_URGENT_DAYS``, 30), no later
  grade recorded for the enterprise — the same limits as the licences' (time to apply for review).

Safety organisation and commitments (the requirements are data, ``SafetyOrgRequirement``):

- ``obl_safety_body_missing``: an operating enterprise a "body" requirement applies to (《安全生产法》
  第二十四条: the listed sectors; any other with more than 100 employees) records neither a safety
  management body nor full-time safety staff;
- ``obl_safety_director_missing``: an operating enterprise a "director" requirement applies to
  records no safety director;
- ``obl_commitment_missing``: an operating enterprise has no signed commitment of the current year
  once ``ANJIAN_OBL_COMMITMENT_GRACE_DAYS`` (31: from 1 February) of the year have passed.

Voided records, closed or suspended enterprises (for the licence rule: not operating) and people who
left raise nothing, and a warning whose record stops matching closes at the next scan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register, setting_days
from anjian.alerts.models import Warning
from anjian.core.dates import add_months
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise

from . import selectors
from .choices import MANAGEMENT_ROLES, PersonRole, RequirementKind
from .models import KeyPerson, Licence, Standardisation

AUDIENCE = REGULATORS | ENTERPRISE


def _today(now: datetime):
    return timezone.localdate(now)


def _live_licences() -> QuerySet:
    return Licence.objects.filter(enterprise__is_voided=False).exclude(enterprise__status=OperatingStatus.CLOSED)


def urgent_days() -> int:
    return setting_days("ANJIAN_OBL_LICENCE_URGENT_DAYS", 30)


def licences_expiring_90(now: datetime) -> QuerySet:
    return selectors.expiring(_live_licences(), _today(now), setting_days("ANJIAN_OBL_LICENCE_WARN_DAYS", 90),
                              after_days=urgent_days())


def licences_expiring_30(now: datetime) -> QuerySet:
    return selectors.expiring(_live_licences(), _today(now), urgent_days())


LICENCE_PARAMS = {"enterprise": "enterprise__name", "kind": "kind__name", "number": "number",
                  "until": Cast("valid_until", CharField())}

register(WarningRule(
    code="obl_licence_expiring_90",
    title=_("Licence expires within 90 days"),
    level=Warning.Level.NOTICE,
    message=_("%(kind)s %(number)s of %(enterprise)s is valid until %(until)s; apply for its renewal."),
    roles=AUDIENCE,
    model=Licence,
    matches=licences_expiring_90,
    params=LICENCE_PARAMS,
    url_name="obligations:licence",
    description=_("A held licence ends in 31 to 90 days and no renewal is recorded."),
))

register(WarningRule(
    code="obl_licence_expiring_30",
    title=_("Licence expires within 30 days"),
    level=Warning.Level.WARNING,
    message=_("%(kind)s %(number)s of %(enterprise)s is valid until %(until)s and no renewal is recorded."),
    roles=AUDIENCE,
    model=Licence,
    matches=licences_expiring_30,
    params=LICENCE_PARAMS,
    url_name="obligations:licence",
    description=_("A held licence ends within 30 days and no renewal is recorded."),
))


def operating_without_licence(now: datetime) -> QuerySet:
    day = _today(now)
    return Enterprise.objects.filter(is_voided=False, status=OperatingStatus.OPERATING).filter(
        selectors.missing_licence_q(day))


register(WarningRule(
    code="obl_operating_without_licence",
    title=_("Operating without a valid licence"),
    level=Warning.Level.SEVERE,
    message=_("%(enterprise)s is operating without a valid licence its industry requires."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=operating_without_licence,
    params={"enterprise": "name"},
    scope={"region_path": "region_path", "industry": "industry_id", "grid": "grid_id", "enterprise": "id"},
    url_name="enterprises:detail",
    description=_("An operating enterprise of an industry that must hold a licence kind holds no valid licence "
                  "of it (none recorded, expired, suspended or revoked)."),
))


def _people_in_post() -> QuerySet:
    return selectors.in_post(KeyPerson.objects.filter(enterprise__is_voided=False)).exclude(
        enterprise__status=OperatingStatus.CLOSED)


def role_label() -> Case:
    """The person's role in the site's language (the message is rendered in SQL)."""
    with translation.override(settings.LANGUAGE_CODE):
        return Case(*[When(role=value, then=Value(str(label))) for value, label in PersonRole.choices],
                    default=Value(""), output_field=CharField())


def uncertified(now: datetime) -> QuerySet:
    day = _today(now)
    # Appointed before this day six months ago: the six months (the appointment day not counted)
    # ended yesterday at the latest.
    cutoff = add_months(day, -6)
    due = Q(role=PersonRole.SPECIAL_OPERATOR) | (
        Q(role__in=list(MANAGEMENT_ROLES), enterprise__high_risk=True, appointed_on__lt=cutoff))
    return _people_in_post().filter(due).exclude(selectors.certified(day))


register(WarningRule(
    code="obl_person_uncertified",
    title=_("Required certificate missing"),
    level=Warning.Level.WARNING,
    message=_("%(name)s (%(role)s) of %(enterprise)s holds no valid certificate."),
    roles=AUDIENCE,
    model=KeyPerson,
    matches=uncertified,
    params=lambda now: {"name": "name", "enterprise": "enterprise__name", "role": role_label()},
    url_name="obligations:person",
    description=_("A special operator without a valid special operation certificate, or a principal or safety "
                  "manager of a high-risk enterprise still uncertified six months after the appointment."),
))


def certificate_expiring(now: datetime) -> QuerySet:
    day = _today(now)
    # "Ends within 90 days": the last valid day is at most 90 days on, so none is valid the day after.
    horizon = day + timedelta(days=setting_days("ANJIAN_OBL_CERTIFICATE_WARN_DAYS", 90) + 1)
    return _people_in_post().filter(selectors.certified(day)).exclude(selectors.certified(horizon))


register(WarningRule(
    code="obl_certificate_expiring",
    title=_("Certificate expires soon"),
    level=Warning.Level.NOTICE,
    message=_("The certificate of %(name)s of %(enterprise)s expires within 90 days; arrange the renewal."),
    roles=AUDIENCE,
    model=KeyPerson,
    matches=certificate_expiring,
    params={"name": "name", "enterprise": "enterprise__name"},
    url_name="obligations:person",
    description=_("A certified person whose certificates all end within 90 days."),
))


# --- standardisation ------------------------------------------------------------------------------------------

def _live_grades() -> QuerySet:
    return Standardisation.objects.filter(enterprise__is_voided=False).exclude(
        enterprise__status=OperatingStatus.CLOSED)


def std_urgent_days() -> int:
    return setting_days("ANJIAN_OBL_STD_URGENT_DAYS", 30)


def grades_expiring_90(now: datetime) -> QuerySet:
    return selectors.grades_expiring(_live_grades(), _today(now), setting_days("ANJIAN_OBL_STD_WARN_DAYS", 90),
                                     after_days=std_urgent_days())


def grades_expiring_30(now: datetime) -> QuerySet:
    return selectors.grades_expiring(_live_grades(), _today(now), std_urgent_days())


STD_PARAMS = {"enterprise": "enterprise__name", "number": "number", "until": Cast("valid_until", CharField())}

register(WarningRule(
    code="obl_std_expiring_90",
    title=_("Standardisation grade expires within 90 days"),
    level=Warning.Level.NOTICE,
    message=_("The standardisation grade %(number)s of %(enterprise)s is valid until %(until)s; apply for the "
              "review."),
    roles=AUDIENCE,
    model=Standardisation,
    matches=grades_expiring_90,
    params=STD_PARAMS,
    url_name="obligations:standardisation",
    description=_("A held standardisation grade ends in 31 to 90 days and no later grade is recorded."),
))

register(WarningRule(
    code="obl_std_expiring_30",
    title=_("Standardisation grade expires within 30 days"),
    level=Warning.Level.WARNING,
    message=_("The standardisation grade %(number)s of %(enterprise)s is valid until %(until)s and no later grade "
              "is recorded."),
    roles=AUDIENCE,
    model=Standardisation,
    matches=grades_expiring_30,
    params=STD_PARAMS,
    url_name="obligations:standardisation",
    description=_("A held standardisation grade ends within 30 days and no later grade is recorded."),
))


# --- safety organisation and commitments -------------------------------------------------------------------------

def _operating() -> QuerySet:
    return Enterprise.objects.filter(is_voided=False, status=OperatingStatus.OPERATING)


def body_missing(now: datetime) -> QuerySet:
    return _operating().filter(selectors.required_q(RequirementKind.BODY)).exclude(
        selectors.organised_q(RequirementKind.BODY))


def director_missing(now: datetime) -> QuerySet:
    return _operating().filter(selectors.required_q(RequirementKind.DIRECTOR)).exclude(
        selectors.organised_q(RequirementKind.DIRECTOR))


def commitment_missing(now: datetime) -> QuerySet:
    day = _today(now)
    if day.timetuple().tm_yday <= setting_days("ANJIAN_OBL_COMMITMENT_GRACE_DAYS", 31):
        return _operating().filter(pk__isnull=True)
    return _operating().exclude(selectors.committed_q(day.year))


ENTERPRISE_SCOPE = {"region_path": "region_path", "industry": "industry_id", "grid": "grid_id", "enterprise": "id"}

register(WarningRule(
    code="obl_safety_body_missing",
    title=_("No safety management body or full-time safety staff"),
    level=Warning.Level.WARNING,
    message=_("%(enterprise)s must have a safety management body or full-time safety staff and records neither."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=body_missing,
    params={"enterprise": "name"},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An operating enterprise of the sectors of the Work Safety Law art. 24, or any other with more than "
                  "100 employees, records no safety management body and no full-time safety staff."),
))

register(WarningRule(
    code="obl_safety_director_missing",
    title=_("No safety director"),
    level=Warning.Level.NOTICE,
    message=_("%(enterprise)s belongs to a sector that requires a safety director and records none."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=director_missing,
    params={"enterprise": "name"},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An operating enterprise of a sector that requires a safety director (reference data) records "
                  "none."),
))

register(WarningRule(
    code="obl_commitment_missing",
    title=_("No safety commitment this year"),
    level=Warning.Level.NOTICE,
    message=_("%(enterprise)s has no signed safety commitment for this year."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=commitment_missing,
    params={"enterprise": "name"},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An operating enterprise without a signed safety commitment of the current year, from 1 February."),
))
