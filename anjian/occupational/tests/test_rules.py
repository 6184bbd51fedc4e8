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
