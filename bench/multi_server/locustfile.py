"""The users of bench/multi_server: people and systems of the demo city, spread over every
application server in BENCH_HOSTS (each request goes to the next server in turn, as a load
balancer without stickiness would send it: sessions and tokens must work on any server).

- ``WebUser``: an officer signs in on the log-in page (session), then reads the home page, the
  hazard ledger, a hazard's page and the enterprise registry.
- ``RegulatorApi``: the county regulator's client with an API token: lists and opens hazards, lists
  enterprises, reports a hazard found at an enterprise of the county.
- ``EnterpriseApi``: the enterprise's own system with a token: reports a hazard of the enterprise
  and starts its rectification (a workflow step), lists and opens its hazards; some reports carry
  a photo, downloaded at once from the other server (the uploads' storage is shared).

Every hazard reported carries BENCH_RUN in its description, so the runner can count them in the
database afterwards and compare with the successful report requests.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, task

HOSTS = [h.rstrip("/") for h in os.environ.get("BENCH_HOSTS", "http://127.0.0.1:8101").split(",") if h]
RUN = os.environ.get("BENCH_RUN", "bench")
PASSWORD = os.environ.get("BENCH_PASSWORD", "Anjian@2026demo")  # the demo accounts' (anjian demo)
WEB_ACCOUNTS = ["regulator", "county_regulator", "industry_officer", "grid_officer", "committee_office"]
_next_host = itertools.count()
_HAZARD_LINK = re.compile(r'href="/hazards/(\d+)/"')
# A small but real JPEG (its magic number is what the upload check reads), 1×1 pixel.
PHOTO = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a"
    "1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f"
    "0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203"
    "00041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738"
    "393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2"
    "a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7"
    "f8f9faffda0008010100003f00fbd3ffd9")


class Spread(HttpUser):
    """A user whose requests go to the servers in turn (full URLs: one cookie jar serves both, as
    cookies are kept per host name, not per port)."""

    abstract = True
    host = HOSTS[0]
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        start = next(_next_host) % len(HOSTS)  # users start on different servers
        self._turn = itertools.cycle(HOSTS[start:] + HOSTS[:start])

    def url(self, path: str) -> str:
        return next(self._turn) + path


class WebUser(Spread):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.username = random.choice(WEB_ACCOUNTS)
        self.hazard_ids: list[int] = []
        page = self.client.get(self.url("/login/"), name="page: log-in form")
        token = self.client.cookies.get("csrftoken") or ""
        with self.client.post(self.url("/login/"), name="page: log in",
                              data={"username": self.username, "password": PASSWORD,
                                    "csrfmiddlewaretoken": token},
                              headers={"Referer": page.url}, allow_redirects=False,
                              catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"log-in answered {answer.status_code}")

    @task(2)
    def home(self) -> None:
        self.client.get(self.url("/"), name="page: home")

    @task(3)
    def hazard_ledger(self) -> None:
        answer = self.client.get(self.url("/hazards/"), name="page: hazard ledger")
        self.hazard_ids = [int(i) for i in _HAZARD_LINK.findall(answer.text)] or self.hazard_ids

    @task(3)
    def hazard_page(self) -> None:
        if self.hazard_ids:
            self.client.get(self.url(f"/hazards/{random.choice(self.hazard_ids)}/"), name="page: hazard detail")

    @task(2)
    def enterprise_registry(self) -> None:
        self.client.get(self.url("/enterprises/"), name="page: enterprise registry")


class ApiUser(Spread):
    abstract = True
    username = ""

    def on_start(self) -> None:
        super().on_start()
        self.hazard_ids: list[int] = []
        answer = self.client.post(self.url("/api/auth/token/"), name="api: token (log in)",
                                  json={"username": self.username, "password": PASSWORD})
        self.client.headers["Authorization"] = f"Token {answer.json()['token']}"

    def list_hazards(self) -> None:
        answer = self.client.get(self.url("/api/hazards/"), name="api: hazard list")
        if answer.ok:
            self.hazard_ids = [row["id"] for row in answer.json()["results"]] or self.hazard_ids

    def open_hazard(self) -> None:
        if self.hazard_ids:
            self.client.get(self.url(f"/api/hazards/{random.choice(self.hazard_ids)}/"), name="api: hazard detail")

    def report(self, *, photo: bool = False, **fields) -> dict | None:
        """Report a hazard (with a photo: multipart); the new hazard's representation, or None."""
        payload = {"location": "二号车间", "description": f"[{RUN}] 砂轮机防护罩缺失", "category": "object",
                   "deadline": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(), **fields}
        body = {"data": payload, "files": {"photos": ("现场.jpg", PHOTO, "image/jpeg")}} if photo else {"json": payload}
        with self.client.post(self.url("/api/hazards/"), name="api: report hazard", catch_response=True,
                              **body) as answer:
            if answer.status_code != 201:
                answer.failure(f"report answered {answer.status_code}: {answer.text[:200]}")
                return None
            return answer.json()


class RegulatorApi(ApiUser):
    fixed_count = 6
    username = "county_regulator"

    def on_start(self) -> None:
        super().on_start()
        self.enterprise_ids: list[int] = []

    @task(4)
    def hazards(self) -> None:
        self.list_hazards()

    @task(4)
    def hazard(self) -> None:
        self.open_hazard()

    @task(3)
    def enterprises(self) -> None:
        answer = self.client.get(self.url("/api/enterprises/"), name="api: enterprise list")
        if answer.ok:
            self.enterprise_ids = [row["id"] for row in answer.json()["results"]] or self.enterprise_ids

    @task(1)
    def report_found_hazard(self) -> None:
        if self.enterprise_ids:
            self.report(enterprise=random.choice(self.enterprise_ids))


class EnterpriseApi(ApiUser):
    fixed_count = 6
    username = "enterprise"

    @task(3)
    def hazards(self) -> None:
        self.list_hazards()

    @task(3)
    def hazard(self) -> None:
        self.open_hazard()

    @task(2)
    def report_and_start_rectification(self) -> None:
        hazard = self.report(photo=random.random() < 0.5)
        if hazard is None:
            return
        for attachment in hazard.get("attachments", []):
            # uploaded through one server, read through the other
            self.client.get(self.url(urlsplit(attachment["url"]).path), name="api: photo from the other server")
        self.client.post(self.url(f"/api/hazards/{hazard['id']}/start-rectification/"), json={"comment": "立即整改"},
                         name="api: start rectification")
