from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Indicators, targets (目标责任书), assessment and rankings (考核、排名) of the committee
    office: the app that turns the other apps' declared indicators into the figures it steers
    with."""

    name = "anjian.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        # The regulator's home page reads the panels registered with core.home: this app's
        # headline indicators against their targets.
        from . import home  # noqa: F401
