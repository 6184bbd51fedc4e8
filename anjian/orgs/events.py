"""The event action codes of departments and user accounts and how every timeline names them
(read by ``core.events``). The codes are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _

USER_DEACTIVATED = "deactivated"
DEPARTMENT_VOIDED = "voided"

EVENT_LABELS = {
    USER_DEACTIVATED: _("Deactivated"),
}
