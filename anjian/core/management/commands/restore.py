"""anjian restore <directory> --yes: replace the database and the media with a backup (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from anjian.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = ("Replace the configured database and the media directory with a backup made by `anjian backup`, "
            "then check every table's row count. Stop the web and worker processes first.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--yes", action="store_true", help="Confirm: the current data is replaced.")
        parser.add_argument("--check", action="store_true", help="Only check the backup's files; change nothing.")

    def handle(self, directory, yes=False, check=False, **options):
        try:
            if check:
                manifest = read_manifest(directory)
                self.stdout.write(f"backup of {manifest['created_at']} ({manifest['engine']}) is intact")
                return
            if not yes:
                raise CommandError("restore replaces the current database and media: add --yes to confirm.")
            manifest = restore(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest['created_at']}; every table has its rows back")
