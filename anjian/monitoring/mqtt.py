"""The MQTT side of the ingest (``anjian ingest_mqtt``): an MQTT 5 client (paho-mqtt) with a
persistent session and a shared subscription, handing batches of messages to ``ingest.store`` and
acknowledging each message only after the batch's transaction committed.

Why it loses no acknowledged reading and stores each once:

- QoS 1, ``manual_ack``: the client sends the PUBACK of a message itself, after ``store`` returned
  (committed). A crash, a lost database or a broken connection before that leaves the message
  unacknowledged, and the broker delivers it again;
- a persistent session (``clean_start=False`` with a session expiry, a stable client id): while
  the ingest is away — restarting, or the broker restarting — the broker keeps the session and
  queues the messages of its subscription (Mosquitto keeps them across its own restart with
  ``persistence true``), and redelivers the unacknowledged ones when the client is back;
- redelivery means duplicates: the (sensor, ts) primary key stores each reading once;
- a message received on a connection that has since dropped is not acknowledged on the new one
  (the broker redelivers it there, and the store skips it as a duplicate).

Shared subscription ``$share/<group>/<root>/+/+/+``: the broker hands each message to one member
of the group, so several ingest processes (on one machine or several) split the stream; each
needs its own client id. The reconnect is paho's own (``reconnect_delay_set``), in its network
thread; the subscription is renewed on every connection.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .choices import Channel
from .ingest import Decoded, decode_mqtt, store

log = logging.getLogger(__name__)

SESSION_EXPIRY_SECONDS = 24 * 3600


@dataclass
class Stats:
    messages: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    acked: int = 0
    batches: int = 0
    failures: int = 0
    connects: int = 0
    last_message_at: float = 0.0
    started_at: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        return (f"messages={self.messages} stored={self.stored} duplicates={self.duplicates} refused={self.refused} "
                f"acked={self.acked} batches={self.batches} failures={self.failures} connects={self.connects}")


def default_client_id(instance: int = 1) -> str:
    return f"anjian-ingest-{socket.gethostname()}-{instance}"[:64]


class MqttIngestor:
    """One ingest client. ``start()`` connects (in paho's thread, retrying while the broker is
    down); ``run(stop)`` stores batches in the calling thread until ``stop`` is set."""

    def __init__(self, *, host: str, port: int, client_id: str, group: str = "anjian-ingest",
                 root: str = "anjian", batch_size: int = 2000, batch_seconds: float = 0.2,
                 session_expiry: int = SESSION_EXPIRY_SECONDS, keepalive: int = 30):
        self.host, self.port, self.root, self.group = host, port, root, group
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self.session_expiry, self.keepalive = session_expiry, keepalive
        self.stats = Stats()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self._queue: queue.Queue = queue.Queue(maxsize=batch_size * 20)
        self._generation = 0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        # Many messages may be in flight while a batch commits: let the broker send a whole batch.
        self.client.max_inflight_messages_set(min(65535, batch_size * 2))
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    @property
    def subscription(self) -> str:
        return f"$share/{self.group}/{self.root}/+/+/+"

    # --- paho's thread ---

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT connect to %s:%s refused: %s", self.host, self.port, reason_code)
            return
        self._generation += 1
        self.stats.connects += 1
        log.info("MQTT connected to %s:%s (session present: %s); subscribing %s", self.host, self.port,
                 flags.session_present, self.subscription)
        client.subscribe(self.subscription, qos=1)
        self.connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        if all(not rc.is_failure for rc in reason_codes):
            self.subscribed.set()
        else:
            log.error("MQTT subscription %s refused: %s", self.subscription, reason_codes)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        log.warning("MQTT disconnected (%s); paho reconnects", reason_code)

    def _on_message(self, client, userdata, message):
        # Copied out of paho's object: the batch is stored in another thread.
        self._queue.put((self._generation, message.mid, message.qos, message.topic, bytes(message.payload)))

    # --- the storing thread ---

    def start(self) -> None:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.session_expiry
        self.client.connect_async(self.host, self.port, keepalive=self.keepalive, clean_start=False,
                                  properties=props)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _next_batch(self, stop: threading.Event) -> list[tuple]:
        batch: list[tuple] = []
        try:
            batch.append(self._queue.get(timeout=0.5))
        except queue.Empty:
            return batch
        deadline = time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def process(self, batch: list[tuple]) -> None:
        """Store one batch; acknowledge its messages only once it committed."""
        decoded = Decoded()
        for _gen, _mid, _qos, topic, payload in batch:
            one = decode_mqtt(topic, payload, root=self.root)
            decoded.readings += one.readings
            decoded.refusals += one.refusals
        while True:
            try:
                close_old_connections()
                result = store(decoded, channel=Channel.MQTT)
                break
            except Exception:  # the database is away: keep the batch, unacknowledged, and retry
                self.stats.failures += 1
                log.exception("storing a batch of %d messages failed; retrying in 1 s", len(batch))
                close_old_connections()
                time.sleep(1)
        self.stats.batches += 1
        self.stats.messages += len(batch)
        self.stats.stored += result.stored
        self.stats.duplicates += result.duplicates
        self.stats.refused += sum(result.refused.values())
        self.stats.last_message_at = time.monotonic()
        generation = self._generation
        for gen, mid, qos, _topic, _payload in batch:
            if qos and gen == generation:
                self.client.ack(mid, qos)
                self.stats.acked += 1

    def run(self, stop: threading.Event, *, report_every: float = 10.0) -> Stats:
        last_report = time.monotonic()
        while not stop.is_set():
            batch = self._next_batch(stop)
            if batch:
                self.process(batch)
            if time.monotonic() - last_report >= report_every:
                log.info("ingest: %s", self.stats.line())
                last_report = time.monotonic()
        return self.stats
