"""Where the list API's time goes, step by step (wall time per request, median over N calls).

    .venv/bin/python bench/breakdown.py --db postgres --enterprises 1000000 [--requests 100]

Wraps, for this process only, the steps DRF's list takes — authentication and permissions
(``initial``), ``get_queryset`` + ``filter_queryset`` (scope, filters: their small lookups
run here), ``paginate_queryset`` (COUNT, page SELECT, supervision prefetch, model instances),
serialization (``ListSerializer.to_representation``) and JSON rendering — and, for the list as
it is since 2026-11-23, its own steps (COUNT + page of keys, rows by key from values(), their
representation) — and reports the median of each beside the whole in-process request. Uses the data set ``run.py`` built.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import configure_environment  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--enterprises", type=int, default=20_000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--experiment", action="append", choices=["indexes", "deferred", "stats", "conn", "lean", "previous"], default=[],
                   help="apply a candidate fix for the whole run (see bench/experiments.py)")
    args = p.parse_args(argv)
    configure_environment(args.db, args.enterprises, 0)
    import django

    django.setup()
    import random
    from contextlib import ExitStack

    from rest_framework.renderers import JSONRenderer
    from rest_framework.serializers import ListSerializer
    from rest_framework.test import APIClient

    from anjian.enterprises.api import EnterpriseViewSet
    from anjian.orgs.models import User
    from bench import api_latency, experiments

    api_latency.use_project_urls()
    users = list(User.objects.filter(username__startswith="bench_regulator_").select_related("scope_region"))
    if not users:
        print("run bench/run.py first (it creates the bench regulators)")
        return 1
    steps: dict[str, list[float]] = defaultdict(list)
    current: dict[str, float] = defaultdict(float)

    def timed(label, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                current[label] += time.perf_counter() - t
        return wrapper

    # Candidate fixes first, so that the timers wrap them.
    stack = ExitStack()
    stack.enter_context(experiments.block([e for e in args.experiment if e in experiments.BLOCK]))
    stack.enter_context(experiments.in_memory([e for e in args.experiment if e in experiments.IN_MEMORY]))
    EnterpriseViewSet.initial = timed("auth + permissions (initial)", EnterpriseViewSet.initial)
    EnterpriseViewSet.get_queryset = timed("get_queryset (scope)", EnterpriseViewSet.get_queryset)
    EnterpriseViewSet.filter_queryset = timed("filter_queryset (filters + lookups)", EnterpriseViewSet.filter_queryset)
    EnterpriseViewSet.paginate_queryset = timed("paginate (COUNT, page, prefetch, instances)",
                                                EnterpriseViewSet.paginate_queryset)
    ListSerializer.to_representation = timed("serialize 50 rows", ListSerializer.to_representation)
    # The list's own steps since 2026-11-23 (keys, rows from values(), representation).
    from anjian.core.api import ValuesRepresentation
    from anjian.core.pagination import DeferredJoinPagination
    from anjian.enterprises import api as enterprises_api

    DeferredJoinPagination.paginate_keys = timed("COUNT + page of keys", DeferredJoinPagination.paginate_keys)
    enterprises_api.enterprise_rows = timed("rows by key (values, plate joined)", enterprises_api.enterprise_rows)
    represent = ValuesRepresentation.represent

    def represent_outermost(self, row):  # a row's nested plate is represented inside: count it once
        if self.prefix:
            return represent(self, row)
        t = time.perf_counter()
        try:
            return represent(self, row)
        finally:
            current["represent 50 rows (values → dicts)"] += time.perf_counter() - t

    ValuesRepresentation.represent = represent_outermost
    JSONRenderer.render = timed("render JSON", JSONRenderer.render)

    rng = random.Random(3)
    client = APIClient()
    leaves = ["0504", "0505", "0508", "0303", "0601", "0702", "0901"]
    for i in range(args.requests + 10):
        user = User.objects.get(pk=rng.choice(users).pk)
        url = f"/api/enterprises/?region={user.scope_region.code}&industry={rng.choice(leaves)}"
        client.force_authenticate(user)
        current.clear()
        t = time.perf_counter()
        resp = client.get(url)
        total = time.perf_counter() - t
        assert resp.status_code == 200, resp.status_code
        if i < 10:
            continue  # warm-up
        steps["whole request"].append(total * 1000)
        for k, v in current.items():
            steps[k].append(v * 1000)
    stack.close()
    print(f"{args.db}, {args.enterprises:,} enterprises, {args.requests} requests (county + leaf industry among "
          f"{', '.join(leaves)}); experiments: {', '.join(args.experiment) or 'none'}: median ms")
    whole = statistics.median(steps["whole request"])
    named = 0.0
    for k, v in steps.items():
        m = statistics.median(v)
        print(f"  {k:<46}{m:8.2f}")
        if k != "whole request" and k != "get_queryset (scope)":
            named += m
    print(f"  {'rest (middleware, routing, response, test client)':<46}{whole - named:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
