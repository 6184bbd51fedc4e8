from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardFactor(models.TextChoices):
    """GB/T 13861-2022 top-level classes of hazardous and harmful factors (危险和有害因素)."""

    PERSON = "person", _("Human factor")
    OBJECT = "object", _("Object factor")
    ENVIRONMENT = "environment", _("Environmental factor")
    MANAGEMENT = "management", _("Management factor")
