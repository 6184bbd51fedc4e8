from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MajorHazardsConfig(AppConfig):
    name = "anjian.majorhazards"
    verbose_name = _("Major hazard sources")
