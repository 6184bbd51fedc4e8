from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    """The committee office's tools (安委办): member units, monthly reports (两议一报), inspection
    tours, action-plan tasks, duty lists, campaigns, circulars and summons."""

    name = "anjian.steering"
    label = "steering"
    verbose_name = _("Committee office")
