"""The import of people and certificates (all or nothing, row-by-row report) and the pages: the
registries' lists in a fixed number of queries, the forms, the steps, and the enterprise's file."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from anjian.core.dossier import SECTION_QUERY_BUDGET
from anjian.core.services import events_for
from anjian.obligations.imports import COLUMNS, import_persons
from anjian.obligations.models import KeyPerson, Licence, PersonCertificate
from anjian.orgs.choices import Role

from .factories import certificate, licence, person

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _row(world, **cells) -> list:
    values = {"credit_code": world.ent_a.credit_code, "name": "张三", "id_number": "330102198001011234",
              "role": "主要负责人", "operation_type": "", "position": "总经理", "phone": "",
              "appointed_on": "2025-01-02", "number": "", "issuer": "", "issued_on": "", "valid_until": "", **cells}
    return [values[c.field] for c in COLUMNS]


def test_import_is_all_or_nothing_with_a_row_report(world):
    user = world.users[Role.ENTERPRISE]
    good = _row(world, number="Z2025001", issuer="市应急管理局", issued_on="2025-03-01", valid_until="2028-02-28")
    welder = _row(world, name="李四", id_number="330102199002022345", role="特种作业人员",
                  operation_type="焊接与热切割作业")
    # given a file whose rows 3 and 4 are wrong (an unknown role; a welder without an operation type and a
    # certificate without its end of validity) and row 5 names an enterprise of another county
    bad = _row(world, name="王五", role="厂长")
    half_cert = _row(world, name="赵六", id_number="", role="特种作业人员", number="T1", issuer="省厅",
                     issued_on="2024-01-01")
    other = _row(world, credit_code=world.ent_b.credit_code)
    report = import_persons(_xlsx([good, welder, bad, half_cert, other]), "people.xlsx", actor=user)
    # then nothing is written and every error is listed with its row and column
    assert not report.ok and report.created == 0
    assert KeyPerson.objects.count() == 0 and PersonCertificate.objects.count() == 0
    found = {(e.row, e.field) for e in report.errors}
    assert found == {(4, "role"), (5, "operation_type"), (5, "valid_until"), (6, "credit_code")}
    assert all(e.column for e in report.errors)  # named by the template's header
    # when the file is corrected, everything is written: a second row of the same person only adds
    # its certificate
    second_cert = _row(world, number="Z2025002", issuer="市应急管理局", issued_on="2025-03-02",
                       valid_until="2028-03-01")
    report = import_persons(_xlsx([good, welder, second_cert]), "people.xlsx", actor=user)
    assert report.ok, report.errors
    assert report.created == 2 and report.certificates == 2
    assert KeyPerson.objects.filter(enterprise=world.ent_a).count() == 2
    assert PersonCertificate.objects.filter(person__name="张三").count() == 2
    assert any(e.action == "key_persons_imported" for e in events_for(user))


def test_the_import_page_and_api(world, api):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    page = client.post(reverse("obligations:person_import"), {"file": _xlsx([_row(world, role="?")])})
    assert page.status_code == 400 and "人员类别" in page.content.decode()
    template = client.get(reverse("obligations:person_import_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    api.force_authenticate(world.users[Role.REGULATOR])
    upload = _xlsx([_row(world)])
    upload.name = "people.xlsx"
    answer = api.post(reverse("key-person-import-file"), {"file": upload}, format="multipart")
    assert answer.status_code == 201 and answer.json()["created"] == 1, answer.content
    assert Client().get(reverse("obligations:person_import")).status_code == 302  # log-in first
    committee = Client()
    committee.force_login(world.users[Role.COMMITTEE_OFFICE])
    assert committee.get(reverse("obligations:person_import")).status_code == 403


@pytest.mark.parametrize("url_name", ["obligations:licences", "obligations:persons"])
def test_list_pages_run_a_fixed_number_of_queries(world, url_name, django_assert_max_num_queries):
    for i in range(15):
        p = person(world, world.ent_a, role="special_operator", name=f"电工{i}")
        certificate(world, p)
        licence(world, world.ent_a_construction)
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    client.get(reverse(url_name))
    with django_assert_max_num_queries(25):
        response = client.get(reverse(url_name), {"page": 1})
    assert response.status_code == 200
    text = response.content.decode()
    assert ("电工14" in text) if url_name.endswith("persons") else ("甲建设有限公司" in text)


def test_pages_walk_a_licence_through_its_steps(world, clock):
    ent_user, regulator = world.users[Role.ENTERPRISE], world.users[Role.REGULATOR]
    client = Client()
    client.force_login(ent_user)
    today = timezone.localdate()
    # the enterprise records its licence through the form
    response = client.post(reverse("obligations:licence_create"), {
        "enterprise": world.ent_a.pk, "kind": Licence._meta.get_field("kind").related_model.objects.get(
            code="road_transport").pk, "number": "运001", "issuer": "区交通运输局",
        "valid_from": str(today - datetime.timedelta(days=5)), "valid_until": str(today + datetime.timedelta(days=60))})
    assert response.status_code == 302, response.content.decode()[:2000]
    lic = Licence.objects.get(number="运001")
    page = client.get(reverse("obligations:licence", args=[lic.pk])).content.decode()
    assert "剩余60天" in page and "未核实" in page and "核实</button>" not in page
    # the enterprise may not verify (403); the regulator does, from the page's button
    assert client.post(reverse("obligations:licence_step", args=[lic.pk]), {"action": "verify"}).status_code == 403
    officer = Client()
    officer.force_login(regulator)
    officer.post(reverse("obligations:licence_step", args=[lic.pk]), {"action": "verify", "version": lic.version})
    lic.refresh_from_db()
    assert lic.verified_by == regulator
    # a stale version is refused with a message, not written
    officer.post(reverse("obligations:licence_step", args=[lic.pk]), {"action": "suspend", "reason": "暂扣",
                                                                       "version": 1})
    lic.refresh_from_db()
    assert lic.state == "active"


def test_the_enterprise_file_has_the_section(world, django_assert_max_num_queries):
    from anjian.core.dossier import sections

    licence(world, world.ent_a_construction, valid_until=timezone.localdate() + datetime.timedelta(days=20))
    p = person(world, world.ent_a_construction, role="safety_manager")
    certificate(world, p)
    person(world, world.ent_a_construction, role="special_operator")
    section = next(s for s in sections() if s.code == "obligations")
    user = world.users[Role.REGULATOR]
    user.has_perm("obligations.add_licence")  # the page has read the user's permissions (its menu) before
    with django_assert_max_num_queries(SECTION_QUERY_BUDGET):
        content = section.build(user, world.ent_a_construction)
    figures = {f.label: f.value for f in content.figures}
    assert figures["有效许可证"] == 1 and figures["90天内到期的许可证"] == 1
    assert figures["无有效证书的特种作业人员"] == 1 and figures["无有效证书的安全管理人员"] == 0
    client = Client()
    client.force_login(user)
    page = client.get(reverse("enterprises:detail", args=[world.ent_a_construction.pk])).content.decode()
    assert "许可与持证" in page
