"""Region import through the one pipeline and bulk writer: new regions get their "created"
history row by the importer, renamed ones a "changed" row, and the import one event."""

import io

from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user
from anjian.regions.models import Region
from anjian.regions.services import import_regions


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO(("区划代码,名称,级别,上级代码\n" + "\n".join(rows) + "\n").encode("utf-8"))


def test_new_and_renamed_regions_keep_their_history_and_the_import_is_one_event(db):
    # Given a province already in the system
    admin = make_user(Role.ADMIN)
    import_regions(csv_file("330000000000,浙江,省,"), "first.csv", actor=admin)

    # When a file renames it and adds a city and a county under it (children listed first)
    report = import_regions(csv_file("330100000000,杭州市,市,330000000000", "330106000000,西湖区,县,330100000000",
                                     "330000000000,浙江省,省,"), "second.csv", actor=admin)

    # Then the new regions have their paths and one "created" history row by the importer
    assert report.ok, report.errors
    assert (report.total_rows, report.created) == (3, 2)
    county = Region.objects.get(code="330106000000")
    assert county.path == "330000000000330100000000330106000000" and county.parent.code == "330100000000"
    assert [(h.history_type, h.history_user) for h in county.history.all()] == [("+", admin)]
    # and the renamed province a "changed" one
    province = Region.objects.get(code="330000000000")
    assert province.name == "浙江省"
    assert [h.history_type for h in province.history.order_by("history_id")] == ["+", "~"]
    # and the import is one event, on the region of the file's first row
    city = Region.objects.get(code="330100000000")
    [event] = [e for e in events_for(city) if e.action == "imported"]
    assert event.actor == admin and event.data["file"] == "second.csv"
    assert (event.data["rows"], event.data["created"]) == (3, 2)


def test_an_error_reported_on_one_row_names_its_column(db):
    report = import_regions(csv_file("3301,浙江省,省,"), "bad.csv")
    assert [(e.row, e.field, e.column) for e in report.errors] == [(2, "code", "区划代码")]
    assert not Region.objects.exists()
