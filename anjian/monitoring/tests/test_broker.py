"""The ingest against a real MQTT broker.

Mosquitto on 127.0.0.1:1883 (the machine's broker; started by `.ci/run` when it is not running):
duplicates stored once, two ingest clients sharing one MQTT 5 shared subscription split the stream
and every reading is stored once, bad payloads counted. Each test publishes under a topic root of
its own, so the SQLite and PostgreSQL runs of CI, side by side on one broker, never see each
other's messages.

The broker restart runs a private Mosquitto (the `mosquitto` binary, on a free port, with its own
persistence directory), so restarting it disturbs no one else: an acknowledged reading survives
the restart, and so do the readings published while the ingest was away.

The two ingest clients are two threads of the test process, each with its own MQTT connection
(client id, session) and its own database connection: what the shared subscription splits is the
connections' stream, which is what two processes would have. The ingest is exercised as a process
by `anjian ingest_mqtt` in bench/monitoring.
"""

from __future__ import annotations

import datetime
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from anjian.monitoring import ingest
from anjian.monitoring.models import BadInputCount, Reading
from anjian.monitoring.mqtt import MqttIngestor
from anjian.monitoring.simulate import Publisher

from .conftest import make_sensor, make_source

HOST, PORT = "127.0.0.1", 1883


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not reachable(HOST, PORT), reason="no MQTT broker on 127.0.0.1:1883: start it with "
                       "`mosquitto -d -c /etc/mosquitto/mosquitto.conf` (.ci/run does)"),
]


def count(**filters) -> int:
    # SQLite: the ingest threads write through the same shared in-memory database; read between writes.
    if connection.vendor == "sqlite":
        with ingest._SQLITE_WRITER:
            return Reading.objects.filter(**filters).count()
    return Reading.objects.filter(**filters).count()


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class Running:
    """An ingest client storing in a thread of this process."""

    def __init__(self, *, root: str, client_id: str, group: str, port: int = PORT, expiry: int = 600):
        self.ingestor = MqttIngestor(host=HOST, port=port, client_id=client_id, group=group, root=root,
                                     batch_size=200, batch_seconds=0.05, session_expiry=expiry)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.ingestor.run(self.stop_event, report_every=3600)
        finally:
            connections.close_all()

    def __enter__(self):
        self.ingestor.start()
        assert self.ingestor.connected.wait(10), "the ingest did not connect"
        assert self.ingestor.subscribed.wait(10), "the broker did not grant the subscription"
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(10)
        self.ingestor.stop()


def readings_topic(root, sensor):
    return f"{root}/{sensor.enterprise_id}/{sensor.source_id}/{sensor.code}"


def moment(i: int) -> str:
    base = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    return (base + datetime.timedelta(seconds=i)).isoformat()


@pytest.fixture
def root():
    return f"anjian-test-{uuid.uuid4().hex[:10]}"


def test_a_reading_delivered_many_times_is_stored_once(world, root):
    sensor = make_sensor(world, make_source(world))
    publisher = Publisher(HOST, PORT)
    with Running(root=root, client_id=f"t-{root}", group=root):
        for _ in range(3):  # the same reading three times, and again inside a batch
            publisher.publish(readings_topic(root, sensor), json.dumps({"ts": moment(0), "v": 5.0}))
        stamp = int(datetime.datetime.fromisoformat(moment(0)).timestamp() * 1000)
        publisher.publish(f"{root}/{sensor.enterprise_id}/{sensor.source_id}/_batch",
                          f"{sensor.code},{stamp},5.0\n{sensor.code},{stamp + 1000},6.0")
        assert publisher.wait(10)
        assert wait_for(lambda: count(sensor=sensor) == 2)
        time.sleep(0.5)
    publisher.close()
    assert count(sensor=sensor) == 2


