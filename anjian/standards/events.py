"""The event action codes of the standards library and how every timeline names them.

The services (and the imports) write these codes (``core.Event.action``); ``EVENT_LABELS``
names each of them (read by ``core.events`` for the checklist's timeline, the admin's event
list and the history rows). The codes are stored: they never change meaning.
"""

from django.utils.translation import gettext_lazy as _

CREATED = "created"
UPDATED = "updated"
IMPORTED = "imported"
VERSION_CREATED = "version_created"
VERSION_CLOSED = "version_closed"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"

EVENT_LABELS = {
    CREATED: _("Created"),
    UPDATED: _("Changed"),
    IMPORTED: _("Imported"),
    VERSION_CREATED: _("New version created"),
    VERSION_CLOSED: _("Superseded by a new version"),
    DEACTIVATED: _("Deactivated"),
    REACTIVATED: _("Reactivated"),
}
