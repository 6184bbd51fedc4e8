from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


# The operating status of an enterprise, declared once: the services take these steps, the
# enterprise's page offers them and the API lists them (core.workflow.available_steps). Each
# status step sets the date of the change (and the suspension or closure date); closing also
# ends the supervision plate. Editing, hanging a plate and voiding are steps too (in any status
# but the rules given), so every button of the page comes from this one declaration.
def _not_closed(enterprise) -> bool:
    return enterprise.status != OperatingStatus.CLOSED


OPERATING_STATUS_MACHINE = StateMachine(
    model="enterprises.Enterprise", states=OperatingStatus, state_field="status", steps=[
        Step(events.SUSPEND, _("Suspend operations"), sources=(OperatingStatus.OPERATING,),
             target=OperatingStatus.SUSPENDED, right="change_status"),
        Step(events.CLOSE, _("Close down"), sources=(OperatingStatus.OPERATING, OperatingStatus.SUSPENDED),
             target=OperatingStatus.CLOSED, right="change_status"),
        # A closed unit can only reopen: resuming is the one way back to operating.
        Step(events.RESUME, _("Resume operations"), sources=(OperatingStatus.SUSPENDED, OperatingStatus.CLOSED),
             target=OperatingStatus.OPERATING, right="change_status"),
        Step(events.ENTERPRISE_UPDATED, _("Edit"), right="edit"),
        # A closed unit is no longer supervised (closing ended its plate).
        Step(events.SUPERVISION_ASSIGNED, _("Assign supervision"), right="assign_supervision", guards=(
            Guard(_not_closed, _("A closed enterprise cannot be assigned for supervision."), field="enterprise"),)),
        Step("void", _("Void"), right="void", event=events.VOIDED),
    ])

# The status step that leads to each status (one per status).
STATUS_STEPS = {step.target: step for step in OPERATING_STATUS_MACHINE.steps if step.target}

# Allowed operating-status transitions (from → to), read from the machine.
STATUS_TRANSITIONS = {status: {step.target for step in STATUS_STEPS.values() if status in step.sources}
                      for status in OperatingStatus}


class HighRiskBasis(models.TextChoices):
    """Where an enterprise's high-risk flag comes from: its industry's flag (kept in step when
    the industry or its flag changes) or a person's decision (kept as set)."""

    INDUSTRY = "industry", _("From the industry")
    MANUAL = "manual", _("Set by hand")
