"""Migration operations shared by the apps' migrations."""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex whose index exists on PostgreSQL only (it is in the migration state everywhere).

    Used for covering indexes (INCLUDE), which SQLite does not have; an embedded (SQLite)
    installation does not hold a province's data and needs no such index. (Expression indexes
    would also compile on SQLite to functions only Django registers on its connections, so the
    sqlite3 shell could no longer VACUUM, restore or write the table.)"""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
