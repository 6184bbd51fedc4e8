"""`anjian migrate`: Django's migrate, plus ``--progress`` — one short bilingual line each time
the migrations of another app start, and a closing line with the count and the time — for
`make demo`, where the first run takes a minute or more and the full per-migration list (at
verbosity 1) would bury what matters. Without ``--progress`` it is Django's command unchanged."""

import time

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections
from django.db.migrations.executor import MigrationExecutor


class Command(MigrateCommand):
    help = MigrateCommand.help + " --progress prints one short line per app instead of one per migration."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--progress", action="store_true",
                            help="Print one short line per app as its migrations are applied (with --verbosity 0).")

    def handle(self, *args, **options):
        self.progress = bool(options.get("progress"))
        self.progress_apps: set[str] = set()
        self.progress_done = 0
        if not self.progress:
            return super().handle(*args, **options)
        executor = MigrationExecutor(connections[options["database"]])
        self.progress_total = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if not self.progress_total:
            self.stdout.write("  数据库结构已是最新 The database is up to date.")
            return super().handle(*args, **options)
        self.stdout.write(f"  共 {self.progress_total} 项迁移 {self.progress_total} migrations to apply")
        started = time.monotonic()
        result = super().handle(*args, **options)
        self.stdout.write(f"  迁移完成 Migrated: {self.progress_done} migrations in {time.monotonic() - started:.0f} s")
        return result

    def migration_progress_callback(self, action, migration=None, fake=False):
        super().migration_progress_callback(action, migration, fake)
        if not self.progress or action != "apply_start":
            return
        self.progress_done += 1
        if migration.app_label not in self.progress_apps:
            self.progress_apps.add(migration.app_label)
            self.stdout.write(f"  [{self.progress_done}/{self.progress_total}] 迁移 migrating {migration.app_label}")
            self.stdout.flush()
