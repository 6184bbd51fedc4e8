from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "anjian.orgs"
    verbose_name = _("Organizations and people")

    def ready(self) -> None:
        from anjian.core.scoping import register_user_scope

        from .roles import collect_role_permissions, sync_role_groups
        from .scoping import resolve_scope

        # core.scoping resolves a user's scope through this app (it knows no role).
        register_user_scope(resolve_scope)
        # Every app's role table (its roles.py), merged into ROLE_PERMISSIONS.
        collect_role_permissions()
        # Once per migrate run: the handler itself creates every app's permissions first.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="anjian.orgs.sync_role_groups")
