"""一公开 of the random inspections: the public page (no log-in, no script, cacheable) lists only the
enterprises of published draws, with the date, the officers' names and the outcome of their
inspection — never a person of the enterprise — in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.enforcement import services
from anjian.enforcement.choices import InspectionMode
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .factories import make_certificate, make_plan
from .factories_inspections import make_inspection, walk

pytestmark = pytest.mark.django_db
URL = "/enforcement/public/inspections/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _draw(world, n: int = 1, year: int = 2026):
    admin = world.users[Role.ADMIN]
    plan = make_plan(world, admin, year=year, random_share=50)
    services.add_enterprises(plan, actor=admin, enterprises=Enterprise.objects.filter(
        pk__in=[world.ent_a.pk, world.ent_a_construction.pk][:n]))
    plan.refresh_from_db()
    services.approve_plan(plan, actor=admin)
    return services.make_draw(actor=admin, department=world.dept_a, data={
        "n_enterprises": n, "plan": plan, "officers_per_enterprise": 1}, criteria={"plan": plan.pk})


def test_only_published_draws_with_public_fields(world, clock):
    clock("2026-03-10 09:00")
    admin, officer = world.users[Role.ADMIN], world.users[Role.REGULATOR]
    officer.name = "赵执法"
    officer.save(update_fields=["name"])
    make_certificate(officer, admin)
    draw = _draw(world)
    entry = draw.entries.get()
    insp = make_inspection(world, officer, kind=InspectionMode.RANDOM, draw_entry=entry, enterprise=None)
    walk(insp, officer, found=0)  # the enterprise's representative 张厂长 signs
    services.sign_inspection(insp, actor=officer)
    anonymous = Client()
    # given a draw not yet published, when anyone opens the page, then the enterprise is not there
    page = anonymous.get(URL)
    assert page.status_code == 200 and world.ent_a.name not in page.content.decode()
    # when the draw is published, then its enterprise, the date, the officer and the outcome show
    services.publish_draw(draw, actor=admin)
    page = anonymous.get(URL)
    html = page.content.decode()
    assert world.ent_a.name in html and draw.number in html and "赵执法" in html and "2026-03-10" in html
    assert "未发现问题" in html or "No problem found" in html
    # never a person of the enterprise, nor the findings, nor a script; cacheable by anyone
    assert "张厂长" not in html and "安全负责人" not in html and "<script" not in html
    assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
    assert "csrfmiddlewaretoken" not in html and "set-cookie" not in str(page.headers).lower()


def test_the_page_costs_the_same_whatever_the_number_of_rows(world, clock):
    clock("2026-03-10 09:00")
    admin = world.users[Role.ADMIN]
    make_certificate(world.users[Role.REGULATOR], admin)
    services.publish_draw(_draw(world, 1), actor=admin)
    with CaptureQueriesContext(connection) as one:
        Client().get(URL)
    services.publish_draw(_draw(world, 2, year=2027), actor=admin)
    with CaptureQueriesContext(connection) as three:
        html = Client().get(URL).content.decode()
    assert len(one.captured_queries) == len(three.captured_queries)
    assert html.count(world.ent_a.name) == 2 and reverse("enforcement:public_decisions") in html
