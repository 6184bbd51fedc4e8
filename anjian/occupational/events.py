"""The event action codes of the occupational-health app and how every timeline names them.

The services write these codes (``core.Event.action``, through ``core.workflow``); ``EVENT_LABELS``
names each one. The codes are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # core.workflow.void writes it on every record

DECLARATION_SUBMITTED = "occ_declaration_submitted"
DECLARATION_ACCEPTED = "occ_declaration_accepted"
DECLARATION_RETURNED = "occ_declaration_returned"
RESULT_ADDED = "occ_result_added"
HAZARD_RAISED = "occ_hazard_raised"
FOLLOW_UP_DONE = "occ_follow_up_done"
EXAMINATIONS_IMPORTED = "occ_examinations_imported"

EVENT_LABELS = {
    CREATED: pgettext_lazy("occupational event", "Recorded"),
    UPDATED: pgettext_lazy("occupational event", "Details corrected"),
    VOIDED: pgettext_lazy("occupational event", "Voided"),
    DECLARATION_SUBMITTED: _("Declaration submitted"),
    DECLARATION_ACCEPTED: _("Declaration accepted"),
    DECLARATION_RETURNED: _("Declaration returned"),
    RESULT_ADDED: _("Detection result added"),
    HAZARD_RAISED: _("Exceedance raised as a hazard"),
    FOLLOW_UP_DONE: _("Follow-up completed"),
    EXAMINATIONS_IMPORTED: _("Health examinations imported"),
}
