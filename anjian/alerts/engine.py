"""Warnings (预警): declared rules, evaluated set-based by a periodic job, and the inbox reads.

A ``WarningRule`` says which records currently meet a condition ("open hazards past their
deadline"), how serious that is, who is told (roles) and how the message reads. The periodic
scan (``run_all_rules``) keeps ``alerts.Warning`` in step with the rules in a few statements per
rule, whatever the number of records:

1. close — ``UPDATE warning SET closed_at = now WHERE rule = … AND closed_at IS NULL AND NOT
   EXISTS (the record still matches)``: the cause is gone, the warning closes itself;
2. raise — ``INSERT INTO warning … SELECT … FROM (the matching records) ON CONFLICT DO NOTHING``:
   a record that already has an open warning of the rule is skipped by the unique index;
3. refresh — ``UPDATE warning SET last_seen_at = now`` for the open warnings of the rule not
   confirmed for ``ANJIAN_WARN_SEEN_REFRESH_HOURS`` (see ``sync_rule``).

Never a Python loop over records: at province scale (10,000,000 hazards on PostgreSQL) the
whole scan must stay well under a minute. The partial unique constraint "one open warning per
(rule, record)" is what makes two scans running at once harmless: the losing INSERT skips the
row (ON CONFLICT DO NOTHING) instead of failing or duplicating it.

Rules are declared in each app's ``rules`` module (``anjian/hazards/rules.py``, …), imported
at start-up by ``AlertsConfig.ready``.

A warning is one row per cause, not per recipient: a user's inbox is the open warnings in
their jurisdiction (``Warning.objects.for_user``) whose rule is addressed to their role.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import BigIntegerField, CharField, Count, Exists, F, OuterRef, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat, Left
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from anjian.orgs.choices import REGULATOR_ROLES, Role

from .models import Warning, WarningRead

logger = logging.getLogger(__name__)

MESSAGE_MAX = Warning._meta.get_field("message").max_length
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: The scope columns a rule's records give their warnings, and where a rule finds them by default.
SCOPE_FIELDS = {"region_path": "region_path", "industry": "industry_id", "grid": "grid_id",
                "enterprise": "enterprise_id"}

Params = Mapping[str, "str | Combinable"]


@dataclass(frozen=True)
class WarningRule:
    """One declared warning rule.

    - ``code``: stable identifier stored on each warning (``Warning.rule``); never reuse one.
    - ``title``: short label of the rule (inbox filter, dashboard), translated when shown.
    - ``level``: a ``Warning.Level`` value, or an expression over the matching rows giving
      one (e.g. severe for major hazards, warning otherwise).
    - ``message``: the message template with ``%(name)s`` placeholders, filled from ``params``.
      It is rendered *in the database*, in the site's default language (``LANGUAGE_CODE``),
      when the warning is raised, and stored on the warning.
    - ``roles``: the roles whose inbox shows the warning (system administrators see all).
    - ``model``: the model of the record the warning is about (its content type).
    - ``matches(now)``: a queryset of the rows that meet the rule at ``now`` — records of
      ``model``, or rows of another table that point to them through ``key``.
    - ``key``: the field of ``matches``' rows holding the record's primary key.
    - ``params``: message parameters, name → lookup or expression over the matching rows; or
      a callable ``params(now)`` returning that mapping (for settings read at scan time).
    - ``scope``: where the matching rows hold the scope columns copied onto the warning
      (region path, industry, grid, enterprise); ``None`` for a column the rows lack.
    - ``url_name``: the page of the record, reversed with its primary key (no link if unknown).
    """

    code: str
    title: Any
    level: str | Combinable
    message: Any
    roles: frozenset[str]
    model: type[models.Model]
    matches: Callable[[datetime], models.QuerySet]
    key: str = "pk"
    params: Params | Callable[[datetime], Params] = field(default_factory=dict)
    scope: Mapping[str, str | None] = field(default_factory=lambda: dict(SCOPE_FIELDS))
    url_name: str | None = None
    description: Any = ""

    def addressed_to(self, user) -> bool:
        """Whether ``user``'s inbox shows this rule's warnings."""
        return bool(getattr(user, "is_system_admin", False)) or getattr(user, "role", None) in self.roles

    def params_at(self, now: datetime) -> Params:
        return self.params(now) if callable(self.params) else self.params


_REGISTRY: dict[str, WarningRule] = {}


def register(rule: WarningRule) -> WarningRule:
    """Add ``rule`` to the registry (re-registering the same code replaces it: module reloads)."""
    if len(rule.code) > Warning._meta.get_field("rule").max_length:
        raise ValueError(f"warning rule code {rule.code!r} is too long")
    _REGISTRY[rule.code] = rule
    return rule


def unregister(code: str) -> None:
    """Remove a rule (tests; a retired rule's open warnings are closed by the next scan)."""
    _REGISTRY.pop(code, None)


def all_rules() -> list[WarningRule]:
    """Every registered rule, in registration order."""
    return list(_REGISTRY.values())


def get_rule(code: str) -> WarningRule | None:
    return _REGISTRY.get(code)


def rules_for(user) -> list[WarningRule]:
    """The rules whose warnings ``user``'s inbox shows."""
    return [r for r in _REGISTRY.values() if r.addressed_to(user)]


def rule_title(code: str) -> str:
    """The rule's title, or its code when the rule is no longer declared."""
    rule = _REGISTRY.get(code)
    return str(rule.title) if rule else code


# --- for declaring rules (each app's ``rules.py``) -----------------------------------------------

#: Who a rule tells (``WarningRule.roles``, combined with ``|``): the regulators and industry
#: officers in whose jurisdiction the record lies, the enterprise's users, the grid officers.
REGULATORS = REGULATOR_ROLES
ENTERPRISE = frozenset({Role.ENTERPRISE})
GRID_OFFICERS = frozenset({Role.GRID_OFFICER})


def setting_days(name: str, default: int) -> int:
    """A rule's threshold in days, from the setting ``name``: read at every scan, so a changed
    setting applies from the next scan on."""
    return int(getattr(settings, name, default))


def past_due(now: datetime, field: str = "deadline") -> models.Q:
    """The records whose date ``field`` is before ``now``'s day in the site's time zone: due on a
    day that is over, so overdue (a deadline of today is still kept in time)."""
    return models.Q(**{f"{field}__lt": timezone.localdate(now)})


# --- the scan ---------------------------------------------------------------------------------

@dataclass
class SyncResult:
    """What one rule's scan did: warnings raised, closed (cause gone) and re-confirmed."""

    raised: int = 0
    closed: int = 0
    refreshed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"raised": self.raised, "closed": self.closed, "refreshed": self.refreshed}


