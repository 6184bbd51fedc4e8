"""`anjian monitoring_sweep`: the monitoring jobs (alarm escalation, offline sensors, disconnected
sources; with --storage also partitions and retention) in this process, as the worker runs them."""

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Escalate unacknowledged alarms, mark silent sensors offline and disconnected sources (and storage)."

    def add_arguments(self, parser):
        parser.add_argument("--storage", action="store_true", help="Also create partitions and apply retention.")

    def handle(self, *args, storage, **options):
        from anjian.monitoring.tasks import run_storage, run_sweep

        out = run_sweep()
        if storage:
            out.update(run_storage())
        self.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
