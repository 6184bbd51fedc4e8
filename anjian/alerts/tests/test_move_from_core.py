"""The warnings moved from core to this app without losing anything: on a database migrated
before the move (core.0004, no alerts), the warnings, their read marks and the ids of their
content types are still there after ``migrate``, now as alerts' models."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anjian.alerts.models import Warning, WarningRead
from anjian.core.testing.engines import only_on
from anjian.portal.testing.factories import UserFactory

BEFORE_THE_MOVE = [("core", "0004_verbose_names"), ("alerts", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as they are at the targets (an app migrated to None has none).
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@only_on("sqlite", "it migrates the whole project back and forth (over a minute); the move's SQL is the ORM's, "
                  "the same on both engines")
@pytest.mark.django_db(transaction=True)
def test_migrating_past_the_move_keeps_the_warnings_and_their_content_types():
    # given a database as it was before the move, holding a warning that a user has read
    user = UserFactory()
    old = _migrate(BEFORE_THE_MOVE)
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldWarning, OldRead = old.get_model("core", "Warning"), old.get_model("core", "WarningRead")
    warning_type = OldContentType.objects.get(app_label="core", model="warning")
    about = OldContentType.objects.get(app_label="orgs", model="user")
    warning = OldWarning.objects.create(rule="hazard_overdue", content_type_id=about.pk, object_id=str(user.pk),
                                        message="整改逾期", region_path="990000000000")
    OldRead.objects.create(warning_id=warning.pk, user_id=user.pk)

    # when the database is migrated to this version
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then the warning and its read mark are alerts' rows, unchanged
    ContentType.objects.clear_cache()
    moved = Warning.objects.get(pk=warning.pk)
    assert (moved.rule, moved.message, moved.object_id) == ("hazard_overdue", "整改逾期", str(user.pk))
    assert WarningRead.objects.filter(warning=moved, user=user).exists()
    # and the content type of warnings is the same row, now labelled alerts (its permissions follow it)
    assert ContentType.objects.get_for_model(Warning).pk == warning_type.pk
    assert not ContentType.objects.filter(app_label="core", model__in=["warning", "warningread"]).exists()
    assert set(ContentType.objects.get_for_model(Warning).permission_set.values_list("codename", flat=True)) >= {
        "add_warning", "change_warning", "delete_warning", "view_warning"}
