"""`anjian import_regions FILE`: load a region tree from xlsx/CSV (all rows or none)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anjian.core.imports import ImportFileError
from anjian.regions.services import import_regions


class Command(BaseCommand):
    help = "Import regions from an .xlsx or .csv file (columns: 区划代码, 名称, 级别, 上级代码)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {file}")
        try:
            with path.open("rb") as fh:
                report = import_regions(fh, path.name)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for e in report.errors:
                self.stderr.write(f"row {e.row} [{e.field}]: {e.message}")
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{report.total_rows} rows read, {report.created} regions created."))
