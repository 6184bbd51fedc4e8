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


class HighRiskBasis(models.TextChoices):
    """Where an enterprise's high-risk flag comes from: its industry's flag (kept in step when
    the industry or its flag changes) or a person's decision (kept as set)."""

    INDUSTRY = "industry", _("From the industry")
    MANUAL = "manual", _("Set by hand")
