"""Choice sets of the obligations app (企业安全生产主体责任登记) and its state machines, declared
once as data: the services take these steps through ``core.workflow``, the pages' buttons and the
API's ``available_actions`` read them, and the documentation's state tables come from
``StateMachine.table``.

Every registry follows the same pattern: the enterprise keeps its own records (record, correct,
void), the regulator verifies them (``verify``: who and when, cleared again by any correction) and
acts on them where the law gives it the power (suspend or revoke a licence, revoke a certificate)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row (a licence kind, its industries, its validity) is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


def _not_verified(obj) -> bool:
    return obj.verified_at is None


VERIFY_GUARD = Guard(_not_verified, _("The record is already verified; a correction clears the verification."),
                     field="verified_at")


# --- licences and permits (许可证) ----------------------------------------------------------------

class LicenceState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("licence", "Held")
    SUSPENDED = "suspended", pgettext_lazy("licence", "Suspended")
    REVOKED = "revoked", pgettext_lazy("licence", "Revoked or cancelled")


LICENCE_MACHINE = StateMachine(model="obligations.Licence", states=LicenceState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"), sources=(LicenceState.ACTIVE, LicenceState.SUSPENDED),
         right="edit", event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("suspend", pgettext_lazy("licence", "Suspend"), sources=(LicenceState.ACTIVE,),
         target=LicenceState.SUSPENDED, right="sanction", event=events.LICENCE_SUSPENDED),
    Step("reinstate", pgettext_lazy("licence", "Reinstate"), sources=(LicenceState.SUSPENDED,),
         target=LicenceState.ACTIVE, right="sanction", event=events.LICENCE_REINSTATED),
    Step("revoke", pgettext_lazy("licence", "Revoke or cancel"),
         sources=(LicenceState.ACTIVE, LicenceState.SUSPENDED), target=LicenceState.REVOKED, right="sanction",
         event=events.LICENCE_REVOKED),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])


# --- people who must be trained and certified (主要负责人、安全管理人员、特种作业人员) ----------------

class PersonRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")
    SPECIAL_OPERATOR = "special_operator", _("Special operator")


MANAGEMENT_ROLES = (PersonRole.PRINCIPAL, PersonRole.SAFETY_MANAGER)


class OperationType(models.TextChoices):
    """The ten classes of special operations (特种作业目录, annex of 原国家安全监管总局令第30号
    《特种作业人员安全技术培训考核管理规定》)."""

    ELECTRICAL = "electrical", _("Electrical work")
    WELDING = "welding", _("Welding and hot cutting")
    HEIGHT = "height", _("Work at height")
    REFRIGERATION = "refrigeration", _("Refrigeration and air conditioning")
    COAL_MINE = "coal_mine", _("Coal mine safety operations")
    METAL_MINE = "metal_mine", _("Metal and non-metal mine safety operations")
    OIL_GAS = "oil_gas", _("Oil and gas safety operations")
    METALLURGY = "metallurgy", _("Metallurgical (non-ferrous) production safety operations")
    HAZCHEM = "hazchem", _("Hazardous chemical safety operations")
    FIREWORKS = "fireworks", _("Fireworks safety operations")


class PersonState(models.TextChoices):
    IN_POST = "in_post", pgettext_lazy("key person", "In post")
    LEFT = "left", pgettext_lazy("key person", "Left")


PERSON_MACHINE = StateMachine(model="obligations.KeyPerson", states=PersonState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"), sources=(PersonState.IN_POST,), right="edit",
         event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("leave", _("Record leaving the post"), sources=(PersonState.IN_POST,), target=PersonState.LEFT,
         right="edit", event=events.PERSON_LEFT),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])


class CertificateKind(models.TextChoices):
    """What a certificate proves: the management assessment of principals and safety managers
    (安全生产知识和管理能力考核合格), or a special operation certificate (特种作业操作证)."""

    MANAGEMENT = "management", _("Safety knowledge and management ability assessment")
    SPECIAL_OPERATION = "special_operation", _("Special operation certificate")


#: The certificate each role needs.
REQUIRED_CERTIFICATE = {
    PersonRole.PRINCIPAL: CertificateKind.MANAGEMENT,
    PersonRole.SAFETY_MANAGER: CertificateKind.MANAGEMENT,
    PersonRole.SPECIAL_OPERATOR: CertificateKind.SPECIAL_OPERATION,
}


class CertificateState(models.TextChoices):
    HELD = "held", pgettext_lazy("obligation certificate", "Held")
    REVOKED = "revoked", pgettext_lazy("obligation certificate", "Revoked")


CERTIFICATE_MACHINE = StateMachine(model="obligations.PersonCertificate", states=CertificateState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"), sources=(CertificateState.HELD,), right="edit",
         event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("revoke", pgettext_lazy("obligation certificate", "Revoke"), sources=(CertificateState.HELD,),
         target=CertificateState.REVOKED, right="sanction", event=events.CERTIFICATE_REVOKED),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])


# --- safety standardisation (安全生产标准化) --------------------------------------------------------

class StandardisationGrade(models.TextChoices):
    """The grades of 《企业安全生产标准化建设定级办法》 (一级 highest), and the small and micro
    enterprises' grade (小微) some provinces keep."""

    LEVEL1 = "level1", _("Grade 1")
    LEVEL2 = "level2", _("Grade 2")
    LEVEL3 = "level3", _("Grade 3")
    SMALL = "small", _("Small and micro enterprise")


