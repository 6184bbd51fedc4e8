"""``anjian scan_warnings``: run the warning scan now, in this process, and print the counts."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anjian.alerts.engine import all_rules, run_all_rules


class Command(BaseCommand):
    help = "Evaluate the warning rules now (the periodic job's work) and print raised/closed counts per rule."

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", dest="rules", metavar="CODE",
                            help="Scan only this rule (repeatable). Default: every rule.")
        parser.add_argument("--list", action="store_true", help="List the declared rules and exit.")

    def handle(self, *args, rules=None, list=False, **options):  # noqa: A002 - the option's name
        if list:
            for rule in all_rules():
                self.stdout.write(f"{rule.code}\t{rule.level if isinstance(rule.level, str) else '*'}\t"
                                  f"{','.join(sorted(rule.roles))}\t{rule.title}")
            return
        known = {r.code for r in all_rules()}
        unknown = sorted(set(rules or ()) - known)
        if unknown:
            raise CommandError(f"Unknown rule(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}")
        started = time.perf_counter()
        results = run_all_rules(timezone.now(), codes=rules)
        width = max((len(code) for code in results), default=10)
        self.stdout.write(f"{'rule':<{width}}  raised  closed  refreshed")
        failed = False
        for code, counts in results.items():
            if "error" in counts:
                failed = True
                self.stdout.write(self.style.ERROR(f"{code:<{width}}  failed (see the log)"))
                continue
            self.stdout.write(f"{code:<{width}}  {counts.get('raised', 0):>6}  {counts.get('closed', 0):>6}  "
                              f"{counts.get('refreshed', 0):>9}")
        self.stdout.write(f"done in {time.perf_counter() - started:.2f} s")
        if failed:
            raise CommandError("Some rules failed.")
