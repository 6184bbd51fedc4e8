"""The one import pipeline (core.imports.run_import): every row is validated before anything is
written, errors come row by row naming field and column, and whatever fails while writing
(an error reported, a ValidationError, an IntegrityError) leaves nothing written."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from anjian.core.imports import Column, run_import
from anjian.portal.testing.factories import RegionFactory
from anjian.regions.models import Region

COLUMNS = [Column("code", "编码", required=True), Column("name", "名称")]


def csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("编码,名称\n" + "\n".join(lines) + "\n").encode("utf-8"))


def check_names(rows, report):
    """A row needs a name and a code of digits; returns the valid rows."""
    for rownum, row in rows:
        if not row["name"]:
            report.add(rownum, "name", "name missing")
        if not row["code"].isdigit():
            report.add(rownum, "code", "code not digits")
    return rows


def test_every_row_is_checked_and_errors_come_row_by_row_in_column_order():
    # Given a file with problems on two rows
    written = []

    # When it is imported
    report = run_import(csv("1,甲", "x,", "3,丙", "y,丁"), "f.csv", columns=COLUMNS, validate=check_names,
                        write=lambda plan, report: written.append(plan))

    # Then nothing is written and the errors are sorted by row, then by column, with the header
    assert written == [] and report.created == 0 and report.total_rows == 4
    assert [(e.row, e.field, e.column) for e in report.errors] == [
        (3, "code", "编码"), (3, "name", "名称"), (5, "code", "编码")]


def test_a_file_without_data_rows_is_an_error_on_the_file():
    report = run_import(csv(), "f.csv", columns=COLUMNS, validate=check_names, write=lambda plan, report: None)
    assert [(e.row, e.field) for e in report.errors] == [(0, "file")]


@pytest.mark.django_db
@pytest.mark.parametrize("failure", ["reported", "validation", "integrity"])
def test_a_failure_while_writing_rolls_everything_back(failure):
    # Given a valid file whose write fails after writing a first record
    def write(rows, report):
        RegionFactory(code="990000000000")
        report.created += 1
        report.updated += 1
        if failure == "reported":
            report.add(rows[1][0], "code", "taken meanwhile")
        elif failure == "validation":
            raise ValidationError("a rule the checks do not know")
        else:
            raise IntegrityError("duplicate key")

    # When it is imported
    report = run_import(csv("1,甲", "2,乙"), "f.csv", columns=COLUMNS, validate=check_names, write=write,
                        counts=("updated",), conflict=("code", "someone registered it meanwhile"))

    # Then the record written first is gone, the counts are back to 0, and the report says why
    assert not Region.objects.filter(code="990000000000").exists()
    assert (report.created, report.updated) == (0, 0)
    assert [(e.row, e.field, e.message) for e in report.errors] == [{
        "reported": (3, "code", "taken meanwhile"),
        "validation": (0, "file", "a rule the checks do not know"),
        "integrity": (0, "code", "someone registered it meanwhile"),
    }[failure]]


@pytest.mark.django_db
def test_a_valid_file_is_written_once_with_its_counts():
    def write(rows, report):
        for _rownum, row in rows:
            RegionFactory(code=f"99000000000{row['code']}", name=row["name"])
            report.created += 1

    report = run_import(csv("1,甲", "2,乙"), "f.csv", columns=COLUMNS, validate=check_names, write=write)
    assert report.ok and (report.total_rows, report.created) == (2, 2)
    assert set(Region.objects.filter(code__startswith="99000000000").values_list("name", flat=True)) == {"甲", "乙"}
