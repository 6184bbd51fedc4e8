"""The OpenAPI document states the error answers every operation may give (issue #12: the API
answered status codes its document did not list). drf-spectacular documents an operation's
success; this post-processing hook adds, once for all operations, what the platform's plumbing
answers around it:

- 400 — the request is refused: each field or parameter named with its messages
  (``core.api.exception_handler``, ``core.filters``, ``core.pagination``, ``core.parsers``);
- 401 / 403 — not signed in / not allowed (every operation but the anonymous ones);
- 404 — an unknown or out-of-scope record named in the path, a parameter or the body, or a
  page past the last;
- 409 — a write on a record changed since the caller read it (``core.workflow``);
- 429 — a locked account asking for a token.

Run by ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` after drf-spectacular's own enum hook;
``portal/tests/test_api_contract.py`` checks every answer against the document."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

WRITE_METHODS = {"post", "put", "patch", "delete"}

COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorDetail": {
        "type": "object",
        "description": "A request refused as a whole: `detail` says why.",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "A refused request: each field or query parameter named with its messages "
                       "(`{\"description\": [\"…\"]}`; a list's items by index), or `detail` for the "
                       "request as a whole (a body that is not JSON, nested too deeply).",
        "additionalProperties": {},
    },
    "Conflict": {
        "type": "object",
        "description": "The record changed since the caller read it: read it again and retry.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "current_state": {"type": "string"},
            "current_version": {"type": "integer"},
        },
        "required": ["detail"],
    },
}

ANSWERS = {
    "400": ("The request is refused: the fields or parameters are named.", "ValidationErrors"),
    "401": ("Not signed in (no, an expired or a revoked token).", "ErrorDetail"),
    "403": ("Signed in, but not allowed to do this.", "ErrorDetail"),
    "404": ("No such record in the caller's jurisdiction (in the path, a parameter or the body), or no such page.",
            "ErrorDetail"),
    "409": ("The record changed since the caller read it.", "Conflict"),
    "429": ("Too many failed sign-ins: the account is locked for a while.", "ErrorDetail"),
}


def _answer(code: str) -> dict[str, Any]:
    description, component = ANSWERS[code]
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}


def codes_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error codes an operation may answer besides those it documents itself."""
    codes = ["400"]
    anonymous = {} in operation.get("security", [{}]) or not operation.get("security")
    if not anonymous or path.startswith("/api/auth/"):
        codes += ["401", "403"]
    # A record named in the path, a parameter or the body that the caller cannot see; a page past the last.
    codes.append("404")
    if method in WRITE_METHODS:
        codes.append("409")
    if path == "/api/auth/token/" and method == "post":
        codes.append("429")
    return codes


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the error answers of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in COMPONENTS.items():
        # A serializer named like a shared error body would silently replace it (enforcement's
        # declared conflicts once turned every 409 into a conflict record): refuse.
        if name in schemas and schemas[name] != component:
            raise ImproperlyConfigured(f"A serializer's component is named {name!r}, like the shared error "
                                       "body of core/schema.py: give the serializer another name")
        schemas[name] = component
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in codes_for(path, method, operation):
                operation["responses"].setdefault(code, _answer(code))
    return result
