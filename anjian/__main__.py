"""The `anjian` console command: a thin wrapper around Django's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- loads the settings, which check the configuration
    except ImproperlyConfigured as exc:
        # A configuration mistake (no secret key, an empty DATABASE_URL, …) is a message, not a traceback.
        sys.stderr.write(f"anjian: {exc}\n")
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
