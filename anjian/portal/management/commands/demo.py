"""`anjian demo`: generate the deterministic demo city (示范市), clearly marked as demo data.

It says what it is doing: one bilingual line as each phase starts, and its counts and time
when it ends (the whole build takes a minute or more)."""

import importlib
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from anjian.portal.demo.generator import DEMO_LOGINS, DEMO_PASSWORD, DemoBuilder, DemoSize


def _hazards(seed: int):
    from anjian.hazards.demo import build_demo_hazards

    return {"hazards": build_demo_hazards(seed=seed)}


def _inspections(seed: int):
    from anjian.enterprises.models import Enterprise
    from anjian.inspections.demo import build_demo_inspections

    return build_demo_inspections(Enterprise.objects.filter(is_demo=True), seed=seed + 2)


def _app(app: str) -> Callable[[int], dict]:
    return lambda seed: importlib.import_module(f"anjian.{app}.demo").build_demo(seed=seed + 3)


def _figures(seed: int):
    # GDP and employment per region and year, the denominators of the accident rates.
    from anjian.regions.demo_figures import build_demo_figures

    return build_demo_figures(seed=seed + 4)


def _warnings(seed: int):
    # Raise the warnings the demo ledger deserves now, not 15 minutes after the worker starts.
    from anjian.alerts.engine import run_all_rules

    return {"warnings": sum(r.get("raised", 0) for r in run_all_rules().values())}


# Phases of the full demo (scale 1) after the city itself: (Chinese, English, builder). Each
# builder answers a dict of counts; the order matters (hazards need the users, inspections
# raise hazards, the warnings read everything before them).
PHASES = [
    ("隐患台账", "hazard ledger", _hazards),
    ("排查计划、任务和检查记录", "inspection duties, tasks and records", _inspections),
    ("风险点和管控措施", "risk points and control measures", _app("risks")),
    ("重大危险源", "major hazard sources", _app("majorhazards")),
    ("在线监测（传感器和最近一天的数据）", "online monitoring (sensors and the last day of readings)", _app("monitoring")),
    ("生产安全事故", "accidents", _app("accidents")),
    ("地区年度数据", "regional yearly figures", _figures),
    ("安委办：责任单位、两议一报等", "committee office: units, monthly reports, …", _app("steering")),
    ("监管执法", "enforcement", _app("enforcement")),
    ("企业许可证照与培训持证", "licences, training and certificates", _app("obligations")),
    ("安全生产诚信", "safety credit", _app("credit")),
    ("应急准备", "emergency preparedness", _app("emergency")),
    ("职业健康", "occupational health", _app("occupational")),
    ("举报奖励和信息公开", "tips, rewards and public disclosure", _app("public")),
    ("预警", "warnings", _warnings),
    ("目标责任书、考核与排名", "targets, assessment and rankings", _app("assessment")),
]


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
                self.stdout.write("演示数据已存在，未重新生成 Demo data already present (示范省); nothing generated.")
                self._print_logins()
                return
            raise CommandError("Demo data already exists. Use a fresh database (or --if-empty).")
        started = time.monotonic()
        phases = PHASES if scale == 1 else []
        total = 1 + len(phases)
        size = DemoSize(cities=scale, enterprises_per_township=enterprises_per_township)
        stats = self._phase(1, total, "示范市：区划、网格、部门、企业和账号",
                            "the demo city: regions, grids, departments, enterprises, log-ins",
                            lambda: DemoBuilder(size, seed=seed, with_history=scale == 1,
                                                progress=self._county_done).build())
        for n, (zh, en, build) in enumerate(phases, start=2):
            stats.update(self._phase(n, total, zh, en, lambda build=build: build(seed)))
        self.stdout.write(self.style.SUCCESS(
            "演示数据已生成 DEMO DATA generated in {:.1f}s: {}".format(
                time.monotonic() - started, ", ".join(f"{k} {v}" for k, v in stats.items()))))
        self._print_logins()

    def _phase(self, n: int, total: int, zh: str, en: str, build: Callable[[], dict]) -> dict:
        """Run one phase between a line saying what starts and one with what it made."""
        self.stdout.write(f"[{n}/{total}] {zh} {en} …")
        self.stdout.flush()
        started = time.monotonic()
        made = build()
        counts = ", ".join(f"{k} {v}" for k, v in made.items())
        self.stdout.write(f"      {counts} ({time.monotonic() - started:.1f}s)")
        return made

    def _county_done(self, county: str, enterprises: int) -> None:
        self.stdout.write(f"      {county}：{enterprises} 家企业 enterprises")
        self.stdout.flush()

    def _print_logins(self):
        self.stdout.write(f"\n演示账号 Demo log-ins (password for all: {DEMO_PASSWORD})")
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<24} {label}")
