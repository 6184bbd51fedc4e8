"""The alarm machine of one sensor as a pure function (ingest.evaluate): breach, minimum duration,
graver limit, hysteresis, return of the cause."""

import datetime
from types import SimpleNamespace

from anjian.monitoring.ingest import AlarmMemory, classify, evaluate

T0 = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)
LIMITS = {"high_high": 18.0, "high": 16.0, "low": 2.0, "low_low": 1.0}
THIRTY = datetime.timedelta(seconds=30)


def run(values, memory=None, hysteresis=0.5, min_duration=THIRTY, step=10):
    memory = memory or AlarmMemory()
    readings = [(T0 + datetime.timedelta(seconds=i * step), v) for i, v in enumerate(values)]
    return memory, evaluate(memory, readings, LIMITS, hysteresis, min_duration)


def test_classify_names_the_gravest_limit_breached():
    assert classify(18.0, LIMITS) == "high_high"
    assert classify(17.0, LIMITS) == "high"
    assert classify(10.0, LIMITS) == ""
    assert classify(1.5, LIMITS) == "low"
    assert classify(0.2, LIMITS) == "low_low"


def test_a_breach_shorter_than_the_minimum_duration_opens_nothing():
    # given a value above high for 20 s (readings at 0, 10, 20 s), then back
    memory, out = run([17, 17, 17, 10])
    # then no alarm, and the machine forgot the breach
    assert out == []
    assert memory.breach_limit == "" and memory.breach_since is None


def test_an_alarm_opens_after_the_minimum_duration_naming_when_the_breach_began():
    memory, out = run([10, 17, 17, 17, 17])
    assert [t.action for t in out] == ["open"]
    opened = out[0]
    assert opened.limit == "high" and opened.threshold == 16.0
    assert opened.since == T0 + datetime.timedelta(seconds=10)
    assert opened.at == T0 + datetime.timedelta(seconds=40)


def test_high_high_while_open_worsens_the_alarm_and_peaks_are_reported():
    memory, out = run([17] * 4 + [19, 17.5])
    assert [t.action for t in out] == ["open", "worsen", "peak"]
    assert out[1].limit == "high_high" and out[1].threshold == 18.0


def test_the_alarm_clears_only_below_the_limit_minus_hysteresis():
    alarm = SimpleNamespace(limit="high", cleared_at=None)
    # 15.8 is inside the limit but not by the hysteresis (0.5): still an alarm; 15.4 clears it
    memory, out = run([15.8, 15.4], memory=AlarmMemory("high", T0, alarm))
    assert [t.action for t in out] == ["peak", "clear"]
    assert out[1].value == 15.4


def test_a_cleared_alarm_whose_cause_returns_for_the_minimum_duration_recurs():
    alarm = SimpleNamespace(limit="high", cleared_at=T0)
    memory, out = run([17, 17, 17, 17], memory=AlarmMemory("", None, alarm))
    assert [t.action for t in out] == ["recur"]


def test_low_side_and_zero_minimum_duration():
    memory, out = run([5, 0.5], min_duration=datetime.timedelta(0))
    assert [(t.action, t.limit) for t in out] == [("open", "low_low")]


def test_switching_sides_restarts_the_duration():
    memory, out = run([17, 17, 1.5, 1.5, 1.5])
    # the low breach started at 20 s: 30 s later is 50 s, beyond these readings (last at 40 s)
    assert out == []
    assert memory.breach_limit == "low" and memory.breach_since == T0 + datetime.timedelta(seconds=20)


def test_the_simulator_breaches_long_enough_to_open_an_alarm_and_falls_silent():
    import random

    from anjian.monitoring.simulate import SimSensor, next_value

    rng = random.Random(1)
    s = SimSensor(1, 1, 1, "LT-1", "m", 0, 20, 2, 16, period=10, min_duration=30)
    s.value = s.normal_mid()
    # a breach: the values climb past the high limit and stay there beyond the minimum duration
    values = [next_value(s, t * 10, rng, breach_chance=1.0, silence_chance=0.0) for t in range(8)]
    above = [v for v in values if v is not None and v >= 16]
    assert s.mode == "breach" or len(above) >= 3
    assert len(above) * 10 >= 30
    # a silence: no value for several periods
    s = SimSensor(2, 1, 1, "LT-2", "m", 0, 20, 2, 16, period=10, min_duration=30)
    assert next_value(s, 0, rng, breach_chance=0.0, silence_chance=1.0) is None and s.mode_until >= 40
