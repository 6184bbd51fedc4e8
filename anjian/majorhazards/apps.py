from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MajorHazardsConfig(AppConfig):
    name = "anjian.majorhazards"
    verbose_name = _("Major hazard sources")

    def ready(self) -> None:
        # Saving any row of any GB 18218 table forgets the cached current table in every process.
        from django.db.models.signals import post_delete, post_save

        from . import models
        from .calculation import clear_table_cache

        for model in (models.CriticalQuantityTable, models.NamedChemical, models.HazardClassThreshold,
                      models.AlphaBand, models.GradeBand):
            post_save.connect(clear_table_cache, sender=model, dispatch_uid=f"mh_table_cache_{model.__name__}")
            post_delete.connect(clear_table_cache, sender=model, dispatch_uid=f"mh_table_cache_del_{model.__name__}")
