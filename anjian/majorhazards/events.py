"""The event actions the major hazard services write, and how timelines name them.

The codes are what the database holds (existing rows keep their meaning): services use these
constants, and ``EVENT_LABELS`` (read by ``core.events`` for every page and the admin) is keyed by
them. ``EVALUATION_REASONS`` names the codes an evaluation stores as its reason (and the
``evaluated`` event as its comment)."""

from django.utils.translation import gettext_lazy as _

# On a source.
SOURCE_REGISTERED = "created"
SOURCE_UPDATED = "updated"
SOURCE_EVALUATED = "evaluated"
STATE_CHANGED = "state_changed"  # every step of choices.SOURCE_MACHINE
SOURCE_VOIDED = "voided"  # written by core.workflow.void (also on a removed substance)
SUBSTANCE_ADDED = "substance_added"
SUBSTANCE_UPDATED = "substance_updated"
SUBSTANCE_REMOVED = "substance_removed"
PERSON_APPOINTED = "person_appointed"
PERSON_ENDED = "person_ended"
CHECK_RECORDED = "check_recorded"
# On a version of the GB 18218 tables.
TABLE_VERSION_CREATED = "table_version_created"
TABLE_MADE_CURRENT = "table_made_current"

EVENT_LABELS = {
    SOURCE_REGISTERED: _("Registered"), SOURCE_UPDATED: _("Details changed"),
    SOURCE_EVALUATED: _("Evaluated"), STATE_CHANGED: _("State changed"),
    SOURCE_VOIDED: _("Voided"), SUBSTANCE_ADDED: _("Chemical added"),
    SUBSTANCE_UPDATED: _("Chemical changed"), SUBSTANCE_REMOVED: _("Chemical removed"),
    PERSON_APPOINTED: _("Responsible person appointed"),
    PERSON_ENDED: _("Appointment ended"), CHECK_RECORDED: _("Check recorded"),
    TABLE_VERSION_CREATED: _("Table version created"),
    TABLE_MADE_CURRENT: _("Table version made current"),
}

# Why a source was evaluated again: the services store these codes as the evaluation's reason.
ON_REGISTRATION = "created"
POPULATION_CHANGED = "population changed"
ON_SUBSTANCE_ADDED = "substance added"
ON_SUBSTANCE_CHANGED = "substance changed"
ON_SUBSTANCE_REMOVED = "substance removed"

EVALUATION_REASONS = {
    ON_REGISTRATION: _("on registration"), POPULATION_CHANGED: _("residents within 500 m changed"),
    ON_SUBSTANCE_ADDED: _("chemical added"), ON_SUBSTANCE_CHANGED: _("chemical changed"),
    ON_SUBSTANCE_REMOVED: _("chemical removed"),
}
