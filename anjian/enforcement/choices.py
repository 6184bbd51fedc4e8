"""Choice sets of the enforcement app (监管执法) and its state machines, declared once as data:
the services take these steps through ``core.workflow``, the pages' buttons and the API's
``available_actions`` read them (``core.workflow.available_steps``), and the documentation's state
tables come from ``StateMachine.table``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row (a time limit, a frequency, a penalty range) is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


# --- expert pool (专家库) -----------------------------------------------------------------------

class ExpertState(models.TextChoices):
    AVAILABLE = "available", pgettext_lazy("expert", "Available")
    UNAVAILABLE = "unavailable", pgettext_lazy("expert", "Unavailable")
    RETIRED = "retired", pgettext_lazy("expert", "Retired")


EXPERT_MACHINE = StateMachine(model="enforcement.Expert", states=ExpertState, steps=[
    Step("update", pgettext_lazy("enforcement", "Correct"), right="manage", event=events.UPDATED),
    Step("mark_unavailable", _("Mark unavailable"), sources=(ExpertState.AVAILABLE,),
         target=ExpertState.UNAVAILABLE, right="manage", event=events.EXPERT_UNAVAILABLE),
    Step("mark_available", _("Available again"), sources=(ExpertState.UNAVAILABLE,),
         target=ExpertState.AVAILABLE, right="manage", event=events.EXPERT_AVAILABLE),
    Step("retire", _("Retire from the pool"), sources=(ExpertState.AVAILABLE, ExpertState.UNAVAILABLE),
         target=ExpertState.RETIRED, right="manage", event=events.EXPERT_RETIRED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage", event=events.VOIDED),
])


# --- officers' enforcement certificates (行政执法证) ------------------------------------------

class CertificateState(models.TextChoices):
    VALID = "valid", pgettext_lazy("certificate", "Valid")
    SUSPENDED = "suspended", pgettext_lazy("certificate", "Suspended")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")


CERTIFICATE_MACHINE = StateMachine(model="enforcement.EnforcementCertificate", states=CertificateState, steps=[
    Step("suspend", pgettext_lazy("certificate", "Suspend"), sources=(CertificateState.VALID,),
         target=CertificateState.SUSPENDED, right="manage_certificates", event=events.CERTIFICATE_SUSPENDED),
    Step("reinstate", pgettext_lazy("certificate", "Reinstate"), sources=(CertificateState.SUSPENDED,),
         target=CertificateState.VALID, right="manage_certificates", event=events.CERTIFICATE_REINSTATED),
    Step("revoke", pgettext_lazy("certificate", "Revoke"), sources=(CertificateState.VALID, CertificateState.SUSPENDED),
         target=CertificateState.REVOKED, right="manage_certificates", event=events.CERTIFICATE_REVOKED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage_certificates", event=events.VOIDED),
])


# --- declared conflicts of interest (回避) ------------------------------------------------------

class ConflictState(models.TextChoices):
    IN_FORCE = "in_force", pgettext_lazy("conflict", "In force")
    ENDED = "ended", pgettext_lazy("conflict", "Ended")


class ConflictKind(models.TextChoices):
    """Why an officer or an expert must not inspect an enterprise (回避情形)."""

    RELATIVE = "relative", _("A close relative works there")
    FORMER_EMPLOYER = "former_employer", _("Worked there")
    FINANCIAL = "financial", _("Financial interest")
    SERVICE = "service", _("Provided paid services to it")
    OTHER = "other", pgettext_lazy("conflict", "Other")


CONFLICT_MACHINE = StateMachine(model="enforcement.ConflictDeclaration", states=ConflictState, steps=[
    Step("end", _("End the declaration"), sources=(ConflictState.IN_FORCE,), target=ConflictState.ENDED,
         right="manage_conflict", event=events.CONFLICT_ENDED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage_conflict", event=events.VOIDED),
])
