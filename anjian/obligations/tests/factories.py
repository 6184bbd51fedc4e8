"""Records of the obligations app for tests, made through the services (as the product makes them)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from anjian.obligations import services
from anjian.obligations.models import KeyPerson, Licence, LicenceKind, PersonCertificate
from anjian.orgs.choices import Role

_seq = itertools.count(1)


def kind(code: str = "safety_production") -> LicenceKind:
    return LicenceKind.objects.get(code=code)


def admin_of(world):
    return world.users[Role.ADMIN]


def licence(world, enterprise, *, kind_code: str = "safety_production", valid_until: datetime.date | None = None,
            valid_from: datetime.date | None = None, actor=None, **data) -> Licence:
    today = timezone.localdate()
    valid_until = valid_until or today + datetime.timedelta(days=400)
    valid_from = valid_from or min(today, valid_until) - datetime.timedelta(days=700)
    return services.record_licence(actor=actor or admin_of(world), enterprise=enterprise, data={
        "kind": kind(kind_code), "number": data.pop("number", f"(甲)JZ安许证字[2024]{next(_seq):06d}"),
        "issuer": data.pop("issuer", "省住房和城乡建设厅"), "valid_from": valid_from, "valid_until": valid_until,
        **data})


def person(world, enterprise, *, role: str = "principal", appointed_on: datetime.date | None = None, actor=None,
           **data) -> KeyPerson:
    if role == "special_operator":
        data.setdefault("operation_type", "welding")
    return services.record_person(actor=actor or admin_of(world), enterprise=enterprise, data={
        "name": data.pop("name", f"人员{next(_seq)}"), "role": role,
        "appointed_on": appointed_on or timezone.localdate() - datetime.timedelta(days=30), **data})


def certificate(world, person_: KeyPerson, *, valid_until: datetime.date | None = None,
                issued_on: datetime.date | None = None, actor=None, **data) -> PersonCertificate:
    today = timezone.localdate()
    valid_until = valid_until or today + datetime.timedelta(days=1000)
    issued_on = issued_on or min(today, valid_until) - datetime.timedelta(days=100)
    return services.record_certificate(actor=actor or admin_of(world), person=person_, data={
        "number": data.pop("number", f"C{next(_seq):08d}"), "issuer": data.pop("issuer", "市应急管理局"),
        "issued_on": issued_on, "valid_until": valid_until, **data})


def walk_records(world, ent) -> dict:
    """One record of every model the obligations routes name, for the route walk
    (portal/tests/test_scoping_walk.py)."""
    p = person(world, ent, role="special_operator")
    return {"obligations.Licence": licence(world, ent), "obligations.KeyPerson": p,
            "obligations.PersonCertificate": certificate(world, p),
            "obligations.LicenceKind": kind()}
