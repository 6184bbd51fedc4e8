from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "anjian.monitoring"
    verbose_name = _("Online monitoring")

    def ready(self) -> None:
        # A changed parameter row (escalation times, offline periods) is read afresh everywhere.
        from django.db.models.signals import post_delete, post_save

        from . import models
        from .parameters import clear_parameter_cache

        post_save.connect(clear_parameter_cache, sender=models.MonitoringParameter, dispatch_uid="mon_param_save")
        post_delete.connect(clear_parameter_cache, sender=models.MonitoringParameter, dispatch_uid="mon_param_del")
