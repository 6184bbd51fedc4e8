"""Import of historical accidents: all-or-nothing with a row-by-row report, grading through
grade_for, the type list by date, jurisdiction checks, and the page."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from anjian.accidents.imports import COLUMNS, import_accidents
from anjian.accidents.models import Accident
from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import fresh

HEADERS = [str(c.header) for c in COLUMNS]


def xlsx(rows: list[dict]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.field for c in COLUMNS])
    for row in rows:
        ws.append([row.get(c.field, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def row(world, **over):
    base = {"occurred_at": "2024-05-01 10:30", "region": world.township_a.code, "address": "某路1号",
            "enterprise": world.ent_a.credit_code, "accident_type": "物体打击", "deaths": 1, "serious_injuries": 0,
            "direct_loss_yuan": 200000, "summary": "历史事故"}
    base.update(over)
    return base


def test_import_grades_and_numbers_every_row(world):
    rows = [row(world), row(world, deaths=3), row(world, occurred_at="2026-07-02 09:00", accident_type="跌落",
                                                  direct_loss_yuan=60_000_000, enterprise="")]
    report = import_accidents(xlsx(rows), "history.xlsx", actor=world.users[Role.REGULATOR])
    assert report.ok, report.errors
    assert report.created == 3
    grades = list(Accident.objects.order_by("occurred_at", "id").values_list("grade", "accident_type__scheme"))
    assert grades == [("ordinary", "GB6441-1986"), ("relatively_serious", "GB6441-1986"),
                      ("serious", "GB6441-2025")]
    assert all(n.startswith("SG") for n in Accident.objects.values_list("number", flat=True))


def test_one_bad_row_imports_nothing_and_names_row_and_column(world):
    rows = [row(world), row(world, deaths="2.5"), row(world, occurred_at="2026-06-30 10:00", accident_type="跌落"),
            row(world, region=world.township_b.code), row(world, enterprise=world.ent_b.credit_code)]
    report = import_accidents(xlsx(rows), "history.xlsx", actor=world.users[Role.REGULATOR])
    assert not report.ok and Accident.objects.count() == 0
    found = {(e.row, e.field) for e in report.errors}
    assert {(3, "deaths"), (4, "accident_type"), (5, "region"), (6, "enterprise")} <= found
    assert not any(e.row == 2 for e in report.errors)


def test_import_page(world, client):
    client.force_login(fresh(world.users[Role.REGULATOR]))
    url = reverse("accidents:import")
    assert client.get(url).status_code == 200
    assert client.get(reverse("accidents:import_template")).status_code == 200
    upload = SimpleUploadedFile("h.xlsx", xlsx([row(world)]).getvalue())
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and Accident.objects.count() == 1
    client.force_login(fresh(world.users[Role.COMMITTEE_OFFICE]))
    assert client.get(url).status_code == 403


def test_each_accident_gets_its_history_row_and_imported_event(world):
    # Given two valid rows, one with an industry code Excel turned into a number (0504 → 504)
    actor = world.users[Role.REGULATOR]
    rows = [row(world), row(world, deaths=3, industry=504)]

    # When they are imported
    report = import_accidents(xlsx(rows), "history.xlsx", actor=actor)

    # Then each accident has one "created" history row by the importer, with its final number
    assert report.ok, report.errors
    accidents = list(Accident.objects.order_by("id"))
    assert accidents[1].industry.code == "0504"
    for accident in accidents:
        history = list(accident.history.all())
        assert [(h.history_type, h.history_user, h.number) for h in history] == [("+", actor, accident.number)]
        assert "history.xlsx" in history[0].history_change_reason
        assert accident.created_by == actor and not accident.obligations_tracked
        # and one "imported" event naming the file and the grade
        assert [(e.action, e.actor, e.data) for e in events_for(accident)] == \
            [("imported", actor, {"file": "history.xlsx", "grade": accident.grade})]
