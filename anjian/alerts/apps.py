from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Warnings (预警): the rule engine, the warnings it raises, the inbox pages and API."""

    name = "anjian.alerts"
    label = "alerts"
    verbose_name = _("Warnings")

    def ready(self) -> None:
        # Warning rules are declared in each Anjian app's ``rules`` module: import them all now,
        # so every process (pages, API, worker, scan_warnings) knows the same rules.
        for config in apps.get_app_configs():
            if config.name.startswith("anjian.") and module_has_submodule(config.module, "rules"):
                import_module(f"{config.name}.rules")
