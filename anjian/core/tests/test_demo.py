"""`anjian demo`: deterministic, labelled demo data with one log-in per role."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from anjian.core.demo.generator import DEMO_LOGINS, DEMO_PASSWORD, DemoBuilder, DemoSize
from anjian.enterprises.models import Enterprise, Supervision
from anjian.enterprises.validators import credit_code_error
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.regions.models import Grid, Region

SMALL = {"enterprises_per_township": 3}


def _build_and_capture(seed: int) -> list[tuple[str, str]]:
    with transaction.atomic():
        DemoBuilder(DemoSize(enterprises_per_township=2, townships_per_county=2, counties_per_city=2),
                    seed=seed, with_history=False).build()
        rows = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", "name"))
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db
def test_demo_command_builds_a_labelled_city_one_user_per_role_and_runs_once(capsys):
    # when the demo command runs on an empty database
    call_command("demo", **SMALL)
    out = capsys.readouterr().out
    # then the city has the documented shape and everything is flagged as demo
    assert Region.objects.filter(level="county", is_demo=True).count() == 6
    assert Region.objects.filter(level="township").count() == 60
    assert Grid.objects.count() == 300
    assert Enterprise.objects.count() == 180
    assert not Enterprise.objects.filter(is_demo=False).exists()
    # and every credit code passes the GB 32100 check
    assert all(credit_code_error(c) is None for c in Enterprise.objects.values_list("credit_code", flat=True))
    # and some operating enterprises are left without supervision, so the blind-spot page has content
    assert 0 < Enterprise.objects.blind_spots().count() < Enterprise.objects.count() // 2
    assert Supervision.objects.filter(is_current=True).count() > 0
    # and one user per role can log in with the printed password
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for username, _label in DEMO_LOGINS:
        assert username in out
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out
    # and run again (on the same data: a full demo build is the suite's slowest step), it refuses,
    # while --if-empty makes it a no-op
    with pytest.raises(CommandError):
        call_command("demo", **SMALL)
    call_command("demo", if_empty=True, **SMALL)
    assert Enterprise.objects.count() == 180


@pytest.mark.django_db(transaction=False)
def test_demo_is_deterministic_per_seed():
    # when the same seed builds twice, then the data is identical; another seed differs
    first, second, other = _build_and_capture(7), _build_and_capture(7), _build_and_capture(8)
    assert first == second
    assert first != other
