"""The write services added with the standardisation (grades, spot checks, safety organisation,
commitments), each called outside any transaction on PostgreSQL by a scenario
(``portal/tests/test_write_services_postgres.py`` collects this module). Every scenario makes its
own records of ent_a through ``run.call``; each spot check takes a year of its own (one live check
per region and year), counting down from next year."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.obligations import services
from anjian.obligations.models import (
    Commitment,
    SafetyOrganisation,
    SpotCheck,
    SpotCheckEntry,
    Standardisation,
)
from anjian.portal.testing.write_services import Run, event_actions, scenario

READ_ONLY = {"obligations.verify_spot_check"}

_numbers = itertools.count(1)
_years = itertools.count(0)


def grade(run: Run) -> Standardisation:
    return run.call(services.record_standardisation, actor=run.ent_user, enterprise=run.world.ent_a, data={
        "grade": "level3", "issuer": "市应急管理局", "number": f"AQBⅢPG{next(_numbers):06d}",
        "issued_on": run.today - datetime.timedelta(days=100), "valid_until": run.today + datetime.timedelta(days=900)})


def spot_check(run: Run) -> SpotCheck:
    grade(run)
    return run.call(services.draw_spot_check, actor=run.regulator, region=run.world.county_a,
                    year=run.today.year + 1 - next(_years), seed=f"pg-{next(_numbers)}", share=100)


def organisation(run: Run, enterprise=None) -> SafetyOrganisation:
    ent = enterprise or run.enterprise()
    return run.call(services.record_organisation, actor=run.admin, enterprise=ent, data={
        "has_body": True, "body_name": "安全部", "full_time_staff": 1})


def commitment(run: Run) -> Commitment:
    return run.call(services.record_commitment, actor=run.ent_user, enterprise=run.world.ent_a, data={
        "year": run.today.year, "title": "年度安全生产承诺书", "signed_by": "张总", "signed_on": run.today},
        files=[SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4\n%pg\n%%EOF\n", content_type="application/pdf")])


@scenario("obligations.record_standardisation")
def _(run: Run):
    g = Standardisation.objects.get(pk=grade(run).pk)
    assert g.state == "valid" and g.region_path == run.world.ent_a.region_path and event_actions(g) == ["created"]


@scenario("obligations.update_standardisation")
def _(run: Run):
    g = grade(run)
    run.call(services.update_standardisation, g, actor=run.ent_user, data={"review_years": 2}, version=g.version)
    assert Standardisation.objects.get(pk=g.pk).review_years == 2 and "updated" in event_actions(g)


@scenario("obligations.propose_withdrawal")
def _(run: Run):
    g = grade(run)
    run.call(services.propose_withdrawal, g, actor=run.regulator, reason="举报核查")
    assert Standardisation.objects.get(pk=g.pk).state == "proposed" and "std_withdrawal_proposed" in event_actions(g)


@scenario("obligations.keep_grade")
def _(run: Run):
    g = grade(run)
    run.call(services.propose_withdrawal, g, actor=run.regulator, reason="举报核查")
    run.call(services.keep_grade, g, actor=run.regulator, reason="复核合格")
    assert Standardisation.objects.get(pk=g.pk).state == "valid" and "std_kept" in event_actions(g)


@scenario("obligations.withdraw_grade")
def _(run: Run):
    g = grade(run)
    run.call(services.withdraw_grade, g, actor=run.regulator, reason="抽查不合格")
    g = Standardisation.objects.get(pk=g.pk)
    assert g.state == "withdrawn" and g.withdrawal_reason == "抽查不合格" and "std_withdrawn" in event_actions(g)


@scenario("obligations.draw_spot_check")
def _(run: Run):
    check = SpotCheck.objects.get(pk=spot_check(run).pk)
    assert check.n == check.pool_size == check.entries.count() and "spot_check_drawn" in event_actions(check)
    assert services.verify_spot_check(check)["same"]


@scenario("obligations.redraw_spot_check")
def _(run: Run):
    check = spot_check(run)
    new = run.call(services.redraw_spot_check, check, actor=run.regulator, reason="范围有误")
    assert SpotCheck.objects.get(pk=check.pk).is_voided and SpotCheck.objects.get(pk=new.pk).replaces_id == check.pk


@scenario("obligations.record_spot_result")
def _(run: Run):
    check = spot_check(run)
    entry = check.entries.order_by("order").first()
    run.call(services.record_spot_result, entry, actor=run.regulator, passed=False, note="制度未运行")
    assert SpotCheckEntry.objects.get(pk=entry.pk).result == "failed"
    assert Standardisation.objects.get(pk=entry.standardisation_id).state == "proposed"


@scenario("obligations.close_spot_check")
def _(run: Run):
    check = spot_check(run)
    for entry in check.entries.order_by("order"):
        run.call(services.record_spot_result, entry, actor=run.regulator, passed=True)
    run.call(services.close_spot_check, check, actor=run.regulator)
    assert SpotCheck.objects.get(pk=check.pk).state == "closed"


@scenario("obligations.void_spot_check")
def _(run: Run):
    check = spot_check(run)
    run.call(services.void_spot_check, check, actor=run.regulator, reason="误抽")
    assert SpotCheck.objects.get(pk=check.pk).is_voided and "voided" in event_actions(check)


@scenario("obligations.record_organisation")
def _(run: Run):
    org = SafetyOrganisation.objects.get(pk=organisation(run).pk)
    assert org.has_body and event_actions(org) == ["created"]


@scenario("obligations.update_organisation")
def _(run: Run):
    org = organisation(run)
    run.call(services.update_organisation, org, actor=run.admin, data={"director_name": "王总监"}, version=org.version)
    assert SafetyOrganisation.objects.get(pk=org.pk).director_name == "王总监"


@scenario("obligations.record_commitment")
def _(run: Run):
    from anjian.core.services import attachments_for

    c = commitment(run)
    assert Commitment.objects.get(pk=c.pk).year == run.today.year and attachments_for(c).count() == 1


@scenario("obligations.update_commitment")
def _(run: Run):
    c = commitment(run)
    run.call(services.update_commitment, c, actor=run.ent_user, data={"title": "年度安全生产承诺书（修订）"},
             version=c.version)
    assert Commitment.objects.get(pk=c.pk).title.endswith("（修订）") and "updated" in event_actions(c)
