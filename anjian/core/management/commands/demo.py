"""`anjian demo`: generate the deterministic demo city (示范市), clearly marked as demo data."""

import time

from django.core.management.base import BaseCommand, CommandError

from anjian.core.demo.generator import DEMO_LOGINS, DEMO_PASSWORD, DemoBuilder, DemoSize


class Command(BaseCommand):
    help = "Generate demo data: 示范省/示范市 with counties, townships, grids, departments, enterprises and users."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1,
                            help="Number of demo cities, each the size of 示范市 (6 counties, 60 townships, "
                                 "300 grids, 3,000 enterprises). Larger scales skip per-row history.")
        parser.add_argument("--enterprises-per-township", type=int, default=50)
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data already exists.")

    def handle(self, *args, scale, enterprises_per_township, seed, if_empty, **options):
        from anjian.regions.models import Region

        if Region.objects.filter(code="990000000000").exists():
            if if_empty:
                self.stdout.write("Demo data already present (示范省); nothing generated.")
                self._print_logins()
                return
            raise CommandError("Demo data already exists. Use a fresh database (or --if-empty).")
        started = time.monotonic()
        size = DemoSize(cities=scale, enterprises_per_township=enterprises_per_township)
        stats = DemoBuilder(size, seed=seed, with_history=scale == 1).build()
        if scale == 1:
            from anjian.enterprises.models import Enterprise
            from anjian.hazards.demo import build_demo_hazards
            from anjian.inspections.demo import build_demo_inspections

            stats["hazards"] = build_demo_hazards(seed=seed)
            stats.update(build_demo_inspections(Enterprise.objects.filter(is_demo=True), seed=seed + 2))
            # Risks, major hazard sources and accidents: each app builds its own demo rows.
            import importlib

            for app in ("risks", "majorhazards", "accidents"):
                stats.update(importlib.import_module(f"anjian.{app}.demo").build_demo(seed=seed + 3))
            # GDP and employment per region and year, the denominators of the accident rates.
            from anjian.regions.demo_figures import build_demo_figures

            stats.update(build_demo_figures(seed=seed + 4))
            # Raise the warnings the demo ledger deserves now, not 15 minutes after the worker starts.
            from anjian.core.warnings import run_all_rules

            stats["warnings"] = sum(r.get("raised", 0) for r in run_all_rules().values())
        self.stdout.write(self.style.SUCCESS(
            "DEMO DATA generated in {:.1f}s: {}".format(
                time.monotonic() - started, ", ".join(f"{k} {v}" for k, v in stats.items()))))
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"\n演示账号 Demo log-ins (password for all: {DEMO_PASSWORD})")
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<24} {label}")
