from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "anjian.standards"
    verbose_name = _("Inspection standards")
