"""Records of the obligations app for tests, made through the services (as the product makes them)."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.obligations import services
from anjian.obligations.models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    PersonCertificate,
    SafetyOrganisation,
    Standardisation,
)
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
            "obligations.LicenceKind": kind(), **walk_duties(world, ent)}


def walk_duties(world, ent) -> dict:
    """A grade, this year's spot check of the enterprise's county with its entry, a safety
    organisation and a commitment of ``ent``."""
    from anjian.obligations.models import SpotCheck

    g = grade(world, ent)
    region = ent.region.parent
    # one live check per region and year: a year of its own for each call
    year = timezone.localdate().year - SpotCheck.objects.filter(region=region).count()
    check = services.draw_spot_check(actor=admin_of(world), region=region, year=year, seed="walk", share=100)
    return {"obligations.Standardisation": g, "obligations.SpotCheck": check,
            "obligations.SpotCheckEntry": check.entries.get(standardisation=g), "obligations.SafetyOrganisation": organisation(world, ent),
            "obligations.Commitment": commitment(world, ent)}


def grade(world, enterprise, *, grade_: str = "level3", valid_until: datetime.date | None = None,
          issued_on: datetime.date | None = None, actor=None, **data) -> Standardisation:
    today = timezone.localdate()
    valid_until = valid_until or today + datetime.timedelta(days=700)
    issued_on = issued_on or min(today, valid_until) - datetime.timedelta(days=365)
    return services.record_standardisation(actor=actor or admin_of(world), enterprise=enterprise, data={
        "grade": grade_, "issuer": data.pop("issuer", "市应急管理局"),
        "number": data.pop("number", f"AQBⅢ{next(_seq):06d}"), "issued_on": issued_on, "valid_until": valid_until,
        **data})


def organisation(world, enterprise, *, actor=None, **data) -> SafetyOrganisation:
    return services.record_organisation(actor=actor or admin_of(world), enterprise=enterprise, data={
        "has_body": True, "body_name": "安全环保部", "full_time_staff": 2, "director_name": "李总监", **data})


def pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n%%EOF\n", content_type="application/pdf")


def commitment(world, enterprise, *, year: int | None = None, actor=None, **data) -> Commitment:
    today = timezone.localdate()
    return services.record_commitment(actor=actor or admin_of(world), enterprise=enterprise, data={
        "year": year or today.year, "title": data.pop("title", "年度安全生产承诺书"), "signed_by": "张总",
        "signed_on": data.pop("signed_on", today), **data}, files=[pdf()])