def test_two_ingest_clients_share_the_stream_and_store_every_reading_once(world, root):
    source = make_source(world)
    sensors = [make_sensor(world, source, code=f"LT-{i}") for i in range(4)]
    publisher = Publisher(HOST, PORT)
    n = 150
    with Running(root=root, client_id=f"a-{root}", group=root) as a, \
            Running(root=root, client_id=f"b-{root}", group=root) as b:
        for i in range(n):
            for s in sensors:
                publisher.publish(readings_topic(root, s), json.dumps({"ts": moment(i), "v": 5 + i % 7}))
        assert publisher.wait(20)
        assert wait_for(lambda: count(sensor__in=sensors) == n * len(sensors), timeout=40)
        time.sleep(0.5)
    publisher.close()
    # each client had a share of the messages, none was given to both
    assert a.ingestor.stats.messages > 0 and b.ingestor.stats.messages > 0
    assert a.ingestor.stats.messages + b.ingestor.stats.messages == n * len(sensors)
    assert a.ingestor.stats.duplicates + b.ingestor.stats.duplicates == 0
    assert count(sensor__in=sensors) == n * len(sensors)


def test_bad_payloads_are_counted_and_lose_nothing_else(world, root):
    sensor = make_sensor(world, make_source(world))
    publisher = Publisher(HOST, PORT)
    with Running(root=root, client_id=f"t-{root}", group=root):
        publisher.publish(readings_topic(root, sensor), b"\xff not json")
        publisher.publish(readings_topic(root, sensor), json.dumps([{"ts": moment(1), "v": 99},
                                                                    {"ts": moment(2), "v": 3}]))
        publisher.publish(f"{root}/{sensor.enterprise_id}/{sensor.source_id}/NOPE", json.dumps({"ts": moment(3), "v": 1}))
        assert publisher.wait(10)
        assert wait_for(lambda: count(sensor=sensor) == 1)
        time.sleep(0.5)
    publisher.close()
    refused = dict(BadInputCount.objects.filter(enterprise=world.ent_a).values_list("reason", "count"))
    assert refused == {"malformed": 1, "out_of_range": 1, "unknown_sensor": 1}


# --- a private broker, restarted -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class PrivateBroker:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="anjian-mosquitto-"))
        # Started as root, Mosquitto drops to its own user: it must be able to write its database here.
        self.dir.chmod(0o777)  # noqa: S103 — a private temporary directory of this test
        self.port = free_port()
        (self.dir / "mosquitto.conf").write_text(
            f"listener {self.port} {HOST}\nallow_anonymous true\npersistence true\n"
            f"persistence_location {self.dir}/\nautosave_interval 1\nmax_queued_messages 10000\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", str(self.dir / "mosquitto.conf")],  # noqa: S603,S607
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: reachable(HOST, self.port), 10), "the private broker did not start"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # Mosquitto saves its sessions and queues on the way out
            self.proc.wait(10)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.mark.skipif(shutil.which("mosquitto") is None, reason="the mosquitto binary is not installed")
def test_broker_restart_loses_no_acknowledged_reading(world, root):
    sensor = make_sensor(world, make_source(world))
    broker = PrivateBroker()
    broker.start()
    try:
        client_id = f"r-{root}"
        running = Running(root=root, client_id=client_id, group=root, port=broker.port)
        with running:
            publisher = Publisher(HOST, broker.port)
            for i in range(100):
                publisher.publish(readings_topic(root, sensor), json.dumps({"ts": moment(i), "v": 5.0}))
            assert publisher.wait(10)
            publisher.close()
            assert wait_for(lambda: count(sensor=sensor) == 100)
            # the broker restarts under the running ingest, which reconnects by itself
            broker.stop()
            broker.start()
            assert wait_for(lambda: running.ingestor.stats.connects >= 2, 30), "the ingest did not reconnect"
            publisher = Publisher(HOST, broker.port)
            for i in range(100, 150):
                publisher.publish(readings_topic(root, sensor), json.dumps({"ts": moment(i), "v": 5.0}))
            assert publisher.wait(10)
            publisher.close()
            assert wait_for(lambda: count(sensor=sensor) == 150)
        # the ingest is away; readings acknowledged by the broker meanwhile wait in its session,
        # across another broker restart
        publisher = Publisher(HOST, broker.port)
        for i in range(150, 250):
            publisher.publish(readings_topic(root, sensor), json.dumps({"ts": moment(i), "v": 5.0}))
        assert publisher.wait(10)
        publisher.close()
        broker.stop()
        broker.start()
        with Running(root=root, client_id=client_id, group=root, port=broker.port):
            assert wait_for(lambda: count(sensor=sensor) == 250, 30)
        assert count(sensor=sensor) == 250
    finally:
        broker.close()
