"""The enterprise's whole file (一企一档): sections of the enterprise page and columns of the
enterprise list, each provided by the app that owns the data.

Each Anjian app may have a ``profile`` module, imported at start-up by ``CoreConfig.ready``
(as the warning ``rules`` are), that declares:

- **sections** of the enterprise page (``register_section``): a title, a place in the
  page and a ``build(user, enterprise)`` that answers its figures (counts linking to the app's
  filtered list), a few recent records, action links and, if the generic layout does not fit,
  a template of its own. A new capability adds a section by adding its ``profile`` module; the
  enterprise template loops over the sections and never names them.
- **columns** of the enterprise list (``register_column``): ``values(user, pks)`` answers the
  column's value for a page of enterprises in one query; the list page shows it through
  ``cell`` and the API as a read-only field of the same name.

Rules every section and column keeps (tested in enterprises/tests/test_dossier.py):
- reads go through the app's own selectors and ``for_user(user)``: a figure counts only what
  the user may see, and a link opens the app's list filtered the same way;
- a section costs a fixed number of queries (``SECTION_QUERY_BUDGET``) and a column one query
  per page, whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.http import urlencode

#: The most queries one section's build may run (a test holds every registered section to it).
SECTION_QUERY_BUDGET = 4


def ink(colour: str) -> str:
    """A readable text colour on the background ``colour`` (#RRGGBB): dark on light colours
    (the yellow of 一般风险), white otherwise."""
    try:
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError, TypeError):
        return "#fff"
    return "#3a2f00" if 0.299 * r + 0.587 * g + 0.114 * b > 170 else "#fff"


class _Inked:
    @property
    def ink(self) -> str:
        return ink(self.colour)


@dataclass(frozen=True)
class Figure(_Inked):
    """One count of a section: ``value`` with its ``label``, linking to the filtered list.
    ``tone`` is a badge style ("risk", "warn", "ok", "muted"); ``colour`` a background colour
    (risk levels). ``counts`` says the value is the number of rows the link lists (False for a
    sum, such as deaths, or a level); the tests hold every counting figure to its list."""

    label: str
    value: Any
    url: str = ""
    tone: str = ""
    colour: str = ""
    counts: bool = True


@dataclass(frozen=True)
class Item(_Inked):
    """One record shown in a section (the most recent or gravest few): its text, link, a
    secondary line and an optional badge."""

    text: str
    url: str = ""
    meta: str = ""
    badge: str = ""
    tone: str = ""
    colour: str = ""


@dataclass
class SectionContent:
    """What a section's ``build`` answers. ``template`` (optional) is included in the section's
    frame with ``section`` in its context; ``context`` is whatever that template needs."""

    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the section's actions
    empty: str = ""  # shown when there are no items
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfileSection:
    """A section of the enterprise page. ``build(user, enterprise)`` answers its content, or
    None to leave the section out for this user or enterprise."""

    code: str
    title: Any
    order: int
    build: Callable[[Any, Any], SectionContent | None]
    wide: bool = False  # spans the page's width


@dataclass
class BuiltSection:
    """A section as the page shows it."""

    code: str
    title: Any
    wide: bool
    content: SectionContent


@dataclass(frozen=True)
class Cell(_Inked):
    """How the list page shows a column's value."""

    text: str
    url: str = ""
    tone: str = ""
    colour: str = ""


@dataclass(frozen=True)
class ListColumn:
    """A column of the enterprise list (and a read-only field of the enterprise API).

    ``values(user, pks)`` answers {enterprise id: value} for a page of enterprise ids the user
    has already read through ``for_user``, in one query; an enterprise missing from the answer
    gets ``default``. ``cell(pk, value)`` is how the page shows it; ``field()`` builds the API's
    serializer field (read-only, documented in the OpenAPI schema)."""

    code: str
    title: Any
    order: int
    values: Callable[[Any, Sequence[int]], dict[int, Any]]
    cell: Callable[[int, Any], Cell]
    field: Callable[[], Any]
    default: Any = None


_SECTIONS: dict[str, ProfileSection] = {}
_COLUMNS: dict[str, ListColumn] = {}


def register_section(section: ProfileSection) -> ProfileSection:
    _SECTIONS[section.code] = section
    return section


def register_column(column: ListColumn) -> ListColumn:
    _COLUMNS[column.code] = column
    return column


def unregister(code: str) -> None:
    """Remove a section or a column (tests)."""
    _SECTIONS.pop(code, None)
    _COLUMNS.pop(code, None)


def sections() -> list[ProfileSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.code))


def columns() -> list[ListColumn]:
    return sorted(_COLUMNS.values(), key=lambda c: (c.order, c.code))


def build_sections(user, enterprise) -> list[BuiltSection]:
    """The enterprise page's sections for ``user`` (who may see ``enterprise``), in order."""
    out = []
    for section in sections():
        content = section.build(user, enterprise)
        if content is not None:
            out.append(BuiltSection(section.code, section.title, section.wide, content))
    return out


def column_values(user, pks: Sequence[int]) -> dict[str, dict[int, Any]]:
    """{column code: {enterprise id: value}} for a page of enterprises, one query per column;
    every enterprise of ``pks`` has a value (the column's default when the app has none)."""
    pks = list(pks)
    out = {}
    for column in columns():
        found = column.values(user, pks) if pks else {}
        out[column.code] = {pk: found.get(pk, column.default) for pk in pks}
    return out


def list_url(base: str, **params: Any) -> str:
    """``base`` with the query string of ``params`` (lists repeat the key: state=a&state=b;
    None is left out)."""
    query = urlencode([(k, v) for k, v in params.items() if v is not None], doseq=True)
    return f"{base}?{query}" if query else base


def attach_cells(user, enterprises: Iterable) -> list[ListColumn]:
    """Put ``list_cells`` (one Cell per column) on each enterprise of a list page; returns the
    columns (for the headers)."""
    enterprises = list(enterprises)
    cols = columns()
    values = column_values(user, [e.pk for e in enterprises])
    for e in enterprises:
        e.list_cells = [c.cell(e.pk, values[c.code][e.pk]) for c in cols]
    return cols
