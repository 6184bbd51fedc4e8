"""The API's JSON parser: DRF's, with bounds on size and nesting.

Python's JSON decoder recurses once per level, so a body nested a thousand deep raises
RecursionError (a 500, before any view runs); no request of this API nests more than a few
levels, so anything deeper than ``MAX_DEPTH`` is refused as a parse error (400). DRF reads a
JSON body without Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which bounds form bodies only): the
same limit applies here, read no further than one byte past it."""

from typing import Any

from django.conf import settings
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


class _Replay:
    """The bytes already read, as the stream DRF's parser reads."""

    def __init__(self, body: bytes):
        self.body = body

    def read(self, *args) -> bytes:
        body, self.body = self.body, b""
        return body


class BoundedJSONParser(JSONParser):
    """JSON bodies of at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes nested at most ``MAX_DEPTH``
    levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise ParseError(_("The request body is larger than %(mb)s MB.") % {"mb": round(limit / 2**20, 1)})
            stream = _Replay(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)d levels).") % {"n": MAX_DEPTH}) from exc
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)d levels).") % {"n": MAX_DEPTH})
        return data
