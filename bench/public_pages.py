"""The public pages under concurrent readers: p50/p95/p99 of each page beside a static file served
by the same server (the floor the server itself sets).

Run against a server you started on a database with published records (e.g. the demo city)::

    DEBUG=0 SECRET_KEY=… ANJIAN_VAR_DIR=… .venv/bin/gunicorn anjian.wsgi -w 4 -b 127.0.0.1:8800 &
    .venv/bin/python -m bench.public_pages --url http://127.0.0.1:8800 --readers 200 --requests 4000

Each reader is a thread with its own keep-alive connection, asking the pages in turn until the
requests are spent. The load generator runs on the same machine and in Python: at high
concurrency it is itself a limit (its own time is in the numbers), which the static file's line
shows — compare each page with it, not with an absolute figure. The pages send
``Cache-Control: public, max-age=300``: a cache in front (nginx, a CDN) would answer most readers;
this measures the application without one."""

from __future__ import annotations

import argparse
import http.client
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

from .common import percentile

PAGES = ["/static/anjian/app.css", "/public/", "/public/hazards/", "/public/blacklist/", "/public/rankings/",
         "/enforcement/public/decisions/", "/enforcement/public/inspections/"]


def run(url: str, readers: int, requests: int) -> dict[str, list[float]]:
    parts = urlsplit(url)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    counter = iter(range(requests))
    lock = threading.Lock()

    def reader(n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
        i = n
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            path = PAGES[i % len(PAGES)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
                ok = False
            took = (time.perf_counter() - start) * 1000
            with lock:
                (timings[path].append(took) if ok else errors.__setitem__(path, errors[path] + 1))
        conn.close()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    print(f"{requests} requests, {readers} readers, {wall:.1f} s, {requests / wall:.0f} req/s")
    print(f"{'page':40} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for path in PAGES:
        values = timings[path]
        print(f"{path:40} {len(values):6d} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f} "
              f"{percentile(values, 99):8.1f} {errors[path]:7d}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8800")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    run(args.url, args.readers, args.requests)


if __name__ == "__main__":
    main()
