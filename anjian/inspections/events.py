"""Names of this app's event actions that no timeline of its own shows (read by core.events for
the admin's event list and for any page that shows the record's events)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "tasks_scheduled": _("Tasks scheduled"),
    "tasks_missed": _("Overdue tasks marked missed"),
    "done": _("Done"),
    "reopened": _("Reopened"),
}
