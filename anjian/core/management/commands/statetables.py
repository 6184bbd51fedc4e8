"""Write docs/state-machines.md from the apps' state machine declarations (see core.statetables)."""

from django.core.management.base import BaseCommand

from anjian.core.statetables import DOC_PATH, render


class Command(BaseCommand):
    help = "Write docs/state-machines.md from the StateMachine declarations in each app's choices.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date; write nothing.")

    def handle(self, *args, check: bool = False, **options):
        text = render()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{DOC_PATH} is out of date: run `anjian statetables`.")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC_PATH}")
