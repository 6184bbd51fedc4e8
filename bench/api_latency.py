"""Enterprise-list API latency against the same SQL run bare.

For each (county, industry) combination a county regulator (scoped to that county) calls
GET /api/enterprises/?region=<county>&industry=<leaf industry> in-process through
``rest_framework.test.APIClient`` — the whole stack: URL resolution, middleware, DRF,
scoping, filters, pagination (page of 50 plus total count), serialization, JSON.

Beside it, the COUNT(*) and the page SELECT that this very call made (captured with
``connection.execute_wrapper``, SQL and parameters exactly as Django sent them) are run
again on the driver's own cursor and fetched: that is the floor the database sets. The
ratio API/plain is the framework's cost (plus the call's other, smaller queries: the
scope region, the region code lookup, the industry lookup, the supervision prefetch).
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field

from .common import log, percentile

SCENARIOS = {
    "county+industry": "region={county}&industry={industry}",
    "county": "region={county}",
}


@dataclass
class Captured:
    queries: list[tuple[str, tuple]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, tuple(params) if params is not None else ()))
        return execute(sql, params, many, context)

    @property
    def count(self) -> tuple[str, tuple]:
        return next(q for q in self.queries
                    if q[0].lstrip().upper().startswith("SELECT COUNT(*)") and '"enterprises_enterprise"' in q[0])

    @property
    def enterprise_queries(self) -> list[tuple[str, tuple]]:
        """The queries on the enterprise table itself: the COUNT and the page (or, paged in two
        steps, the page of ids and the rows by id). Not the lookups, not the prefetch."""
        return [q for q in self.queries if 'FROM "enterprises_enterprise"' in q[0]]

    @property
    def page(self) -> tuple[str, tuple] | None:
        """The page SELECT (absent when the count is 0: Django's paginator then skips it)."""
        return next((q for q in self.queries
                    if q[0].lstrip().upper().startswith("SELECT") and 'FROM "enterprises_enterprise"' in q[0]
                    and "LIMIT" in q[0].upper() and "COUNT(*)" not in q[0].upper()), None)


def use_project_urls() -> str:
    """The project's URLconf if it imports; the bench's API-only one (same viewsets) if not."""
    from importlib import import_module

    from django.conf import settings
    from django.urls import clear_url_caches

    try:
        import_module(settings.ROOT_URLCONF)
        return settings.ROOT_URLCONF
    except Exception as exc:  # a page under construction elsewhere must not stop the bench
        log(f"WARNING: {settings.ROOT_URLCONF} does not import ({exc!r}); using bench.urls (API only)")
        settings.ROOT_URLCONF = "bench.urls"
        clear_url_caches()
        return "bench.urls"


def regulators(county_codes: list[str]) -> dict[str, int]:
    """One county-level regulator officer per county (role regulator, scope_region = the county)."""
    from anjian.orgs.choices import Role
    from anjian.orgs.models import User
    from anjian.orgs.roles import apply_role_group
    from anjian.regions.models import Region

    out = {}
    for code in county_codes:
        region = Region.objects.get(code=code)
        user, created = User.objects.get_or_create(
            username=f"bench_regulator_{code}",
            defaults={"name": f"{region.name}应急局执法员（基准）", "role": Role.REGULATOR, "scope_region": region,
                      "is_demo": True},
        )
        if created:
            user.set_unusable_password()
            user.save()
            apply_role_group(user)
        out[code] = user.pk
    return out


def driver_sql(sql: str, vendor: str) -> str:
    if vendor == "sqlite":
        from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

        return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
    return sql


def explain(sql: str, params: tuple, vendor: str) -> str:
    from django.db import connection

    connection.ensure_connection()
    cur = connection.connection.cursor()
    if vendor == "postgresql":
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())
    cur.execute("EXPLAIN QUERY PLAN " + driver_sql(sql, vendor), params)
    return "\n".join(" | ".join(str(c) for c in r) for r in cur.fetchall())


