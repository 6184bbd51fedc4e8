"""Choice sets of the major hazard registry, and the state machine of a source (declared once:
the services, the page's buttons and the documentation read it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import StateMachine, Step


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("Production unit")
    STORAGE = "storage", _("Storage unit")


class SourceState(models.TextChoices):
    IN_OPERATION = "in_operation", _("In operation")
    SUSPENDED = "suspended", pgettext_lazy("major hazard", "Suspended")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class MajorGrade(models.IntegerChoices):
    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")
    FOUR = 4, _("Grade 4")


class PersonRole(models.TextChoices):
    """The three 包保责任人 of a major hazard source (应急厅〔2021〕12号)."""

    PRINCIPAL = "principal", _("Principal responsible person")
    TECHNICAL = "technical", _("Technical responsible person")
    OPERATIONAL = "operational", _("Operational responsible person")


# A source's state: in operation ⇄ suspended, either → decommissioned (final). Every step writes
# the event ``state_changed`` (events.STATE_CHANGED) with the states; the policy's ``manage`` rule
# decides who may take them. Decommissioning needs a reason: an input rule, checked by the service
# (a Guard sees the record, not what the user typed).
SOURCE_MACHINE = StateMachine(
    model="majorhazards.MajorHazardSource",
    states=SourceState,
    steps=[
        Step("suspend", pgettext_lazy("major hazard", "Suspend"),
             sources=(SourceState.IN_OPERATION,), target=SourceState.SUSPENDED),
        Step("resume", pgettext_lazy("major hazard", "Put back in operation"),
             sources=(SourceState.SUSPENDED,), target=SourceState.IN_OPERATION),
        Step("decommission", pgettext_lazy("major hazard", "Decommission"),
             sources=(SourceState.IN_OPERATION, SourceState.SUSPENDED), target=SourceState.DECOMMISSIONED),
    ],
)


def step_to(state: str) -> Step | None:
    """The step of ``SOURCE_MACHINE`` that leads to ``state`` (one per target state), if any."""
    return next((s for s in SOURCE_MACHINE.steps if s.target == state), None)