class StandardisationState(models.TextChoices):
    """Held, proposed for withdrawal (a failed spot check or the regulator's finding), withdrawn
    (摘牌). "Expired" is not a state: it is read from the end of validity."""

    VALID = "valid", pgettext_lazy("standardisation", "Held")
    PROPOSED = "proposed", _("Withdrawal proposed")
    WITHDRAWN = "withdrawn", _("Withdrawn (摘牌)")


STANDARDISATION_MACHINE = StateMachine(model="obligations.Standardisation", states=StandardisationState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"),
         sources=(StandardisationState.VALID, StandardisationState.PROPOSED), right="edit", event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("propose_withdrawal", _("Propose withdrawal"), sources=(StandardisationState.VALID,),
         target=StandardisationState.PROPOSED, right="sanction", event=events.STD_WITHDRAWAL_PROPOSED),
    Step("keep", _("Keep the grade"), sources=(StandardisationState.PROPOSED,), target=StandardisationState.VALID,
         right="sanction", event=events.STD_KEPT),
    Step("withdraw", _("Withdraw the grade (摘牌)"),
         sources=(StandardisationState.VALID, StandardisationState.PROPOSED), target=StandardisationState.WITHDRAWN,
         right="sanction", event=events.STD_WITHDRAWN),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])


class SpotCheckState(models.TextChoices):
    DRAWN = "drawn", pgettext_lazy("spot check", "Drawn")
    CLOSED = "closed", pgettext_lazy("spot check", "Closed")


SPOT_CHECK_MACHINE = StateMachine(model="obligations.SpotCheck", states=SpotCheckState, steps=[
    Step("close", pgettext_lazy("spot check", "Close"), sources=(SpotCheckState.DRAWN,),
         target=SpotCheckState.CLOSED, right="draw", event=events.SPOT_CHECK_CLOSED),
    Step("void", _("Void and draw again"), sources=(SpotCheckState.DRAWN,), right="draw",
         event=events.VOIDED),
])


class SpotResult(models.TextChoices):
    PENDING = "pending", pgettext_lazy("spot check", "Not checked yet")
    PASSED = "passed", pgettext_lazy("spot check", "Passed")
    FAILED = "failed", pgettext_lazy("spot check", "Failed: withdrawal proposed")


SPOT_ENTRY_MACHINE = StateMachine(model="obligations.SpotCheckEntry", states=SpotResult, state_field="result", steps=[
    Step("pass", pgettext_lazy("spot check", "Record: passed"), sources=(SpotResult.PENDING,),
         target=SpotResult.PASSED, right="draw", event=events.SPOT_PASSED),
    Step("fail", pgettext_lazy("spot check", "Record: failed"), sources=(SpotResult.PENDING,),
         target=SpotResult.FAILED, right="draw", event=events.SPOT_FAILED),
])


# --- safety organisation (安全管理机构、专职安全管理人员、安全总监) -----------------------------------

class OrganisationState(models.TextChoices):
    CURRENT = "current", pgettext_lazy("safety organisation", "Current")


ORGANISATION_MACHINE = StateMachine(model="obligations.SafetyOrganisation", states=OrganisationState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"), sources=(OrganisationState.CURRENT,), right="edit",
         event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])


class RequirementKind(models.TextChoices):
    """What a safety-organisation requirement asks of the enterprises it names."""

    BODY = "body", _("A safety management body or full-time safety staff")
    DIRECTOR = "director", _("A safety director")


# --- commitments (安全承诺) ------------------------------------------------------------------------

class CommitmentPeriod(models.TextChoices):
    YEAR = "year", pgettext_lazy("commitment", "Yearly")
    HALF = "half", pgettext_lazy("commitment", "Half-yearly")
    QUARTER = "quarter", pgettext_lazy("commitment", "Quarterly")
    MONTH = "month", pgettext_lazy("commitment", "Monthly")


class CommitmentState(models.TextChoices):
    SIGNED = "signed", pgettext_lazy("commitment", "Signed")


COMMITMENT_MACHINE = StateMachine(model="obligations.Commitment", states=CommitmentState, steps=[
    Step("update", pgettext_lazy("obligations", "Correct"), sources=(CommitmentState.SIGNED,), right="edit",
         event=events.UPDATED),
    Step("verify", pgettext_lazy("obligations", "Verify"), right="verify", event=events.VERIFIED,
         guards=(VERIFY_GUARD,)),
    Step("void", pgettext_lazy("obligations", "Void"), right="edit", event=events.VOIDED),
])
