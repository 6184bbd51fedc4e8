"""The API description: /api/schema/ is a valid OpenAPI 3 document that describes the
enterprise registry, generated without warnings; /api/docs/ serves the browsable docs."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import (
    act_as,
)

pytestmark = pytest.mark.django_db

ENTERPRISE_OPERATIONS = {
    "/api/enterprises/": {"get", "post"},
    "/api/enterprises/{id}/": {"get", "put", "patch", "delete"},
    "/api/enterprises/{id}/status/": {"post"},
    "/api/enterprises/{id}/events/": {"get"},
    "/api/enterprises/{id}/history/": {"get"},
    "/api/enterprises/{id}/void/": {"post"},
    "/api/supervisions/": {"get", "post"},
    "/api/supervisions/{id}/": {"get"},
    "/api/auth/token/": {"post", "delete"},
    "/api/auth/token/rotate/": {"post"},
}
HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    """The document as a signed-in regulator gets it, generated once for the module (generation
    costs seconds and reads no rows: the reader is an unsaved account)."""
    from rest_framework.test import APIClient

    from anjian.orgs.models import User

    GENERATOR_STATS.reset()
    client = APIClient()
    client.force_authenticate(User(username="schema-reader", role=Role.REGULATOR))
    with django_db_blocker.unblock():
        response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    # given the served schema, then it declares OpenAPI 3 and validates against the OpenAPI 3 JSON schema
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert schema["info"]["title"] == "Anjian API"


def test_schema_generation_has_no_warnings_or_errors(schema):
    # given the schema was just generated, then drf-spectacular reported no problem while doing it
    assert not GENERATOR_STATS._error_cache
    assert not GENERATOR_STATS._warn_cache


def test_schema_describes_the_enterprise_registry(schema):
    # given the served schema, then every enterprise operation is described with its methods
    for path, methods in ENTERPRISE_OPERATIONS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) & HTTP_METHODS == methods, path
    # and the enterprise list is filterable as documented
    params = {p["name"] for p in schema["paths"]["/api/enterprises/"]["get"]["parameters"]}
    assert {"region", "industry", "grid", "status", "has_supervision", "q", "ordering", "page", "page_size"} <= params


def test_schema_has_the_list_envelope(schema):
    # given the served schema, then the enterprise list answers the paginated envelope
    ok = schema["paths"]["/api/enterprises/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    ref = ok["$ref"].rsplit("/", 1)[-1]
    assert {"count", "next", "previous", "results"} <= set(schema["components"]["schemas"][ref]["properties"])


def test_docs_page_is_served(world, api):
    # given a logged-in user, when they open /api/docs/, then the Swagger UI page answers
    response = act_as(api, world.users[Role.REGULATOR]).get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


SERVER_SET_FIELDS = {"is_demo", "version_number", "region_path", "created_by", "created_at"}


def test_no_request_body_lets_a_client_set_server_fields(schema):
    # given every request body of every operation (resolved through its component)
    components = schema["components"]["schemas"]

    def props(ref_or_schema, seen=()):
        ref = ref_or_schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[1]
            if name in seen:
                return set()
            return props(components[name], (*seen, name))
        out = set(ref_or_schema.get("properties", {}))
        for part in ref_or_schema.get("allOf", []) + ref_or_schema.get("oneOf", []):
            out |= props(part, seen)
        return out

    offenders = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for media in (op.get("requestBody") or {}).get("content", {}).values():
                leaked = props(media.get("schema", {})) & SERVER_SET_FIELDS
                if leaked:
                    offenders.append((method.upper(), path, sorted(leaked)))
    # then none carries a field only the server sets (e.g. the demo label)
    assert offenders == []