def run(requests: int = 200, counties: int = 8, seed: int = 7, scenarios: list[str] | None = None,
        variants: dict[str, list[str]] | None = None, explain_plans: bool = True) -> dict:
    """Time the list API and its bare SQL per scenario.

    ``variants`` maps a label to in-memory experiments (see bench.experiments: "serializer",
    "deferred"); the baseline is ``{"baseline": []}``. Variants are interleaved request by
    request (order rotating), so that load from elsewhere on the machine hits them alike.
    """
    from django.db import connection
    from rest_framework.test import APIClient

    from anjian.enterprises.models import Industry
    from anjian.orgs.models import User
    from anjian.regions.models import Region

    from . import experiments
    from .build import PROVINCE_CODE

    variants = variants or {"baseline": []}
    labels = list(variants)
    urlconf = use_project_urls()
    vendor = connection.vendor
    rng = random.Random(seed)
    all_counties = list(Region.objects.filter(level="county", path__startswith=PROVINCE_CODE)
                        .order_by("code").values_list("code", flat=True))
    step = max(1, len(all_counties) // counties)
    county_codes = all_counties[::step][:counties]
    users = regulators(county_codes)
    codes = set(Industry.objects.values_list("code", flat=True))
    from anjian.portal.demo.generator import INDUSTRY_WEIGHTS

    leaves = [c for c in INDUSTRY_WEIGHTS if c in codes and not any(o != c and o.startswith(c) for o in codes)]
    client = APIClient()
    results = {"urlconf": urlconf, "counties": county_codes, "variants": {v: {"scenarios": {}} for v in labels}}

    for name in scenarios or list(SCENARIOS):
        combos = [(rng.choice(county_codes), rng.choice(leaves)) for _ in range(requests)]
        urls = [f"/api/enterprises/?{SCENARIOS[name].format(county=c, industry=i)}" for c, i in combos]

        # Warm-up: one call per distinct request and variant, capturing the SQL it makes.
        captured: dict[tuple[str, str], Captured] = {}
        totals: dict[str, int] = {}
        digests: dict[tuple[str, str], str] = {}
        for label in labels:
            with experiments.in_memory(variants[label]):
                # One call first, uncaptured: the per-process reference caches (region paths, the
                # industry taxonomy) fill here, so the captured SQL is that of a call in service.
                client.force_authenticate(User.objects.get(pk=users[combos[0][0]]))
                client.get(urls[0])
                for (county, _ind), url in zip(combos, urls, strict=True):
                    if (label, url) in captured:
                        continue
                    client.force_authenticate(User.objects.get(pk=users[county]))
                    cap = Captured()
                    with connection.execute_wrapper(cap):
                        resp = client.get(url)
                    if resp.status_code != 200:
                        raise RuntimeError(f"{url}: HTTP {resp.status_code}: {resp.content[:300]!r}")
                    totals[url] = resp.json()["count"]
                    digests[(label, url)] = hashlib.sha256(resp.content).hexdigest()
                    captured[(label, url)] = cap

        series = {label: {"api": [], "cpu": [], "plain": [], "all": []} for label in labels}
        for i, ((county, _ind), url) in enumerate(zip(combos, urls, strict=True)):
            for k in range(len(labels)):
                label = labels[(i + k) % len(labels)]
                ser = series[label]
                with experiments.in_memory(variants[label]):
                    # A fresh user object per request, as authentication gives (scope not cached).
                    client.force_authenticate(User.objects.get(pk=users[county]))
                    c0 = time.thread_time()
                    t0 = time.perf_counter()
                    resp = client.get(url)
                    t1 = time.perf_counter()
                    c1 = time.thread_time()
                if resp.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {resp.status_code}")
                ser["api"].append((t1 - t0) * 1000)
                ser["cpu"].append((c1 - c0) * 1000)

                cap = captured[(label, url)]
                connection.ensure_connection()
                cur = connection.connection.cursor()
                t0 = time.perf_counter()
                for sql, params in cap.enterprise_queries:
                    cur.execute(driver_sql(sql, vendor), params)
                    cur.fetchall()
                t1 = time.perf_counter()
                ser["plain"].append((t1 - t0) * 1000)
                t0 = time.perf_counter()
                for sql, params in cap.queries:
                    cur.execute(driver_sql(sql, vendor), params)
                    cur.fetchall()
                t1 = time.perf_counter()
                ser["all"].append((t1 - t0) * 1000)
                cur.close()

        counts = sorted(totals.values())
        for label in labels:
            ser = series[label]
            api_ms, plain_ms = ser["api"], ser["plain"]
            sample = captured[(label, urls[0])]
            res = {
                "requests": len(api_ms),
                "distinct_requests": len({u for lab, u in captured if lab == label}),
                "api_p50_ms": round(percentile(api_ms, 50), 2),
                "api_p95_ms": round(percentile(api_ms, 95), 2),
                "api_max_ms": round(max(api_ms), 2),
                # CPU time of this (the Python) thread during the call: the framework's own work,
                # less sensitive to other load on the machine than wall time. For SQLite it includes
                # the database engine (in-process); for PostgreSQL the server's work is not in it.
                "api_cpu_p50_ms": round(percentile(ser["cpu"], 50), 2),
                "api_cpu_p95_ms": round(percentile(ser["cpu"], 95), 2),
                "plain_p50_ms": round(percentile(plain_ms, 50), 2),
                "plain_p95_ms": round(percentile(plain_ms, 95), 2),
                "plain_all_queries_p50_ms": round(percentile(ser["all"], 50), 2),
                "plain_all_queries_p95_ms": round(percentile(ser["all"], 95), 2),
                "ratio_p50": round(percentile(api_ms, 50) / percentile(plain_ms, 50), 1),
                "ratio_p95": round(percentile(api_ms, 95) / percentile(plain_ms, 95), 1),
                "queries_per_request": len(sample.queries),
                "matching_rows_min_median_max": [counts[0], counts[len(counts) // 2], counts[-1]],
                "sample_url": urls[0],
                # Fingerprint of all responses (warm-up calls): a variant must not change the output.
                "responses_sha256": hashlib.sha256(
                    "".join(digests[(label, u)] for u in sorted(set(urls))).encode()).hexdigest(),
                "sample_queries": [sql for sql, _ in sample.queries],
            }
            if explain_plans:
                # The plans of the slowest request's enterprise-table queries.
                worst = urls[max(range(len(api_ms)), key=api_ms.__getitem__)]
                res["explain_url"] = worst
                res["explain"] = [explain(sql, params, vendor)
                                  for sql, params in captured[(label, worst)].enterprise_queries]
            results["variants"][label]["scenarios"][name] = res
            log(f"  {name} [{label}]: API p50 {res['api_p50_ms']} ms, p95 {res['api_p95_ms']} ms; plain p50 "
                f"{res['plain_p50_ms']} ms, p95 {res['plain_p95_ms']} ms; {res['queries_per_request']} "
                f"queries/request")
    return results
