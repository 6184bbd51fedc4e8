"""The obligations app's write services, each called outside any transaction on PostgreSQL by a
scenario (``portal/tests/test_write_services_postgres.py`` collects this module).

Every scenario makes its own records of ent_a through ``run.call`` (so prerequisites are checked
the same way); the enterprise's user records and corrects, the regulator of county A verifies and
decides. Licence and certificate numbers come from a counter, because a live number is unique and
the scenarios share one world. The service under test is the last one called and its writes are
asserted."""

from __future__ import annotations

import datetime
import itertools

from anjian.obligations import services
from anjian.obligations.models import KeyPerson, Licence, LicenceKind, PersonCertificate
from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of obligations.services that write nothing.
READ_ONLY = {"obligations.machine_of"}

_numbers = itertools.count(1)


# --- builders (themselves calls of services) ----------------------------------------------------

def licence(run: Run) -> Licence:
    """A safety production licence of ent_a, recorded by the enterprise."""
    return run.call(services.record_licence, actor=run.ent_user, enterprise=run.world.ent_a, data={
        "kind": LicenceKind.objects.get(code="safety_production"),
        "number": f"(甲)安许证字[2024]PG{next(_numbers):04d}", "issuer": "省应急管理厅",
        "valid_from": run.today - datetime.timedelta(days=300), "valid_until": run.today + datetime.timedelta(days=400)})


def person(run: Run, role: str = "special_operator") -> KeyPerson:
    """A key person of ent_a in post (a welder unless told), recorded by the enterprise."""
    n = next(_numbers)
    data = {"name": f"王师傅{n}", "id_number": f"11010119800101{n:04d}", "role": role,
            "appointed_on": run.today - datetime.timedelta(days=30)}
    if role == "special_operator":
        data["operation_type"] = "welding"
    return run.call(services.record_person, actor=run.ent_user, enterprise=run.world.ent_a, data=data)


def certificate(run: Run, holder: KeyPerson | None = None) -> PersonCertificate:
    """A special operation certificate of a fresh welder."""
    return run.call(services.record_certificate, actor=run.ent_user, person=holder or person(run), data={
        "number": f"T{next(_numbers):010d}", "issuer": "市应急管理局",
        "issued_on": run.today - datetime.timedelta(days=100), "valid_until": run.today + datetime.timedelta(days=1000)})


# --- licences -----------------------------------------------------------------------------------

@scenario("obligations.record_licence")
def _(run: Run):
    lic = licence(run)
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.state == "active" and lic.enterprise == run.world.ent_a
    assert lic.region_path == run.world.ent_a.region_path and event_actions(lic) == ["created"]


@scenario("obligations.update_licence")
def _(run: Run):
    lic = licence(run)
    run.call(services.update_licence, lic, actor=run.ent_user, data={"issuer": "省应急管理厅（换发）"},
             version=lic.version)
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.issuer == "省应急管理厅（换发）" and lic.version == 2 and "updated" in event_actions(lic)


@scenario("obligations.suspend_licence")
def _(run: Run):
    lic = licence(run)
    run.call(services.suspend_licence, lic, actor=run.regulator, reason="发生较大事故，暂扣三个月")
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.state == "suspended" and "licence_suspended" in event_actions(lic)


@scenario("obligations.reinstate_licence")
def _(run: Run):
    lic = licence(run)
    run.call(services.suspend_licence, lic, actor=run.regulator, reason="暂扣")
    run.call(services.reinstate_licence, Licence.objects.get(pk=lic.pk), actor=run.regulator, reason="整改合格")
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.state == "active" and "licence_reinstated" in event_actions(lic)


@scenario("obligations.revoke_licence")
def _(run: Run):
    lic = licence(run)
    run.call(services.revoke_licence, lic, actor=run.regulator, reason="企业注销，许可证注销")
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.state == "revoked" and "licence_revoked" in event_actions(lic)


# --- people and certificates ----------------------------------------------------------------------

@scenario("obligations.record_person")
def _(run: Run):
    p = KeyPerson.objects.get(pk=person(run, "safety_manager").pk)
    assert p.state == "in_post" and p.role == "safety_manager" and p.enterprise == run.world.ent_a
    assert event_actions(p) == ["created"]


@scenario("obligations.update_person")
def _(run: Run):
    p = person(run)
    run.call(services.update_person, p, actor=run.ent_user, data={"phone": "13800000000"})
    p = KeyPerson.objects.get(pk=p.pk)
    assert p.phone == "13800000000" and p.version == 2 and "updated" in event_actions(p)


@scenario("obligations.person_left")
def _(run: Run):
    p = person(run)
    run.call(services.person_left, p, actor=run.ent_user, left_on=run.today)
    p = KeyPerson.objects.get(pk=p.pk)
    assert p.state == "left" and p.left_on == run.today and "person_left" in event_actions(p)


@scenario("obligations.record_certificate")
def _(run: Run):
    cert = PersonCertificate.objects.get(pk=certificate(run).pk)
    assert cert.state == "held" and cert.kind == "special_operation" and cert.operation_type == "welding"
    assert cert.enterprise_id == run.world.ent_a.pk and event_actions(cert) == ["created"]


@scenario("obligations.update_certificate")
def _(run: Run):
    cert = certificate(run)
    run.call(services.update_certificate, cert, actor=run.ent_user, data={"issuer": "省应急管理厅"})
    cert = PersonCertificate.objects.get(pk=cert.pk)
    assert cert.issuer == "省应急管理厅" and cert.version == 2 and "updated" in event_actions(cert)


@scenario("obligations.revoke_certificate")
def _(run: Run):
    cert = certificate(run)
    run.call(services.revoke_certificate, cert, actor=run.regulator, reason="违章作业，证书被撤销")
    cert = PersonCertificate.objects.get(pk=cert.pk)
    assert cert.state == "revoked" and "obligation_certificate_revoked" in event_actions(cert)


# --- every registry -------------------------------------------------------------------------------

@scenario("obligations.verify")
def _(run: Run):
    lic = licence(run)
    run.call(services.verify, lic, actor=run.regulator, comment="与原件一致")
    lic = Licence.objects.get(pk=lic.pk)
    assert lic.verified_at is not None and lic.verified_by == run.regulator and "verified" in event_actions(lic)


@scenario("obligations.void_record")
def _(run: Run):
    p = person(run)
    cert = certificate(run, p)
    run.call(services.void_record, p, actor=run.ent_user, reason="重复录入")
    assert KeyPerson.objects.get(pk=p.pk).is_voided and "voided" in event_actions(p)
    assert not PersonCertificate.objects.get(pk=cert.pk).is_voided
