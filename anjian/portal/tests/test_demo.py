"""`anjian demo`: deterministic, labelled demo data with one log-in per role."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from anjian.core.testing.engines import only_on
from anjian.enterprises.models import Enterprise, Supervision
from anjian.enterprises.validators import credit_code_error
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.portal.demo.generator import DEMO_LOGINS, DEMO_PASSWORD, DemoBuilder, DemoSize
from anjian.regions.models import Grid, Region

SMALL = {"enterprises_per_township": 3}


def _build_and_capture(seed: int) -> list[tuple[str, str]]:
    with transaction.atomic():
        DemoBuilder(DemoSize(enterprises_per_township=2, townships_per_county=2, counties_per_city=2),
                    seed=seed, with_history=False).build()
        rows = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", "name"))
        transaction.set_rollback(True)
    return rows


@only_on("sqlite", "`make demo` builds its city on the embedded database")
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
    # and it said what it was doing: a line per phase, with counts, and one per county
    assert "[1/17] 示范市" in out and "[2/17] 隐患台账" in out and "[11/17] 企业许可证照与培训持证" in out
    assert "[12/17] 安全生产诚信" in out and "[13/17] 应急准备" in out and "[14/17] 职业健康" in out
    assert "[15/17] 举报奖励" in out and "[16/17] 预警" in out and "[17/17] 目标责任书" in out
    # and tips from the public, one carried to a hazard and a paid reward, all labelled as demo
    from anjian.public.models import Reward, Tip

    assert Tip.objects.filter(is_demo=True, hazard__isnull=False).exists()
    assert Reward.objects.filter(state="paid", is_demo=True).exists()
    # and the demo's major hazard sources have sensors and a day of readings (no broker needed)
    from anjian.monitoring.models import Reading, Sensor

    assert Sensor.objects.filter(is_demo=True).exists() and Reading.objects.exists()
    # and the enterprises' licences and certified people, all labelled as demo
    from anjian.obligations.models import KeyPerson, Licence

    assert Licence.objects.filter(is_demo=True).exists() and not Licence.objects.filter(is_demo=False).exists()
    assert KeyPerson.objects.filter(is_demo=True).exists() and not KeyPerson.objects.filter(is_demo=False).exists()
    assert "示范市东城区：" in out and "hazards 600" in out
    # and the grid officer log-in is its grid's officer
    officer = User.objects.get(username="grid_officer")
    grid = officer.scope_grid
    assert (grid.officer_name, grid.officer_phone) == (officer.name, officer.phone)
    assert "网格" not in officer.name  # a person's name, not the grid's
    _assert_demo_reads_like_real_work()
    # and run again (on the same data: a full demo build is the suite's slowest step), it refuses,
    # while --if-empty makes it a no-op
    with pytest.raises(CommandError):
        call_command("demo", **SMALL)
    call_command("demo", if_empty=True, **SMALL)
    assert Enterprise.objects.count() == 180


def _assert_demo_reads_like_real_work() -> None:
    """Every demo risk point, hazard and inspection place fits the enterprise's industry, and a
    hazard raised from a check item describes a failure of that item."""
    from anjian.core.demo import profiles
    from anjian.hazards.demo import findings_for
    from anjian.hazards.models import Hazard
    from anjian.inspections.demo import FINDINGS_BY_KEYWORD, NEUTRAL_FINDINGS
    from anjian.inspections.models import InspectionItemResult, InspectionRecord
    from anjian.risks.demo import points_for
    from anjian.risks.models import RiskPoint

    seen_profiles = set()
    for point in RiskPoint.objects.select_related("enterprise__industry"):
        assert point.name in {p[0] for p in points_for(point.enterprise)}, (point.name, point.enterprise.industry)
        seen_profiles.add(profiles.profile_for(point.enterprise.industry.code))
    assert {profiles.FACTORY, profiles.TRANSPORT, profiles.PUBLIC} <= seen_profiles
    dusty = RiskPoint.objects.filter(name="粉尘除尘系统").values_list("enterprise__industry__code", flat=True)
    assert {profiles.profile_for(code) for code in dusty} <= {profiles.FACTORY}
    # (the items of the inspections demo: the enforcement demo's on-site checks record a plain finding)
    from anjian.enforcement.models import EnforcementInspection

    enforcement_records = EnforcementInspection.objects.filter(record__isnull=False).values("record")
    from_items = InspectionItemResult.objects.filter(hazard__isnull=False)
    raised = from_items.exclude(record__in=enforcement_records).select_related("hazard")
    # (a hazard raised from a public tip carries the tip's own words and address; one raised from an
    # exceeded occupational-health detection point names the factor and the point)
    from anjian.occupational.models import DetectionResult

    ledger = (Hazard.objects.exclude(pk__in=from_items.values("hazard")).exclude(source="public_tip")
              .exclude(pk__in=DetectionResult.objects.filter(hazard__isnull=False).values("hazard"))
              .select_related("enterprise__industry"))
    for hazard in ledger:
        pairs = {(loc, text) for loc, text, _cat in findings_for(hazard.enterprise.industry.code)}
        assert (hazard.location, hazard.description) in pairs, (hazard.description, hazard.enterprise.industry)
    for item in raised:
        # the hazard says which requirement failed, and what was found breaks that requirement
        assert item.hazard.description.startswith(item.content)
        notes = next((n for words, n in FINDINGS_BY_KEYWORD if any(w in item.content for w in words)),
                     NEUTRAL_FINDINGS)
        assert item.note in notes and item.note in item.hazard.description, (item.content, item.note)
    assert raised.exists() and ledger.exists()
    for record in InspectionRecord.objects.exclude(pk__in=enforcement_records).select_related("enterprise__industry"):
        assert record.location in profiles.LOCATIONS[profiles.profile_for(record.enterprise.industry.code)]


@pytest.mark.django_db(transaction=False)
def test_demo_is_deterministic_per_seed():
    # when the same seed builds twice, then the data is identical; another seed differs
    first, second, other = _build_and_capture(7), _build_and_capture(7), _build_and_capture(8)
    assert first == second
    assert first != other


@pytest.mark.django_db
def test_migrate_progress_prints_one_line_per_app():
    import io
    from types import SimpleNamespace

    from anjian.core.management.commands.migrate import Command as Migrate

    # Given the migrate command with --progress, told of three migrations of two apps
    out = io.StringIO()
    command = Migrate(stdout=out)
    command.verbosity, command.progress, command.progress_apps, command.progress_done = 0, True, set(), 0
    command.progress_total = 3
    for app, name in [("hazards", "0001"), ("hazards", "0002"), ("risks", "0001")]:
        migration = SimpleNamespace(app_label=app, name=name)
        command.migration_progress_callback("apply_start", migration)
        command.migration_progress_callback("apply_success", migration)
    # Then it printed one short line as each app started, and nothing per migration
    assert out.getvalue().splitlines() == ["  [1/3] 迁移 migrating hazards", "  [3/3] 迁移 migrating risks"]
    # and on a migrated database it says it is up to date
    out = io.StringIO()
    call_command("migrate", progress=True, verbosity=0, stdout=out)
    assert "数据库结构已是最新" in out.getvalue()
