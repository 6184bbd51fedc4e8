"""Demo obligations for `anjian demo`: for the demo enterprises, their licences (most valid, some
ending within 90 or 30 days, a few expired or missing, so every licence warning has an example)
and their principal, a safety manager and, in industries with special operations, a special
operator, with certificates (a few missing or about to expire) — all marked ``is_demo`` and made
through the real services, about half verified by the county's regulator. Then the standardisation grades (about 40 %, some ending
within 90 days), the safety organisations (some lacking a body or the director their sector
requires), this year's signed commitments (about 80 %, each with a small signed PDF) and one spot
check per county of this year (a few results recorded, one failed: its withdrawal proposed).
Idempotent: nothing is made when demo licences exist."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from anjian.core.demo.people import person as person_name
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from . import selectors, services
from .choices import OperationType
from .models import Licence

#: A special operation typical of each industry (by code prefix); others get electrical work.
OPERATIONS = {"01": OperationType.COAL_MINE, "02": OperationType.METAL_MINE, "03": OperationType.HAZCHEM,
              "04": OperationType.FIREWORKS, "0501": OperationType.METALLURGY, "06": OperationType.HEIGHT,
              "0504": OperationType.WELDING}
ISSUERS = {"safety_production": "示范省应急管理厅", "hazchem_trading": "示范市应急管理局",
           "fireworks_wholesale": "示范市应急管理局", "fireworks_retail": "区应急管理局",
           "road_transport": "区交通运输局"}
MAX_ENTERPRISES = 400


def _operation(code: str) -> str:
    for prefix in sorted(OPERATIONS, key=len, reverse=True):
        if code.startswith(prefix):
            return OPERATIONS[prefix]
    return OperationType.ELECTRICAL


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    """Licences, people and certificates of (at most ``MAX_ENTERPRISES``) demo enterprises; answers the counts."""
    if Licence.objects.filter(is_demo=True).exists():
        return {}
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    if admin is None:
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    made = {"licences": 0, "key persons": 0, "certificates": 0, "verified": 0}
    regulators = {u.scope_region.path: u for u in User.objects.filter(role=Role.REGULATOR, is_demo=True,
                                                                       scope_region__isnull=False,
                                                                       department__isnull=False)
                  .select_related("scope_region")}
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False).select_related("industry")
                       .order_by("id")[:MAX_ENTERPRISES])
    n = 0
    for ent in enterprises:
        regulator = next((u for path, u in regulators.items() if ent.region_path.startswith(path)), None)
        for kind in selectors.kinds_required_of(ent):
            roll = rng.random()
            if roll < 0.06:
                continue  # missing: operating without a valid licence
            if roll < 0.10:
                until = today - datetime.timedelta(days=rng.randint(5, 200))  # expired
            elif roll < 0.16:
                until = today + datetime.timedelta(days=rng.randint(0, 30))
            elif roll < 0.26:
                until = today + datetime.timedelta(days=rng.randint(31, 90))
            else:
                until = today + datetime.timedelta(days=rng.randint(91, 1000))
            years = kind.validity_years or 3
            start = until - datetime.timedelta(days=365 * years - 1)
            n += 1
            lic = services.record_licence(actor=admin, enterprise=ent, data={
                "kind": kind, "number": f"（示范）{kind.code[:2].upper()}许字〔{start.year}〕{n:05d}",
                "issuer": ISSUERS.get(kind.code, "示范市应急管理局"), "issued_on": start, "valid_from": start,
                "valid_until": until, "scope": ent.industry.name, "is_demo": True})
            made["licences"] += 1
            if regulator is not None and rng.random() < 0.5:
                services.verify(lic, actor=regulator)
                made["verified"] += 1
        roles = [("principal", "总经理"), ("safety_manager", "安全主管")]
        if ent.high_risk or rng.random() < 0.5:
            roles.append(("special_operator", "操作工"))
        for role, position in roles:
            appointed = today - datetime.timedelta(days=rng.randint(20, 1500))
            op = _operation(ent.industry.code) if role == "special_operator" else ""
            p = services.record_person(actor=admin, enterprise=ent, data={
                "name": person_name(rng), "role": role, "operation_type": op, "position": position,
                "appointed_on": appointed, "is_demo": True})
            made["key persons"] += 1
            roll = rng.random()
            if roll < 0.12:
                continue  # no certificate yet
            issued = min(today, appointed + datetime.timedelta(days=rng.randint(10, 150)))
            until = today + datetime.timedelta(days=rng.randint(10, 80)) if roll < 0.2 else (
                issued + datetime.timedelta(days=365 * (6 if op else 3) - 1))
            if until < issued:
                until = issued + datetime.timedelta(days=365)
            services.record_certificate(actor=admin, person=p, data={
                "number": f"T{ent.pk:05d}{made['key persons']:04d}", "issuer": "示范市应急管理局",
                "issued_on": issued, "valid_until": until, "is_demo": True})
            made["certificates"] += 1
    made.update(_duties(enterprises, admin, regulators, rng, today))
    return made


GRADE_ISSUERS = {"level1": "应急管理部", "level2": "示范省应急管理厅", "level3": "示范市应急管理局", "small": "区应急管理局"}
#: A signed commitment as the demo attaches it: the smallest PDF the upload rules recognise.
DEMO_PDF = b"%PDF-1.4\n% demo commitment\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _duties(enterprises, admin, regulators, rng, today) -> dict:
    """Grades, safety organisations, commitments and this year's spot checks of the demo enterprises."""
    from django.core.files.base import ContentFile

    from anjian.regions.models import Region

    from .choices import RequirementKind
    from .models import Standardisation

    made = {"standardisation grades": 0, "safety organisations": 0, "commitments": 0, "spot checks": 0}
    director_ids = set(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).filter(
        selectors.required_q(RequirementKind.DIRECTOR)).values_list("pk", flat=True))
    for n, ent in enumerate(enterprises, start=1):
        regulator = next((u for path, u in regulators.items() if ent.region_path.startswith(path)), None)
        if rng.random() < 0.4:
            grade = rng.choice(["level2", "level3", "level3", "small", "small", "small"])
            until = today + datetime.timedelta(days=rng.choice([rng.randint(10, 90), rng.randint(91, 1000),
                                                                rng.randint(91, 1000)]))
            std = services.record_standardisation(actor=admin, enterprise=ent, data={
                "grade": grade, "issuer": GRADE_ISSUERS[grade], "number": f"（示范）AQBⅢ{today.year}{n:05d}",
                "issued_on": min(today, until - datetime.timedelta(days=3 * 365 - 1)), "valid_until": until,
                "is_demo": True})
            made["standardisation grades"] += 1
            if regulator is not None and rng.random() < 0.5:
                services.verify(std, actor=regulator)
        if rng.random() < 0.75:
            has_body = ent.employees > 100 or rng.random() < 0.3
            director = person_name(rng) if ent.pk in director_ids and rng.random() < 0.7 else ""
            services.record_organisation(actor=admin, enterprise=ent, data={
                "has_body": has_body, "body_name": "安全生产管理部" if has_body else "",
                "full_time_staff": rng.randint(1, 4) if has_body or rng.random() < 0.5 else 0,
                "part_time_staff": rng.randint(0, 3), "director_name": director,
                "director_appointed_on": today - datetime.timedelta(days=rng.randint(30, 900)) if director else None,
                "is_demo": True})
            made["safety organisations"] += 1
        if rng.random() < 0.8:
            services.record_commitment(actor=admin, enterprise=ent, data={
                "year": today.year, "period": "year", "title": f"{today.year}年度安全生产承诺书",
                "signed_by": person_name(rng), "signed_on": today.replace(month=1, day=1) + datetime.timedelta(
                    days=rng.randint(0, max(0, min(60, (today - today.replace(month=1, day=1)).days)))),
                "is_demo": True}, files=[ContentFile(DEMO_PDF, name=f"承诺书-{ent.pk}.pdf")])
            made["commitments"] += 1
    for path, regulator in sorted(regulators.items()):
        if not regulator.has_perm("obligations.draw_spotcheck"):
            continue
        if not Standardisation.objects.filter(region_path__startswith=path, is_demo=True).exists():
            continue
        region = Region.objects.get(path=path)
        check = services.draw_spot_check(actor=regulator, region=region, year=today.year, seed=f"demo-{path}",
                                         is_demo=True)
        made["spot checks"] += 1
        for i, entry in enumerate(check.entries.order_by("order")[:3]):
            services.record_spot_result(entry, actor=regulator, passed=i != 1,
                                        note="" if i != 1 else "现场复核：隐患排查治理制度未有效运行")
    return made
