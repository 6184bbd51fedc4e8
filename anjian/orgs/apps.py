from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "anjian.orgs"
    verbose_name = _("Organizations and people")

    def ready(self) -> None:
        from .roles import sync_role_groups

        # Once per migrate run: the handler itself creates every app's permissions first.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="anjian.orgs.sync_role_groups")
