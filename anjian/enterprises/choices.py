from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


# Allowed operating-status transitions (from → to).
STATUS_TRANSITIONS = {
    OperatingStatus.OPERATING: {OperatingStatus.SUSPENDED, OperatingStatus.CLOSED},
    OperatingStatus.SUSPENDED: {OperatingStatus.OPERATING, OperatingStatus.CLOSED},
    OperatingStatus.CLOSED: {OperatingStatus.OPERATING},
}
