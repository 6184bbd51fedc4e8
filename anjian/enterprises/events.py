"""Names of this app's event actions that no timeline of its own shows (read by core.events for
the admin's event list and for any page that shows the record's events)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "enterprises_imported": _("Enterprises imported"),
    "enterprises_high_risk_followed": _("Enterprises follow the industry's high-risk flag"),
}
