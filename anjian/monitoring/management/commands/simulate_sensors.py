"""`anjian simulate_sensors`: publish realistic readings of the registered sensors to the MQTT
broker (see monitoring/simulate.py), with occasional limit breaches and silences."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Publish simulated sensor readings (QoS 1) with occasional breaches and silences."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.ANJIAN_MQTT_HOST)
        parser.add_argument("--port", type=int, default=settings.ANJIAN_MQTT_PORT)
        parser.add_argument("--root", default=settings.ANJIAN_MQTT_TOPIC_ROOT)
        parser.add_argument("--seconds", type=float, default=600, help="How long to publish.")
        parser.add_argument("--speed", type=float, default=1.0, help="Report this many times faster than each period.")
        parser.add_argument("--demo", action="store_true", help="Only the demo sensors.")
        parser.add_argument("--batch", action="store_true", help="One compact batch per source and tick.")
        parser.add_argument("--breach", type=float, default=0.01, help="Chance per reading that a breach starts.")
        parser.add_argument("--silence", type=float, default=0.002, help="Chance per reading that a silence starts.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, host, port, root, seconds, speed, demo, batch, breach, silence, seed, **options):
        from anjian.monitoring.simulate import Publisher, load_sensors, run

        sensors = load_sensors(demo_only=demo)
        if not sensors:
            raise CommandError("No sensors are registered: run `anjian demo` or register sensors first.")
        try:
            publisher = Publisher(host, port)
        except OSError as exc:
            raise CommandError(f"The MQTT broker at {host}:{port} cannot be reached ({exc}).") from exc
        self.stdout.write(f"simulate_sensors: {len(sensors)} sensors → {host}:{port} {root}/…")
        counts = run(sensors, publisher, root=root, seconds=seconds, speed=speed, batch=batch,
                     breach_chance=breach, silence_chance=silence, seed=seed)
        publisher.close()
        self.stdout.write(json.dumps({**counts, "acknowledged": publisher.acked}))