def _message_expression(rule: WarningRule, now: datetime) -> Combinable:
    """The rule's message as one SQL expression: the template, translated into the site's
    default language, split at its placeholders and concatenated with the parameters."""
    with translation.override(settings.LANGUAGE_CODE):
        template = str(rule.message)
    params = rule.params_at(now)
    pieces = _PLACEHOLDER.split(template)  # literal, name, literal, name, …, literal
    parts: list[Combinable] = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if piece:
                parts.append(Value(piece.replace("%%", "%"), output_field=CharField()))
            continue
        if piece not in params:
            raise KeyError(f"warning rule {rule.code}: no parameter {piece!r} for its message")
        expr = params[piece]
        expr = F(expr) if isinstance(expr, str) else expr
        parts.append(Cast(expr, output_field=CharField()))
    if not parts:
        return Value("", output_field=CharField())
    message = parts[0] if len(parts) == 1 else Concat(*parts, output_field=CharField())
    # Truncated in SQL: PostgreSQL refuses a string longer than the column.
    return Left(message, MESSAGE_MAX)


def _record_key() -> Cast:
    """The warning's object_id (text) as the record's integer key, to correlate with the rule's
    rows: casting the warning side, not the records' key, keeps the records' index usable (and
    PostgreSQL compares no bigint with varchar)."""
    return Cast(OuterRef("object_id"), output_field=BigIntegerField())


