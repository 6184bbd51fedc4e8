"""The event action codes of the enforcement app and how every timeline names them.

The services write these codes (``core.Event.action``, through ``core.workflow``); ``EVENT_LABELS``
names each one (read by ``core.events`` for every timeline and the admin's event list). The codes
are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # core.workflow.void writes it on every record

# --- expert pool and officers ---------------------------------------------------------------
EXPERT_UNAVAILABLE = "expert_unavailable"
EXPERT_AVAILABLE = "expert_available"
EXPERT_RETIRED = "expert_retired"
CERTIFICATE_SUSPENDED = "certificate_suspended"
CERTIFICATE_REINSTATED = "certificate_reinstated"
CERTIFICATE_REVOKED = "certificate_revoked"
CONFLICT_ENDED = "conflict_ended"

# --- plans ------------------------------------------------------------------------------------
PLAN_ENTERPRISES_ADDED = "plan_enterprises_added"
PLAN_ENTERPRISES_REMOVED = "plan_enterprises_removed"
PLAN_REFRESHED = "plan_refreshed"
PLAN_VISITS_SET = "plan_visits_set"
PLAN_APPROVED = "plan_approved"
PLAN_REVISED = "plan_revised"
PLAN_CLOSED = "plan_closed"

# --- draws ------------------------------------------------------------------------------------
DRAW_MADE = "draw_made"
DRAW_PUBLISHED = "draw_published"
DRAW_SUPERSEDED = "draw_superseded"

EVENT_LABELS = {
    CREATED: pgettext_lazy("enforcement event", "Recorded"),
    UPDATED: pgettext_lazy("enforcement event", "Details corrected"),
    VOIDED: pgettext_lazy("enforcement event", "Voided"),
    EXPERT_UNAVAILABLE: _("Expert marked unavailable"),
    EXPERT_AVAILABLE: _("Expert available again"),
    EXPERT_RETIRED: _("Expert retired from the pool"),
    CERTIFICATE_SUSPENDED: _("Enforcement certificate suspended"),
    CERTIFICATE_REINSTATED: _("Enforcement certificate reinstated"),
    CERTIFICATE_REVOKED: _("Enforcement certificate revoked"),
    CONFLICT_ENDED: _("Declared conflict ended"),
    PLAN_ENTERPRISES_ADDED: _("Enterprises added to the plan"),
    PLAN_ENTERPRISES_REMOVED: _("Enterprises removed from the plan"),
    PLAN_REFRESHED: _("Frequencies recomputed"),
    PLAN_VISITS_SET: _("Planned visits set"),
    PLAN_APPROVED: _("Plan approved"),
    PLAN_REVISED: _("Plan reopened for revision"),
    PLAN_CLOSED: _("Plan closed"),
    DRAW_MADE: _("Random draw made"),
    DRAW_PUBLISHED: _("Draw published"),
    DRAW_SUPERSEDED: _("Superseded by a redraw"),
}

# --- cases (行政执法案件) and summons, circulars, exposure --------------------------------------
CASE_FILED = "case_filed"
CASE_DECLINED = "case_declined"
CASE_VIOLATIONS_SET = "case_violations_set"
CASE_PARTY_ADDED = "case_party_added"
CASE_EVIDENCE_ADDED = "case_evidence_added"
CASE_EXTENDED = "case_extended"
CASE_NOTIFIED = "case_notified"
CASE_STATEMENT_RECORDED = "case_statement_recorded"
CASE_REVIEW_SUBMITTED = "case_review_submitted"
CASE_REVIEWED = "case_reviewed"
CASE_DECIDED = "case_decided"
CASE_PUBLISHED = "case_published"
CASE_EXECUTED = "case_executed"
CASE_CLOSED = "case_closed"
CASE_REVOKED = "case_revoked"
CASE_TRANSFERRED = "case_transferred"
ADMONITION_ISSUED = "admonition_issued"

EVENT_LABELS.update({
    CASE_FILED: _("Case filed"),
    CASE_DECLINED: _("Decided not to file the case"),
    CASE_VIOLATIONS_SET: _("Violations and fines recorded"),
    CASE_PARTY_ADDED: _("Party added"),
    CASE_EVIDENCE_ADDED: _("Evidence added"),
    CASE_EXTENDED: _("Time limit extended"),
    CASE_NOTIFIED: _("Party notified of the intended penalty"),
    CASE_STATEMENT_RECORDED: _("Statement or hearing recorded"),
    CASE_REVIEW_SUBMITTED: _("Submitted for legal review"),
    CASE_REVIEWED: _("Legal review opinion given"),
    CASE_DECIDED: _("Penalty decided"),
    CASE_PUBLISHED: _("Decision published"),
    CASE_EXECUTED: _("Execution recorded"),
    CASE_CLOSED: _("Case closed"),
    CASE_REVOKED: _("Case withdrawn"),
    CASE_TRANSFERRED: _("Transferred to the public security organ"),
    ADMONITION_ISSUED: _("Issued"),
})

# --- on-site inspections (执法检查) ---------------------------------------------------------------
INSPECTION_CREATED = "inspection_created"
INSPECTION_STARTED = "inspection_started"
INSPECTION_RESULTS = "inspection_results_recorded"
FINDING_HAZARD = "finding_hazard_raised"
FINDING_VIOLATION = "finding_violation_noted"
FINDING_CASE = "finding_case_opened"
SIGNATURE_ADDED = "signature_added"
INSPECTION_SIGNED = "inspection_signed"
DOCUMENTS_ISSUED = "documents_issued"
RECHECK_OPENED = "recheck_opened"
INSPECTION_RECHECKED = "inspection_rechecked"
MEASURE_DECIDED = "measure_decided"
MEASURE_LIFTED = "measure_lifted"
INSPECTION_CLOSED = "inspection_closed"
ROTATION_RECORDED = "rotation_recorded"

EVENT_LABELS.update({
    INSPECTION_CREATED: _("Enforcement inspection prepared"),
    INSPECTION_STARTED: _("Inspection started on site"),
    INSPECTION_RESULTS: _("Check results recorded"),
    FINDING_HAZARD: _("Finding entered as a hazard"),
    FINDING_VIOLATION: _("Finding noted as a violation for a case"),
    FINDING_CASE: _("Case opened from a violation"),
    SIGNATURE_ADDED: _("Signature added"),
    INSPECTION_SIGNED: _("On-site record signed"),
    DOCUMENTS_ISSUED: _("Enforcement documents issued"),
    RECHECK_OPENED: _("Re-check due"),
    INSPECTION_RECHECKED: _("Rectification re-checked"),
    MEASURE_DECIDED: _("Compulsory measure decided"),
    MEASURE_LIFTED: _("Compulsory measure lifted"),
    INSPECTION_CLOSED: _("Enforcement inspection closed"),
    ROTATION_RECORDED: _("Leader rotation recorded"),
})
