from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OccupationalConfig(AppConfig):
    name = "anjian.occupational"
    verbose_name = _("Occupational health")
