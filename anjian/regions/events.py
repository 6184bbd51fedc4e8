"""The event action codes of the regions app and how every timeline names them (read by
``core.events`` for the admin's event list and any page that shows a record's events). The
codes are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _

FIGURES_ENTERED = "figures_entered"
FIGURES_CORRECTED = "figures_corrected"

EVENT_LABELS = {
    FIGURES_ENTERED: _("Yearly figures entered"),
    FIGURES_CORRECTED: _("Yearly figures corrected"),
}
