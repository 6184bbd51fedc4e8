"""`anjian open_monthly_reports [--month YYYY-MM]`: open the month's report (两议一报) for every
filing unit that has none yet (what the daily job does for the current month)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anjian.steering.services import open_month


class Command(BaseCommand):
    help = "Open the monthly report (两议一报) of a month for every filing unit that has none yet."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the current month)")

    def handle(self, *args, month=None, **options):
        if month:
            try:
                day = datetime.date.fromisoformat(f"{month}-01")
            except ValueError as exc:
                raise CommandError("--month must be YYYY-MM") from exc
        else:
            day = timezone.localdate()
        opened = open_month(day)
        self.stdout.write(f"{len(opened)} monthly reports opened for {day:%Y-%m}.")
