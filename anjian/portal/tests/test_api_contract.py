"""The API keeps its contract (issue #12): a property-based run of Schemathesis over the OpenAPI
document the API serves, as an administrator and as an enterprise's safety manager. Every
operation gets a few generated requests (valid and invalid bodies, parameters and path keys,
plus the keys of records that exist); no answer may be a 5xx, and every answer must be one the
document describes (its status code, its content type, its body's schema).

Bounded in time: a fixed number of examples per operation (``ANJIAN_CONTRACT_EXAMPLES``, 2 by
default, which keeps both roles near a minute and a half on the CI machine; raise it for a deeper
run), derandomized so a run is repeatable, with no shrinking. The operations are walked in one
test per role (not one test per operation) so that the data is built once. File answers (exports,
PDFs) are checked for their status code only."""

from __future__ import annotations

import os
import re
from collections import defaultdict

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anjian.core.testing.engines import only_on
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_checklist, make_duty, make_hazard
from anjian.security.services import issue_token

pytestmark = [pytest.mark.django_db(transaction=False),
              only_on("sqlite", "the API's contract (status codes, content types, bodies against the "
                                "schema) does not depend on the database; it runs beside the longer PostgreSQL run")]

EXAMPLES = int(os.environ.get("ANJIAN_CONTRACT_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations that answer a file or run long by design: checked for 5xx and status code only.
BINARY = re.compile(r"(export|template|\.pdf|/pdf/|card|download|files)")


class InTestWSGIHandler(WSGIHandler):
    """Django's WSGI application as its test client runs it: neither the start nor the end of a
    request closes the database connection (on PostgreSQL that would end the test's transaction)."""

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = b"".join(response)
            response.close()  # sends request_finished, as a WSGI server would
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return [body]


def _schema_document(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _existing_keys(client, paths) -> dict[str, list[str]]:
    """For every collection with a detail path, the keys of a few rows the caller can see, so
    generated requests also reach records that exist (not only 404s)."""
    keys: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        if not re.fullmatch(r"/api/[\w-]+/", path):
            continue
        response = client.get(path, {"page_size": 3})
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", body) if isinstance(body, dict) else body
        for row in rows if isinstance(rows, list) else []:
            for name in ("id", "code", "enterprise"):
                if isinstance(row, dict) and row.get(name) is not None:
                    keys[f"{path}:{name}"].append(str(row[name]))
    return keys


def run_contract(world, api, user) -> list[str]:
    """Every operation of the document, ``EXAMPLES`` generated requests each, as ``user``:
    answers the failures found (operation, check, what)."""
    make_hazard(world.ent_a)
    make_checklist()
    make_duty(world.ent_a)
    api.force_authenticate(user)
    document = _schema_document(api)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = InTestWSGIHandler()
    keys = _existing_keys(api, document["paths"])
    headers = _headers(user)
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        # The token endpoints revoke or replace the token they are called with: a token of their own.
        exercise(operation, keys, _headers(user) if "/auth/" in operation.path else headers, failures)()
    return failures


def _headers(user) -> dict[str, str]:
    key, _token = issue_token(user)
    return {"Authorization": f"Token {key}", "Host": "localhost"}


def _summary(exc) -> str:
    """The failures of a Schemathesis check, one line each (title and what was received)."""
    found = getattr(exc, "exceptions", None) or [exc]
    return "; ".join(f"{getattr(e, 'title', type(e).__name__)}: {getattr(e, 'message', str(e))[:400]}"
                     for e in found)


def exercise(operation, keys, headers, failures):
    """The property-based run of one operation (a Hypothesis test to call)."""
    prefix = re.sub(r"\{[^}]+\}.*", "", operation.path)
    checks = CHECKS[:2] if BINARY.search(operation.path) else CHECKS

    @given(case=operation.as_strategy(), pick=st.integers(min_value=0, max_value=10))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case, pick):
        # Half the time, a path key is one that exists (the rest: whatever was generated).
        for name in list(case.path_parameters or {}):
            known = keys.get(f"{prefix}:{name}") or keys.get(f"{prefix}:id")
            if known and pick % 2 == 0:
                case.path_parameters[name] = known[pick % len(known)]
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 -- collect every failure, report together
            failures.append(f"{operation.method.upper()} {operation.path} → {response.status_code}: "
                            f"{_summary(exc)}")

    return run


def test_the_api_keeps_its_contract_for_an_administrator(world, api):
    failures = run_contract(world, api, world.users[Role.ADMIN])
    assert failures == [], "\n\n".join(failures)


def test_the_api_keeps_its_contract_for_an_enterprise(world, api):
    failures = run_contract(world, api, world.users[Role.ENTERPRISE])
    assert failures == [], "\n\n".join(failures)
