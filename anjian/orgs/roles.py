"""What each role may change. Reading is decided by scoping; writing by these permissions.

Each role is a Django group holding model permissions, kept in sync after every migrate,
so the standard machinery (``user.has_perm``, DRF's DjangoModelPermissions, the admin)
applies everywhere.
"""

from django.apps import apps as global_apps

from .choices import Role

# Finding and reporting hazards (and correcting what one reported).
HAZARD_FINDER = ["hazards.add_hazard", "hazards.change_hazard"]
# Supervising the loop: acceptance of major hazards, listing, notices, voiding.
HAZARD_REGULATOR = [*HAZARD_FINDER, "hazards.delete_hazard", "hazards.transition_hazard", "hazards.list_hazard",
                    "hazards.issue_notice_hazard", "hazards.recheck_hazard"]
# Re-checking (复查) what one's own patrol or expert inspection found (services.can_recheck decides per hazard).
HAZARD_RECHECKER = ["hazards.recheck_hazard"]

# Inspection records (any inspector) and self-inspection duties (enterprises and regulators).
INSPECTION_RECORDS = ["inspections.add_inspectionrecord", "inspections.change_inspectionrecord",
                      "inspections.delete_inspectionrecord"]
INSPECTION_DUTIES = ["inspections.add_inspectionduty", "inspections.change_inspectionduty",
                     "inspections.delete_inspectionduty"]

# app_label.codename, per role. "view_*" is not listed: reading is governed by scoping.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: ["*"],
    Role.REGULATOR: [
        "enterprises.add_enterprise", "enterprises.change_enterprise", "enterprises.delete_enterprise",
        "enterprises.import_enterprise", "enterprises.change_status_enterprise",
        "enterprises.add_supervision", "enterprises.change_supervision",
        *HAZARD_REGULATOR, *INSPECTION_RECORDS, *INSPECTION_DUTIES,
    ],
    Role.INDUSTRY_OFFICER: [
        "enterprises.add_enterprise", "enterprises.change_enterprise", "enterprises.import_enterprise",
        "enterprises.change_status_enterprise",
        "enterprises.add_supervision", "enterprises.change_supervision",
        *HAZARD_REGULATOR, *INSPECTION_RECORDS, *INSPECTION_DUTIES,
    ],
    Role.GRID_OFFICER: ["enterprises.add_enterprise", "enterprises.change_enterprise", *HAZARD_FINDER,
                        *HAZARD_RECHECKER, *INSPECTION_RECORDS],
    # The committee office enters the yearly GDP and employment figures behind the accident rates.
    Role.COMMITTEE_OFFICE: ["regions.add_regionyearfigure", "regions.change_regionyearfigure",
                            "regions.delete_regionyearfigure"],
    Role.EXPERT: [*HAZARD_FINDER, *HAZARD_RECHECKER, *INSPECTION_RECORDS],
    Role.ENTERPRISE: ["enterprises.change_enterprise", *HAZARD_FINDER, "hazards.transition_hazard",
                      *INSPECTION_RECORDS, *INSPECTION_DUTIES],
}


# Apps that keep their role permissions in their own ``roles.py`` (merged here, so each app's
# rights live beside its models).
APPS_WITH_ROLES = ["risks", "majorhazards", "accidents"]


def _merge_app_roles() -> None:
    import importlib

    for app in APPS_WITH_ROLES:
        for role, codes in importlib.import_module(f"anjian.{app}.roles").ROLE_PERMISSIONS.items():
            if ROLE_PERMISSIONS[role] != ["*"]:
                ROLE_PERMISSIONS[role] = [*ROLE_PERMISSIONS[role], *codes]


_merge_app_roles()


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
