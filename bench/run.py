"""Province-scale benchmark of the foundation: build, list API latency, import throughput.

    .venv/bin/python bench/run.py --db sqlite   --enterprises 20000     # quick smoke
    .venv/bin/python bench/run.py --db postgres --enterprises 1000000   # the real thing

The data set is built once per (database, size) and reused while it is intact. Results are
printed and written to bench/results/<db>-<size>-<timestamp>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, configure_environment, log, pg_dbname, var_dir  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--enterprises", type=int, default=20_000, help="size of the data set (default 20,000)")
    p.add_argument("--requests", type=int, default=200, help="timed API requests per scenario (default 200)")
    p.add_argument("--import-rows", type=int, default=150_000, help="rows in the import file (default 150,000)")
    p.add_argument("--experiment", action="append", choices=["indexes", "serializer", "conn", "deferred", "stats", "lean", "previous"], default=[],
                   help="also time the API with this candidate fix, in memory or in the bench database only "
                        "(repeatable; serializer and deferred are interleaved with the baseline request by "
                        "request, indexes and conn run as a further block; see bench/experiments.py)")
    p.add_argument("--import-experiment", action="append", choices=["copy", "inserts"], default=[],
                   help="after the import, run it again with this candidate change (see bench/experiments.py)")
    p.add_argument("--skip-api", action="store_true")
    p.add_argument("--skip-import", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="throw the bench database away and build it again")
    return p.parse_args(argv)


def machine() -> dict:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return {"cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def db_version() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT current_setting('server_version'), current_setting('shared_buffers')")
            v, sb = cur.fetchone()
            return f"PostgreSQL {v} (shared_buffers {sb})"
        cur.execute("SELECT sqlite_version()")
        return f"SQLite {cur.fetchone()[0]}"


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.db, args.enterprises, args.import_rows)
    from bench import build

    # Django sets TZ to TIME_ZONE (Asia/Shanghai) at setup; take the date on the machine's clock before.
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = os.getloadavg()
    state = build.inspect(args.db, args.enterprises)
    where = pg_dbname(args.enterprises) if args.db == "postgres" else var_dir(args.db, args.enterprises)
    log(f"{args.db} bench database {where}: {state}")
    if state == "partial" or (args.rebuild and state != "absent"):
        log("  discarding it")
        build.reset(args.db, args.enterprises)
        state = "absent"
    build.create_database(args.db, args.enterprises)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    log(f"migrate: {time.perf_counter() - t0:.1f} s")
    built_now = False
    if state != "ready":
        connection.close()
        build.Builder(args.db, args.enterprises).run()
        built_now = True

    out = {
        "date": started[:10], "started": started, "db": args.db, "database": db_version(),
        "machine": machine(), "enterprises": args.enterprises, "built_now": built_now,
        "build": build.build_info(args.db, args.enterprises),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{args.db}-{args.enterprises}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"

    def save() -> None:
        # Written after every phase, so that a failure later keeps what was measured.
        out["loadavg_before"] = [round(x, 2) for x in load_before]
        out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        text = json.dumps(out, ensure_ascii=False, indent=2)
        path.write_text(text)
        (RESULTS / f"latest-{args.db}-{args.enterprises}.json").write_text(text)

    save()
    if not args.skip_api:
        from bench import api_latency, experiments

        for name in list(args.experiment):
            reason = experiments.applicable(name)
            if reason:
                log(f"experiment {name} skipped: {reason}")
                out.setdefault("experiments_skipped", {})[name] = reason
                args.experiment.remove(name)
        in_memory = [e for e in args.experiment if e in experiments.IN_MEMORY]
        blocks = [e for e in args.experiment if e in experiments.BLOCK]
        variants = {"baseline": [], **{e: [e] for e in in_memory}}
        if len(in_memory) > 1:
            variants["+".join(in_memory)] = list(in_memory)
        log(f"enterprise list API (schema as migrated; variants interleaved: {', '.join(variants)})")
        out["api"] = api_latency.run(requests=args.requests, variants=variants)
        save()
        block_sets = [[b] for b in blocks] + ([list(blocks)] if len(blocks) > 1 else [])
        for names in block_sets:
            label = "+".join(names)
            log(f"enterprise list API, block experiment: {label}")
            with experiments.block(names):
                out.setdefault("api_blocks", {})[label] = api_latency.run(requests=args.requests, variants=variants)
            save()
    if not args.skip_import:
        from bench import import_speed

        log("import")
        out["import"] = import_speed.run(rows=args.import_rows)
        save()
        from bench import experiments

        for name in args.import_experiment:
            with experiments.IMPORT[name]() as applicable:
                if applicable:
                    log(f"import, experiment: {name}")
                    out.setdefault("import_experiments", {})[name] = import_speed.run(rows=args.import_rows)
                    save()
    # Other work on the machine distorts timings: the load averages (1, 5, 15 min) are kept.
    save()
    print(summary(out))
    log(f"results written to {path.relative_to(RESULTS.parent.parent)}")
    return 0


def summary(out: dict) -> str:
    lines = ["", "=" * 78,
             f"RESULTS  {out['date']}  {out['database']}  machine: {out['machine']['cores']} cores, "
             f"{out['machine']['memory']}; load avg before/after {out['loadavg_before'][0]}/"
             f"{out['loadavg_after'][0]}",
             f"rows: {out['enterprises']:,} enterprises"
             + (f", {out['build'].get('supervisions', 0):,} supervisions; build {out['build'].get('seconds')} s"
                if out.get("build") else ""),
             "-" * 78]
    base = out.get("api", {}).get("variants", {}).get("baseline", {}).get("scenarios", {})
    for name, s in base.items():
        lines += [
            f"list API [{name}]  (e.g. {s['sample_url']})",
            f"  API   p50 {s['api_p50_ms']:7.2f} ms   p95 {s['api_p95_ms']:7.2f} ms   ({s['requests']} requests; "
            f"Python thread CPU p50 {s['api_cpu_p50_ms']:.2f} ms, p95 {s['api_cpu_p95_ms']:.2f} ms)",
            f"  plain p50 {s['plain_p50_ms']:7.2f} ms   p95 {s['plain_p95_ms']:7.2f} ms   (COUNT + page, "
            f"driver cursor)",
            f"  all {s['queries_per_request']} SQL of a call, bare: p50 {s['plain_all_queries_p50_ms']:.2f} ms, "
            f"p95 {s['plain_all_queries_p95_ms']:.2f} ms",
            f"  ratio API/plain: p50 {s['ratio_p50']}x, p95 {s['ratio_p95']}x;  queries/request "
            f"{s['queries_per_request']};  matching rows min/median/max {s['matching_rows_min_median_max']}",
        ]
    runs = [("", out.get("api", {}))] + [(f"{k}+", v) for k, v in out.get("api_blocks", {}).items()]
    if len(runs) > 1 or len(out.get("api", {}).get("variants", {})) > 1:
        lines += ["-" * 78,
                  f"{'variant':<30}{'scenario':<17}{'API p50':>8}{'p95':>8}{'CPU p50':>8}{'plain p50':>10}"
                  f"{'p95':>7}  output"]
        for prefix, run in runs:
            for label, v in run.get("variants", {}).items():
                for name, s in v["scenarios"].items():
                    same = "same" if s["responses_sha256"] == base[name]["responses_sha256"] else "DIFFERS"
                    tag = (prefix + label).replace("+baseline", "") if prefix else label
                    lines.append(f"{tag:<30}{name:<17}{s['api_p50_ms']:8.1f}{s['api_p95_ms']:8.1f}"
                                 f"{s['api_cpu_p50_ms']:8.1f}{s['plain_p50_ms']:10.2f}{s['plain_p95_ms']:7.2f}  {same}")
        lines.append("-" * 78)
    if "import" in out:
        i = out["import"]
        lines += [
            f"import {i['rows']:,} rows xlsx ({i['file_mb']} MB): {i['total_s']} s = {i['rows_per_s']:,} rows/s",
            f"  parse {i['phase_parse_s']} s ({i['parse_share']:.0%}), validate+lookups "
            f"{i['phase_validate_and_rest_s']} s, write {i['phase_write_s']} s, commit {i.get('phase_commit_s')} s; "
            f"parse-only pass {i['parse_only_s']} s",
            f"  Python thread CPU: total {i.get('total_cpu_s')} s, parse {i.get('phase_parse_cpu_s')} s, write "
            f"{i.get('phase_write_cpu_s')} s",
        ]
    for label, i in out.get("import_experiments", {}).items():
        lines.append(f"import experiment {label}: {i['total_s']} s = {i['rows_per_s']:,} rows/s (write "
                     f"{i['phase_write_s']} s, commit {i.get('phase_commit_s')} s, validate+lookups "
                     f"{i['phase_validate_and_rest_s']} s)")
    lines.append("=" * 78)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
