"""The import of health examinations: all or nothing, with a row-by-row report."""

from __future__ import annotations

import io

from openpyxl import Workbook
from rest_framework.test import APIClient

from anjian.occupational.imports import COLUMNS
from anjian.occupational.models import Examination
from anjian.orgs.choices import Role


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "examinations.xlsx"
    return out


def test_one_bad_row_imports_nothing_and_a_clean_file_imports_every_row(world):
    client = APIClient()
    client.force_authenticate(world.users[Role.ENTERPRISE])
    own, other = world.ent_a.credit_code, world.ent_b.credit_code
    good = [own, "张三", "", "冲压工", "噪声", "在岗期间", "2026-03-01", "区职业病防治院", "目前未见异常", ""]
    suspected = [own, "李四", "", "打磨工", "矽尘", "上岗前", "2026-03-02", "区职业病防治院", "疑似职业病", ""]
    # given a file whose third row is another county's enterprise with an unknown kind
    bad = [other, "王五", "", "焊工", "", "体检", "2026-03-03", "区职业病防治院", "目前未见异常", ""]
    response = client.post("/api/occupational/examinations/import/",
                           {"file": _xlsx([good, suspected, bad])}, format="multipart")
    # then nothing is written and each error names its row and column
    assert response.status_code == 400 and not Examination.objects.exists()
    assert {(e["row"], e["field"]) for e in response.data["errors"]} == {(4, "credit_code"), (4, "kind")}
    # when the bad row is left out, both rows are imported, the suspected one awaiting its follow-up
    response = client.post("/api/occupational/examinations/import/", {"file": _xlsx([good, suspected])},
                           format="multipart")
    assert response.status_code == 201 and response.data["created"] == 2
    assert sorted(Examination.objects.values_list("worker", "state")) == [("张三", "done"), ("李四", "follow_up")]
