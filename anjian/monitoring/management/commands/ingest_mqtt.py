"""`anjian ingest_mqtt`: the long-running MQTT ingest of monitoring readings (see monitoring/mqtt.py).

Run one per core or machine; each needs its own --instance (its client id, and so its persistent
session); they share the stream through the MQTT 5 shared subscription --group. Stop with SIGTERM
or Ctrl-C: the batch in hand is finished and acknowledged first."""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Subscribe to the monitoring topics (MQTT 5 shared subscription) and store the readings."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.ANJIAN_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.ANJIAN_MQTT_PORT)
        parser.add_argument("--instance", type=int, default=1, help="Number of this process (its client id).")
        parser.add_argument("--client-id", default="", help="MQTT client id (default: anjian-ingest-<host>-<instance>).")
        parser.add_argument("--group", default="anjian-ingest", help="Shared subscription group.")
        parser.add_argument("--root", default=settings.ANJIAN_MQTT_TOPIC_ROOT, help="First level of the topics.")
        parser.add_argument("--batch", type=int, default=2000, help="Most messages stored per transaction.")
        parser.add_argument("--batch-ms", type=int, default=200, help="Longest wait to fill a batch (ms).")
        parser.add_argument("--seconds", type=float, default=0, help="Stop after this long (0: run until stopped).")

    def handle(self, *args, host, port, instance, client_id, group, root, batch, batch_ms, seconds, **options):
        from anjian.monitoring.mqtt import MqttIngestor, default_client_id
        from anjian.monitoring.partitions import ensure_partitions

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        ensure_partitions()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        ingestor = MqttIngestor(host=host, port=port, client_id=client_id or default_client_id(instance),
                                group=group, root=root, batch_size=batch, batch_seconds=batch_ms / 1000)
        self.stdout.write(f"ingest_mqtt: {host}:{port} {ingestor.subscription} as {ingestor.client._client_id.decode()}")
        ingestor.start()
        if ingestor.subscribed.wait(30):
            self.stdout.write("ingest_mqtt: subscribed")
            self.stdout.flush()
        else:
            self.stderr.write("ingest_mqtt: not subscribed yet (is the broker running?); paho keeps trying")
        if seconds:
            threading.Timer(seconds, stop.set).start()
        started = time.monotonic()
        stats = ingestor.run(stop)
        ingestor.stop()
        self.stdout.write(f"ingest_mqtt stopped after {time.monotonic() - started:.1f} s: {stats.line()}")
