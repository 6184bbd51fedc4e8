"""The cadence rules on the days around their limits (《工作场所职业卫生管理规定》第二十条): detection
yearly where the hazard is serious, every three years otherwise; evaluation every three years where
serious. The last detection or evaluation is due again on the same calendar day N years later; the
warning opens the day after."""

import datetime

import pytest

from anjian.alerts.engine import get_rule
from anjian.occupational import rules  # noqa: F401  (registers the rules)

from .factories import declaration, detection, exposure

LAST = datetime.date(2025, 3, 10)


def _matches(code: str, ent, day: datetime.date) -> bool:
    now = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    return get_rule(code).matches(now).filter(pk=ent.pk).exists()


@pytest.mark.parametrize(("level", "years"), [("serious", 1), ("general", 3)])
def test_detection_is_overdue_from_the_day_after_the_due_day(world, level, years):
    # given an enterprise with an exposure, its accepted declaration of this level and a detection on LAST
    ent = world.ent_a
    exposure(world, ent)
    declaration(world, ent, level=level, accept=True, declared_on=LAST)
    detection(world, ent, performed_on=LAST)
    due = LAST.replace(year=LAST.year + years)
    # then it is not overdue on the due day, and overdue on the day after
    assert not _matches("occ_detection_overdue", ent, due)
    assert _matches("occ_detection_overdue", ent, due + datetime.timedelta(days=1))


def test_evaluation_is_due_three_years_after_only_where_the_hazard_is_serious(world):
    # given two enterprises with exposures evaluated on LAST, one serious and one general
    serious, general = world.ent_a, world.ent_a_construction
    for ent, level in ((serious, "serious"), (general, "general")):
        exposure(world, ent)
        declaration(world, ent, level=level, accept=True, declared_on=LAST)
        detection(world, ent, performed_on=LAST, kind="evaluation")
    due = datetime.date(2028, 3, 10)
    # then the serious one is overdue from the day after the third anniversary, the general one never
    assert not _matches("occ_evaluation_overdue", serious, due)
    assert _matches("occ_evaluation_overdue", serious, due + datetime.timedelta(days=1))
    assert not _matches("occ_evaluation_overdue", general, due + datetime.timedelta(days=400))


def test_no_detection_or_declaration_on_record_warns_at_once_and_a_leap_day_falls_due_on_28_february(world):
    # given an exposure with nothing else: both the detection and the declaration warnings match
    ent = world.ent_a
    exposure(world, ent)
    day = datetime.date(2025, 1, 1)
    assert _matches("occ_detection_overdue", ent, day) and _matches("occ_declaration_missing", ent, day)
    # when a declaration (general, submitted) and a detection on 29 February 2024 are recorded
    declaration(world, ent, declared_on=datetime.date(2024, 2, 29))
    detection(world, ent, performed_on=datetime.date(2024, 2, 29))
    # then the declaration warning closes, and the detection is due on 28 February 2027
    assert not _matches("occ_declaration_missing", ent, day)
    assert not _matches("occ_detection_overdue", ent, datetime.date(2027, 2, 28))
    assert _matches("occ_detection_overdue", ent, datetime.date(2027, 3, 1))


def test_indicators_and_warnings_against_hand_counts(world):
    from decimal import Decimal

    from django.utils import timezone

    from anjian.alerts.engine import sync_rule
    from anjian.alerts.models import Warning
    from anjian.core.indicators import Period
    from anjian.core.testing.indicators import assert_drills_match, figure
    from anjian.occupational import services
    from anjian.occupational.models import Training
    from anjian.orgs.choices import Role

    from .factories import examination, regulator, result

    today = timezone.localdate()
    period = Period.year(today.year, today=today)
    # given county A: the plant (12 exposed, declared and accepted, detected today with one point
    # over the limit, one on-post examination with a suspected disease, all three roles trained) and
    # the construction company (8 exposed, nothing else)
    plant, builder = world.ent_a, world.ent_a_construction
    exposure(world, plant, workers=12)
    exposure(world, builder, workers=8)
    declaration(world, plant, accept=True)
    result(world, detection(world, plant))
    examination(world, plant, result_="suspected")
    for role in ("principal", "manager", "worker"):
        services.record_entry(Training, actor=regulator(world), enterprise=plant, data={
            "role": role, "topic": "职业卫生培训", "trained_on": today, "hours": Decimal(4), "trainees": 1})
    officer = world.users[Role.REGULATOR]
    # then each rate counts the plant of the two, the examinations 1 of 20 workers, the exceedances 1
    for code in ("occ_detection_rate", "occ_declaration_rate", "occ_training_rate"):
        value = assert_drills_match(code, officer, world.county_a, period)
        assert (value.numerator, value.denominator) == (1, 2), code
    exams = figure("occ_examination_rate", officer, world.county_a, period)
    assert (exams.numerator, exams.denominator) == (1, 20)
    assert figure("occ_exceedance_count", officer, world.county_a, period).value == 1
    # and the warnings render their messages in Chinese: the builder's detection, the plant's follow-up
    now = timezone.now()
    for code in ("occ_detection_overdue", "occ_follow_up_pending"):
        sync_rule(get_rule(code), now)
    messages = dict(Warning.objects.filter(rule__startswith="occ_").values_list("rule", "message"))
    assert messages["occ_detection_overdue"] == f"{builder.name}：职业病危害因素定期检测已逾期（上次：—）。"
    assert "疑似职业病" in messages["occ_follow_up_pending"]
