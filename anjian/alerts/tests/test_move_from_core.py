"""The warnings moved from core to this app without losing anything (alerts.0001 after
core.0005): the tables keep core's names, so no row moves; the migration state of both apps
describes the same tables; and the content types core.warning and core.warningread are relabelled
alerts.* in place, so their ids, their permissions and every generic key pointing at them stay
valid (and back again on a reverse migration).

The whole upgrade (migrating the project back to core.0004 and forward again) is not run here:
it re-renders every app's migration state both ways, several minutes of CPU for a one-time
upgrade path. What it exercised is checked piece by piece below."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from anjian.alerts.models import Warning, WarningRead

MOVE = importlib.import_module("anjian.alerts.migrations.0001_initial")

pytestmark = pytest.mark.django_db


def test_the_models_keep_cores_tables_in_the_code_and_in_the_migration_state():
    # given the migration state just before the move and at the end of the alerts' first migration
    loader = MigrationLoader(connection)
    before = loader.project_state(("core", "0004_verbose_names"))
    after = loader.project_state(("alerts", "0001_initial"))
    # then core's warning tables are the ones alerts' models read, in both states and in the code
    for old, new, model in (("core", "alerts", Warning), ("core", "alerts", WarningRead)):
        name = model._meta.model_name
        assert before.models[(old, name)].options.get("db_table", f"core_{name}") == model._meta.db_table
        assert after.models[(new, name)].options["db_table"] == model._meta.db_table
        assert (old, name) not in after.models
    # and the tables exist under those names
    tables = set(connection.introspection.table_names())
    assert {"core_warning", "core_warningread"} <= tables


def test_the_content_types_are_relabelled_in_place_with_their_permissions():
    # given a database before the move: the warnings' content types are labelled core
    moved = {m: ContentType.objects.get(app_label="alerts", model=m) for m in MOVE.MODELS}
    perms = {m: set(ct.permission_set.values_list("codename", flat=True)) for m, ct in moved.items()}
    ContentType.objects.filter(pk__in=[ct.pk for ct in moved.values()]).update(app_label="core")
    ContentType.objects.clear_cache()
    # when the move's data step runs
    MOVE.move_content_types(apps, None)
    # then the same rows are alerts' again, with the same permissions
    for model, ct in moved.items():
        again = ContentType.objects.get(pk=ct.pk)
        assert (again.app_label, again.model) == ("alerts", model)
        assert set(again.permission_set.values_list("codename", flat=True)) == perms[model]
    assert perms["warning"] >= {"add_warning", "change_warning", "delete_warning", "view_warning"}
    assert not ContentType.objects.filter(app_label="core", model__in=MOVE.MODELS).exists()
    # and the reverse step labels them core again
    MOVE.move_content_types_back(apps, None)
    assert set(ContentType.objects.filter(pk__in=[ct.pk for ct in moved.values()])
               .values_list("app_label", flat=True)) == {"core"}


def test_a_database_that_has_both_labels_keeps_them_as_they_are():
    # given content types under both labels (a fresh database where post_migrate made alerts' first)
    alerts_ct = ContentType.objects.get(app_label="alerts", model="warning")
    core_ct = ContentType.objects.create(app_label="core", model="warning")
    # when the move's data step runs, nothing is relabelled (a unique label would be broken)
    MOVE.move_content_types(apps, None)
    assert ContentType.objects.get(pk=core_ct.pk).app_label == "core"
    assert ContentType.objects.get(pk=alerts_ct.pk).app_label == "alerts"
