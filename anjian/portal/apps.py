from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top of the stack: what brings every app together — the home page, the side menu, the
    demo data (``anjian demo``) and the test factories. No app imports it."""

    name = "anjian.portal"
    label = "portal"
    verbose_name = _("Portal")
