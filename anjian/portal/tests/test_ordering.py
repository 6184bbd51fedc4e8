"""?ordering= on a non-unique field keeps a stable order across pages (pk tie-breaker)."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from anjian.core.filters import StableOrderingFilter
from anjian.enterprises.models import Enterprise


class View:
    ordering_fields = ["name", "id"]
    ordering = ["name"]


def ordering_for(query: str) -> list[str] | None:
    request = Request(APIRequestFactory().get("/x/", query))
    return StableOrderingFilter().get_ordering(request, Enterprise.objects.none(), View())


@pytest.mark.parametrize(("query", "expected"), [
    ({"ordering": "name"}, ["name", "pk"]),
    ({"ordering": "-name"}, ["-name", "-pk"]),
    ({"ordering": "name,-id"}, ["name", "-id"]),
    ({}, ["name"]),
])
def test_the_primary_key_breaks_ties_in_the_last_fields_direction(query, expected):
    # given a list ordered by a field many rows share, when a client asks for it,
    # then the primary key follows in the same direction (unless the client named it)
    assert ordering_for(query) == expected
