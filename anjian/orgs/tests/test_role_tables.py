"""Each app declares its roles' permissions in its own roles.py; orgs merges them and names none."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from anjian.orgs.choices import Role
from anjian.orgs.roles import ROLE_PERMISSIONS, app_role_tables, collect_role_permissions


def test_each_app_table_names_only_its_own_permissions():
    # given every app's roles.py, then each names permissions of its own app only, for known roles
    tables = app_role_tables()
    assert {name for name, _table in tables} >= {
        "anjian.regions", "anjian.enterprises", "anjian.hazards", "anjian.inspections",
        "anjian.risks", "anjian.majorhazards", "anjian.accidents"}
    for name, table in tables:
        label = apps.get_app_config(name.rsplit(".", 1)[1]).label
        assert set(table) <= set(Role.values), name
        for codes in table.values():
            assert all(code.startswith(f"{label}.") for code in codes), (name, codes)


@pytest.mark.django_db
def test_every_permission_named_exists():
    # given the merged table, then every permission it names is a real permission of the database
    for role, codes in ROLE_PERMISSIONS.items():
        for code in codes if codes != ["*"] else []:
            label, codename = code.split(".")
            assert Permission.objects.filter(content_type__app_label=label, codename=codename).exists(), (role, code)


def test_the_merged_table_is_the_union_of_the_apps_tables():
    # when the tables are collected again, then each role holds exactly what the apps give it
    # (the administrator: everything), and the dict importers hold is the same object
    merged = collect_role_permissions()
    assert merged is ROLE_PERMISSIONS
    assert merged[Role.ADMIN] == ["*"]
    for role in Role:
        if role == Role.ADMIN:
            continue
        expected = {code for _name, table in app_role_tables() for code in table.get(role, [])}
        assert set(merged[role]) == expected
        assert len(merged[role]) == len(expected)  # nothing twice
