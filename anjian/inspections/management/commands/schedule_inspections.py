"""`anjian schedule_inspections [--date YYYY-MM-DD]`: what the nightly job does, now."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anjian.inspections import services


class Command(BaseCommand):
    help = ("Mark open inspection tasks past their due date as missed, then create the task of the "
            "current period for every active inspection duty (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to schedule for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None = None, **options):
        day = self._day(date)
        result = services.run_schedule(day)
        self.stdout.write(self.style.SUCCESS(
            f"{day:%Y-%m-%d}: {result['missed']} task(s) marked missed, {result['scheduled']} task(s) scheduled."))

    @staticmethod
    def _day(value: str | None) -> "date":
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None
