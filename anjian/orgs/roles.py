"""What each role may change. Reading is decided by scoping; writing by these permissions.

Each role is a Django group holding model permissions, kept in sync after every migrate,
so the standard machinery (``user.has_perm``, DRF's DjangoModelPermissions, the admin)
applies everywhere.

Each app declares what the roles may change in its own models in its ``roles.py``
(``ROLE_PERMISSIONS``: role → ["app_label.codename", ...]), beside those models; this module
names no other app's permission: it finds every app's table when the apps are ready
(``OrgsConfig.ready``) and merges them into ``ROLE_PERMISSIONS``.
"""

from importlib import import_module

from django.apps import apps as global_apps
from django.utils.module_loading import module_has_submodule

from .choices import Role

# app_label.codename, per role, merged from every app's roles.py. "view_*" is not listed:
# reading is governed by scoping. The administrator holds every permission of every Anjian app.
ROLE_PERMISSIONS: dict[str, list[str]] = {role: [] for role in Role}
ROLE_PERMISSIONS[Role.ADMIN] = ["*"]


def app_role_tables() -> list[tuple[str, dict[str, list[str]]]]:
    """(app name, its ROLE_PERMISSIONS) of every Anjian app that has a ``roles`` module."""
    tables = []
    for config in global_apps.get_app_configs():
        if (config.name.startswith("anjian.") and config.name != __package__
                and module_has_submodule(config.module, "roles")):
            tables.append((config.name, import_module(f"{config.name}.roles").ROLE_PERMISSIONS))
    return tables


def collect_role_permissions() -> dict[str, list[str]]:
    """Fill ``ROLE_PERMISSIONS`` (in place: importers hold the same dict) from every app's table.
    Idempotent: each call starts again from the administrator's "*"."""
    merged: dict[str, list[str]] = {role: [] for role in Role}
    for _app, table in app_role_tables():
        for role, codes in table.items():
            merged[role] = [*merged[role], *(code for code in codes if code not in merged[role])]
    merged[Role.ADMIN] = ["*"]
    ROLE_PERMISSIONS.clear()
    ROLE_PERMISSIONS.update(merged)
    return ROLE_PERMISSIONS


def sync_role_groups(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    """Create one group per role and give it exactly its permissions (idempotent)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    for config in global_apps.get_app_configs():
        create_contenttypes(config, verbosity=0, using=using)
        create_permissions(config, verbosity=0, using=using)
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=f"role:{role}")
        if codes == ["*"]:
            perms = Permission.objects.using(using).filter(content_type__app_label__in=_anjian_labels())
        else:
            perms = [
                Permission.objects.using(using).get(content_type__app_label=code.split(".")[0],
                                                    codename=code.split(".")[1])
                for code in codes
            ]
        group.permissions.set(perms)


def _anjian_labels() -> list[str]:
    return [c.label for c in global_apps.get_app_configs() if c.name.startswith("anjian.")]


def apply_role_group(user) -> None:
    """Put ``user`` in exactly the group of its role."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=f"role:{user.role}")
    user.groups.set([group])
