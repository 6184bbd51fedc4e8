"""Benchmark of the accident ledger (API list and page) at a given number of accidents.

Run against a database that already holds the demo (``anjian demo``), e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_ac ANJIAN_VAR_DIR=/tmp/var_ac_pg \\
        .venv/bin/python -m bench.accidents_ledger --accidents 300000 --requests 40

It adds accidents in bulk (marked demo, address "BENCH …", graded by ``grade_for``) until the
table holds ``--accidents`` rows, runs ANALYZE, then times the ledger API and page in process
(Django test clients, DEBUG off) for a county and a city regulator with the filters people use,
printing median and 95th-percentile milliseconds and the number of queries. Never a test: the
numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.test import APIClient

    from anjian.accidents.grading import grade_for
    from anjian.accidents.models import Accident, ReportingFlag
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import User
    from anjian.standards.models import AccidentType
    from anjian.standards.selectors import accident_type_scheme_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--accidents", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]

    have = Accident.objects.count()
    rng = random.Random(7)
    if have < args.accidents:
        enterprises = list(Enterprise.objects.filter(is_demo=True).select_related("region")[:5000])
        types: dict[str, list[AccidentType]] = {}
        for t in AccidentType.objects.filter(is_active=True):
            types.setdefault(t.scheme, []).append(t)
        today = timezone.localdate()
        grades: dict[tuple, str] = {}
        batch: list[Accident] = []
        flags: list[tuple[int, int]] = []
        t0 = time.perf_counter()
        for i in range(args.accidents - have):
            ent = rng.choice(enterprises)
            day = today - datetime.timedelta(days=rng.randint(1, 3650))
            occurred = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(0, 23))))
            deaths = rng.choices([0, 1, 2, 3, 4], weights=[50, 35, 10, 4, 1])[0]
            serious = rng.choices([0, 1, 2, 12], weights=[60, 25, 14, 1])[0]
            loss = rng.randint(1, 400) * 10_000
            key = (deaths, serious, loss >= 10_000_000, day >= datetime.date(2026, 7, 1))
            if key not in grades:
                grades[key] = grade_for(deaths=deaths, serious_injuries=serious, direct_loss_yuan=loss, on=day)[0]
            batch.append(Accident(
                number=f"BENCH{have + i:010d}", occurred_at=occurred, region=ent.region, region_path=ent.region.path,
                address=f"BENCH {i}", enterprise=ent, industry_id=ent.industry_id, grid_id=ent.grid_id,
                category="industrial", accident_type=rng.choice(types[accident_type_scheme_for(day)]),
                deaths=deaths, serious_injuries=serious, direct_loss_yuan=loss, grade=grades[key],
                summary="bench", is_demo=True))
            if len(batch) == 5000:
                made = Accident.objects.bulk_create(batch)
                flags += [(a.pk, 0) for a in made if rng.random() < 0.03]
                batch = []
        if batch:
            made = Accident.objects.bulk_create(batch)
            flags += [(a.pk, 0) for a in made if rng.random() < 0.03]
        ReportingFlag.objects.bulk_create([ReportingFlag(accident_id=pk, kind="late", is_automatic=True)
                                           for pk, _x in flags], batch_size=5000, ignore_conflicts=True)
        print(f"built {args.accidents - have} accidents in {time.perf_counter() - t0:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"accidents: {Accident.objects.count():,} (flags {ReportingFlag.objects.count():,}) on {connection.vendor}")

    year = timezone.localdate().year - 1
    scenarios = [
        ("no filter", {}),
        ("grade=relatively_serious", {"grade": "relatively_serious"}),
        (f"year {year}", {"occurred_from": f"{year}-01-01", "occurred_to": f"{year}-12-31"}),
        ("flag=late", {"flag": "late"}),
        ("page 20", {"page": 20}),
    ]
    for username in ("county_regulator", "regulator"):
        user = User.objects.get(username=username)
        api, page = APIClient(), Client()
        api.force_authenticate(user)
        page.force_login(user)
        for name, params in scenarios:
            for label, client, url in (("API ", api, "/api/accidents/"), ("page", page, "/accidents/")):
                times, queries, count = [], 0, None
                for r in range(args.requests + 3):
                    with CaptureQueriesContext(connection) as ctx:
                        t = time.perf_counter()
                        response = client.get(url, params)
                        elapsed = (time.perf_counter() - t) * 1000
                    assert response.status_code == 200, response.status_code
                    if r >= 3:  # warm-up requests are not counted
                        times.append(elapsed)
                    queries = len(ctx)
                    if label == "API " and count is None:
                        count = response.json()["count"]
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"{username:17} {label} {name:26} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
                      f"  queries {queries:2}" + (f"  rows {count:,}" if count is not None else ""))


if __name__ == "__main__":
    main()
