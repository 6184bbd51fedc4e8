"""anjian backup <directory>: the database and the media in one checked directory (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from anjian.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media directory into a new directory, with a checked manifest."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"backed up {manifest['engine']} database ({rows} rows) and media into {directory}")