def _insert_new(rule: WarningRule, content_type: ContentType, now: datetime) -> int:
    """INSERT … SELECT the warnings of records that match and have no open warning yet."""
    level = rule.level if not isinstance(rule.level, str) else Value(rule.level, output_field=CharField())
    columns: dict[str, Any] = {
        "w_object_id": Cast(rule.key, output_field=CharField(max_length=64)),
        "w_level": level,
        "w_message": _message_expression(rule, now),
    }
    for name in SCOPE_FIELDS:
        lookup = rule.scope.get(name)
        if lookup is None:
            # Cast, not a bare NULL: in a sub-SELECT PostgreSQL types an untyped NULL as text, which
            # the INSERT then refuses for the bigint industry_id and grid_id columns.
            field = CharField(max_length=80) if name == "region_path" else BigIntegerField()
            columns[f"w_{name}"] = Cast(Value(None), output_field=field)
        else:
            columns[f"w_{name}"] = F(lookup)
    select = rule.matches(now).order_by().values(**columns)
    select_sql, select_params = select.query.get_compiler(connection=connection).as_sql()

    table = connection.ops.quote_name(Warning._meta.db_table)
    moment = Warning._meta.get_field("raised_at").get_db_prep_value(now, connection)
    # The partial unique index "one open warning per (rule, record)" is the arbiter: a record that
    # already has an open warning (most of them, at steady state) is skipped by ON CONFLICT DO
    # NOTHING after one probe of that index, before any row is written — the same work as an
    # indexed NOT EXISTS, without depending on the planner choosing it (measured: with stale
    # statistics on a freshly filled warning table, PostgreSQL ran NOT EXISTS as a nested loop
    # over the materialised open warnings, 160,000 × 140,000 comparisons). It also settles a race
    # with a concurrent scan. SQLite needs a WHERE in an INSERT … SELECT with an upsert clause.
    # Not an injection vector: identifiers come from the model, the SELECT is compiled by the
    # ORM, and every value is a parameter.
    sql = (
        f"INSERT INTO {table} (rule, content_type_id, object_id, level, message, enterprise_id, region_path, "  # noqa: S608
        f"industry_id, grid_id, raised_at, last_seen_at, closed_at) "
        f"SELECT %s, %s, m.w_object_id, m.w_level, m.w_message, m.w_enterprise, m.w_region_path, "
        f"m.w_industry, m.w_grid, %s, %s, NULL "
        f"FROM ({select_sql}) m WHERE true "
        f"ON CONFLICT DO NOTHING"
    )
    params = [rule.code, content_type.pk, moment, moment, *select_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def sync_rule(rule: WarningRule, now: datetime | None = None) -> SyncResult:
    """Bring the warnings of ``rule`` in step with the records that meet it at ``now``.

    Three set-based statements in one transaction: close the open warnings whose record no
    longer matches (closed_at = now), raise warnings for the records that newly match, and
    refresh ``last_seen_at`` of the open ones.

    ``last_seen_at`` ("last confirmed at") is refreshed at most every
    ``ANJIAN_WARN_SEEN_REFRESH_HOURS`` (default 24; 0 = every scan). Rewriting every open
    warning each quarter of an hour would rewrite hundreds of thousands of rows (and their
    index entries) 96 times a day for a timestamp nobody acts on; the open state itself is
    exact after every scan. Everything still open after step 1 matched at ``now``, so the
    refresh needs no second evaluation of the rule.
    """
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(rule.model, for_concrete_model=True)
    result = SyncResult()
    with transaction.atomic():
        open_warnings = Warning.objects.filter(rule=rule.code, content_type=content_type, closed_at__isnull=True)
        still_matches = rule.matches(now).order_by().filter(**{rule.key: _record_key()})
        result.closed = open_warnings.filter(~Exists(still_matches)).update(closed_at=now)
        result.raised = _insert_new(rule, content_type, now)
        hours = getattr(settings, "ANJIAN_WARN_SEEN_REFRESH_HOURS", 24)
        stale = open_warnings.filter(last_seen_at__lt=now - timedelta(hours=max(hours, 0)))
        result.refreshed = stale.update(last_seen_at=now)
    return result


def close_retired(now: datetime | None = None) -> int:
    """Close the open warnings of rules that are no longer declared (a rule removed or renamed):
    nothing would ever close them otherwise."""
    now = now or timezone.now()
    return Warning.objects.filter(closed_at__isnull=True).exclude(rule__in=list(_REGISTRY)).update(closed_at=now)


ANALYZE_AFTER = 10_000
"""After a scan that raised or closed this many warnings, the warning table is analysed."""


def run_all_rules(now: datetime | None = None, *, codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """Scan every registered rule (or those in ``codes``) at ``now``; one transaction per rule,
    so a failing rule is logged and the others still run. Returns rule code → counts, plus
    ``"_retired"`` (warnings of undeclared rules closed) when all rules ran."""
    now = now or timezone.now()
    wanted = set(codes) if codes is not None else None
    out: dict[str, dict[str, int]] = {}
    for rule in all_rules():
        if wanted is not None and rule.code not in wanted:
            continue
        try:
            out[rule.code] = sync_rule(rule, now).as_dict()
        except Exception:
            logger.exception("warning rule %s failed", rule.code)
            out[rule.code] = {"error": 1}
    if wanted is None:
        out["_retired"] = {"closed": close_retired(now)}
    changed = sum(c.get("raised", 0) + c.get("closed", 0) for c in out.values())
    if changed >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # A first scan (or a mass change) writes hundreds of thousands of warnings at once; until
        # autovacuum samples the table, PostgreSQL plans the inbox and the next scan from the
        # statistics of an empty table. ANALYZE samples it now (a fraction of a second).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Warning._meta.db_table)}")
    return out


# --- reads: the inbox ---------------------------------------------------------------------------

OPEN, CLOSED, ALL_STATES = "open", "closed", "all"


def _read_by(user) -> Exists:
    return Exists(WarningRead.objects.filter(warning=OuterRef("pk"), user_id=getattr(user, "pk", None)))


def inbox_base(user, *, status: str = OPEN, scoped: models.QuerySet | None = None) -> models.QuerySet:
    """The warnings ``user`` sees, unannotated and unordered: in their jurisdiction, of rules
    addressed to their role (system administrators: all rules); open, closed or all.
    ``scoped``: the user's warnings already read through their scope (the API's viewset base)."""
    qs = Warning.objects.for_user(user) if scoped is None else scoped
    if not getattr(user, "is_system_admin", False):
        qs = qs.filter(rule__in=[r.code for r in rules_for(user)])
    if status == OPEN:
        qs = qs.filter(closed_at__isnull=True)
    elif status == CLOSED:
        qs = qs.filter(closed_at__isnull=False)
    return qs


def inbox(user, *, status: str = OPEN, rule: str | None = None, level: str | None = None,
          unread: bool | None = None, enterprise: int | None = None,
          scoped: models.QuerySet | None = None) -> models.QuerySet:
    """``inbox_base`` narrowed by rule, level, read state and enterprise, annotated
    ``is_read``, newest first (by id: warnings are numbered as they are raised).

    The order is one the database reads from the primary key backwards, stopping after a page:
    sorting a province's 600,000 open warnings by anything else costs seconds per page.
    ``UnreadFirst`` puts the unread ones first for the inbox page."""
    qs = inbox_base(user, status=status, scoped=scoped)
    if rule:
        qs = qs.filter(rule=rule)
    if level:
        qs = qs.filter(level=level)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    qs = qs.annotate(is_read=_read_by(user))
    if unread is not None:
        qs = qs.filter(is_read=not unread)
    return qs.order_by("-id")


class UnreadFirst:
    """A page source for ``Paginator``: the unread warnings of an ``inbox`` queryset newest
    first, then the read ones newest first — without sorting the whole inbox by read state.

    Counting costs the inbox's count plus the count of the user's read warnings in it (a user
    has read few); a page is one or two LIMIT/OFFSET reads in primary-key order. Measured on
    a province's 624,000 open warnings (PostgreSQL): a page 2 ms instead of 1.8 s sorted."""

    def __init__(self, queryset: models.QuerySet):
        self.unread = queryset.filter(is_read=False)
        self.read = queryset.filter(is_read=True)
        self.queryset = queryset
        self._counts: tuple[int, int] | None = None

    def counts(self) -> tuple[int, int]:
        """(unread, total)."""
        if self._counts is None:
            total = self.queryset.order_by().count()
            read = self.read.order_by().count() if total else 0
            self._counts = (total - read, total)
        return self._counts

    def count(self) -> int:
        return self.counts()[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Warning]:
        if not isinstance(index, slice):
            raise TypeError("UnreadFirst supports slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        n_unread = self.counts()[0]
        rows: list[Warning] = []
        if start < n_unread:
            rows += list(self.unread[start:min(stop, n_unread)])
        if stop > n_unread:
            rows += list(self.read[max(start - n_unread, 0):stop - n_unread])
        return rows


UNREAD_CAP = 100
"""The badge counts unread warnings up to this many ("99+"): counting a province's unread
warnings on every page would cost a scan of all of them; LIMIT keeps it an index walk."""


def unread_count(user, *, cap: int = UNREAD_CAP) -> int:
    """How many open warnings ``user`` has not read, up to ``cap`` (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_base(user).filter(~_read_by(user)).order_by().values("pk")[:cap].count()


def warning_summary(user) -> list[dict[str, Any]]:
    """Open warnings in ``user``'s inbox per rule (one grouped query), every addressed rule
    listed (zero included), in registration order: ``[{code, title, count, level}]``."""
    counts = dict(inbox_base(user).order_by().values("rule").annotate(n=Count("pk")).values_list("rule", "n"))
    return [{"code": r.code, "title": r.title, "count": counts.get(r.code, 0),
             "level": r.level if isinstance(r.level, str) else Warning.Level.WARNING}
            for r in rules_for(user)]


def warning_url(warning: Warning) -> str | None:
    """The page of the record the warning is about (None when the rule names no page)."""
    rule = _REGISTRY.get(warning.rule)
    if rule is None or not rule.url_name:
        return None
    try:
        return reverse(rule.url_name, args=[warning.object_id])
    except NoReverseMatch:
        return None


def mark_read(warning: Warning, user) -> bool:
    """Mark one warning read by ``user``; True if it was unread. Idempotent: the (warning, user)
    unique constraint turns a concurrent duplicate into a lookup (get_or_create)."""
    _read, created = WarningRead.objects.get_or_create(warning=warning, user=user)
    return created


def mark_all_read(user, queryset: models.QuerySet) -> int:
    """Mark every unread warning of ``queryset`` (already scoped: pass an ``inbox``) read by
    ``user``; returns how many were unread. Written in batches, conflicts ignored."""
    ids = list(queryset.filter(is_read=False).order_by().values_list("pk", flat=True))
    now = timezone.now()
    WarningRead.objects.bulk_create([WarningRead(warning_id=pk, user=user, read_at=now) for pk in ids],
                                    batch_size=1000, ignore_conflicts=True)
    return len(ids)


LEVEL_BADGES = {Warning.Level.NOTICE: "badge-info", Warning.Level.WARNING: "badge-suspended",
                Warning.Level.SEVERE: "badge-danger"}


def level_badge(level: str) -> str:
    """The CSS badge class of a warning level."""
    return LEVEL_BADGES.get(level, "badge-muted")


STATUS_LABELS = {OPEN: pgettext_lazy("warnings", "Open"), CLOSED: pgettext_lazy("warnings", "Closed"),
                 ALL_STATES: pgettext_lazy("warnings", "All")}
