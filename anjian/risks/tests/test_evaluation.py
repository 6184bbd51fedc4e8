"""The LEC and LS calculators under every shipped profile, at every band boundary."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from anjian.risks import evaluation
from anjian.risks.models import RiskBand, RiskProfile

pytestmark = pytest.mark.django_db

# D = 20 / 70 / 160 / 320 and their neighbours, under each LEC profile (REGULATIONS.md §3.2).
LEC_EXPECTED = {
    "LEC-V1": {19: "low", 20: "low", 69: "low", 70: "moderate", 159: "moderate", 160: "high", 320: "high",
               321: "major"},
    "LEC-V2": {19: "low", 20: "low", 69: "low", 70: "moderate", 159: "moderate", 160: "high", 320: "high",
               321: "major"},
    "LEC-V3": {19: "low", 20: "low", 21: "moderate", 70: "moderate", 71: "high", 160: "high", 161: "major",
               320: "major"},
}
LS_EXPECTED = {
    "LS-A": {1: "low", 3: "low", 4: "moderate", 8: "moderate", 9: "high", 10: "high", 16: "high", 20: "major",
             25: "major"},
    "LS-B": {1: "low", 3: "low", 4: "moderate", 8: "moderate", 9: "moderate", 10: "high", 16: "high",
             20: "major", 25: "major"},
}


@pytest.mark.parametrize(("code", "score", "level"),
                         [(c, s, lvl) for c, table in {**LEC_EXPECTED, **LS_EXPECTED}.items()
                          for s, lvl in table.items()])
def test_profile_level_at_boundaries(code, score, level):
    # given the shipped profile; when a score is graded; then the band owning it answers
    profile = evaluation.tables().profiles[code]
    assert profile.level_of(Decimal(score)) == level


@pytest.mark.parametrize(("inputs", "score"), [
    ({"l": 1, "e": 2, "c": 10}, None),  # C=10 is not in the table
    ({"l": 1, "e": 2, "c": 15}, 30),
])
def test_lec_product_and_table_check(inputs, score):
    if score is None:
        with pytest.raises(ValidationError) as exc:
            evaluation.evaluate("lec", inputs)
        assert "c" in exc.value.message_dict
    else:
        assert evaluation.evaluate("lec", inputs).score == score


# Through the value tables: D = 20 (10×2×1) and 70 (1×10×7) are reachable products; 160 and 320
# are not (no L×E×C gives them), so those boundaries are tested on the bands above.
@pytest.mark.parametrize(("profile", "inputs", "level"), [
    ("LEC-V1", {"l": 10, "e": 2, "c": 1}, "low"),        # D = 20
    ("LEC-V2", {"l": 10, "e": 2, "c": 1}, "low"),
    ("LEC-V3", {"l": 10, "e": 2, "c": 1}, "low"),
    ("LEC-V1", {"l": 1, "e": 10, "c": 7}, "moderate"),   # D = 70
    ("LEC-V2", {"l": 1, "e": 10, "c": 7}, "moderate"),
    ("LEC-V3", {"l": 1, "e": 10, "c": 7}, "moderate"),
    ("LEC-V1", {"l": 3, "e": 6, "c": 15}, "high"),       # D = 270
    ("LEC-V3", {"l": 3, "e": 6, "c": 15}, "major"),
    ("LEC-V2", {"l": 1, "e": 10, "c": 40}, "major"),     # D = 400
    ("LEC-V1", {"l": 0.5, "e": 0.5, "c": 1}, "low"),     # D = 0.25 (below every bound)
])
def test_evaluate_end_to_end(profile, inputs, level):
    result = evaluation.evaluate("lec", inputs, profile)
    assert result.level == level
    assert result.colour == {"major": "red", "high": "orange", "moderate": "yellow", "low": "blue"}[level]
    assert result.profile.code == profile


@pytest.mark.parametrize(("profile", "l", "s", "level"), [
    ("LS-A", 3, 3, "high"), ("LS-B", 3, 3, "moderate"), ("LS-A", 2, 2, "moderate"), ("LS-B", 1, 3, "low"),
    ("LS-A", 4, 5, "major"), ("LS-B", 4, 4, "high"), ("LS-B", 2, 5, "high"),
])
def test_ls_end_to_end(profile, l, s, level):  # noqa: E741
    assert evaluation.evaluate("ls", {"l": l, "s": s}, profile).level == level


def test_error_names_field_with_allowed_values():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        evaluation.evaluate("lec", {"l": 3, "e": 7, "c": 15})
    # (the message is translated; zh-Hans reads "E 只能取 10、6、3、2、1、0.5")
    assert exc.value.message_dict == {"e": ["E must be one of 10、6、3、2、1、0.5"]}


def test_defaults_and_switch_invalidates_cache():
    # given the shipped defaults (LEC-V3, LS-A)
    assert evaluation.evaluate("lec", {"l": 1, "e": 10, "c": 40}).profile.code == "LEC-V3"  # D = 400
    assert evaluation.evaluate("ls", {"l": 3, "s": 3}).level == "high"  # R = 9 under LS-A
    # when an administrator makes LS-B the default (saving clears the cache)
    RiskProfile.objects.filter(method="ls").update(is_default=False)
    b = RiskProfile.objects.get(code="LS-B")
    b.is_default = True
    b.save()
    # then the next evaluation uses it
    assert evaluation.evaluate("ls", {"l": 3, "s": 3}).level == "moderate"


def test_band_edit_changes_later_evaluations_only_after_save():
    band = RiskBand.objects.get(profile__code="LEC-V3", level="major")
    assert evaluation.evaluate("lec", {"l": 3, "e": 6, "c": 15}, "LEC-V3").level == "major"  # D = 270
    band.lower_bound = Decimal("300")
    band.save()
    assert evaluation.evaluate("lec", {"l": 3, "e": 6, "c": 15}, "LEC-V3").level == "high"


def test_exactly_one_default_per_method_shipped():
    assert RiskProfile.objects.filter(method="lec", is_default=True).count() == 1
    assert RiskProfile.objects.filter(method="ls", is_default=True).count() == 1
    assert "不定级" in RiskProfile.objects.get(code="LEC-V1").note
    assert "160 属于较大" in RiskProfile.objects.get(code="LEC-V2").note


def test_profile_of_other_method_refused():
    with pytest.raises(ValidationError) as exc:
        evaluation.evaluate("ls", {"l": 1, "s": 1}, "LEC-V1")
    assert "profile" in exc.value.message_dict
