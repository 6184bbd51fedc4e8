from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anjian.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the installation's system checks
        from .admin import bound_admin_forms

        # The admin modules are loaded by now (django.contrib.admin is ready before us).
        bound_admin_forms()

        # django-axes names its admin section after its label ("Axes") without a translation;
        # administrators read the section in Chinese.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Log-in lockouts")
        # The sections and list columns of the enterprise's file (core.dossier) are declared in
        # each Anjian app's ``profile`` module: import them all now so every process shows the
        # same sections and columns.
        # Indicators (core.indicators) are declared in each app's ``indicators`` module, by the app
        # that owns their data: import them all now, so every process knows the same indicators.
        for config in apps.get_app_configs():
            if not config.name.startswith("anjian."):
                continue
            for module in ("profile", "indicators"):
                if config.name != self.name and module_has_submodule(config.module, module):
                    import_module(f"{config.name}.{module}")
