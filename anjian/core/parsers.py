"""The API's JSON parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per level, so a body nested a thousand deep raises
RecursionError (a 500, before any view runs); no request of this API nests more than a few
levels, so anything deeper than ``MAX_DEPTH`` is refused as a parse error (400)."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def depth_of(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies nested at most ``MAX_DEPTH`` levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)d levels).") % {"n": MAX_DEPTH}) from exc
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)d levels).") % {"n": MAX_DEPTH})
        return data
