"""The credit demo phase on the small test world (not a demo city): its records, listings and
notices are made through the services, marked as demo, and a second run makes nothing."""

from __future__ import annotations

import pytest

from anjian.credit.demo import build_demo
from anjian.credit.models import Blacklisting, CreditRecord, EnterpriseCredit, JointNotice
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import User

from .test_collect import decided_case

pytestmark = pytest.mark.django_db


def test_build_demo(world, clock):
    Enterprise.objects.update(is_demo=True)
    User.objects.filter(pk__in=[world.users["regulator"].pk, world.users["other_county"].pk]).update(is_demo=True)
    case = decided_case(world)
    type(case).objects.filter(pk=case.pk).update(is_demo=True)
    made = build_demo(seed=1)
    assert made["derived"] == 1 and made["listed"] == 1 and made["notices"] == 1
    assert Blacklisting.objects.filter(state="listed", published_on__isnull=False, is_demo=True).count() == 1
    assert JointNotice.objects.filter(state="issued", is_demo=True).count() == 1
    assert CreditRecord.objects.filter(is_demo=False).count() == 0
    assert EnterpriseCredit.objects.filter(grade="D").count() >= 1
    assert build_demo(seed=1) == {}
