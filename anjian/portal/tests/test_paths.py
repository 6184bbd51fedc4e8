"""Materialized region paths: the upper bound of a prefix range and the subtree Q, checked
against plain string prefixes so the range query means exactly "starts with"."""

import pytest

from anjian.core.paths import path_upper_bound, subtree_q
from anjian.portal.testing.factories import RegionFactory, region_chain
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [
        ("330106000000", "330106000001"),
        ("330199", "3302"),        # trailing nines carry into the previous digit
        ("1099", "11"),
        ("0", "1"),
        ("9", None),               # every digit string starting with 9 has no upper bound
        ("999", None),
        ("", None),
    ],
)
def test_path_upper_bound(prefix, upper):
    # given a digit prefix, when its upper bound is computed, then it is the smallest larger non-match
    assert path_upper_bound(prefix) == upper


@pytest.mark.parametrize("prefix", ["33", "3301", "330199", "1099", "9", "0"])
def test_range_equals_startswith(prefix):
    # given candidate paths around the prefix (below, inside, at the carry, above)
    candidates = [prefix, prefix + "0", prefix + "9" * 5, prefix[:-1], prefix[:-1] + "9" * 8,
                  str(int(prefix) + 1).zfill(len(prefix)), "", "0" * 12, "9" * 24]
    upper = path_upper_bound(prefix)
    # when a candidate is tested against [prefix, upper), then it is in exactly when it starts with prefix
    for path in candidates:
        in_range = path >= prefix and (upper is None or path < upper)
        assert in_range is path.startswith(prefix), path


def test_subtree_q_without_upper_bound_has_only_the_lower_limit():
    # given a prefix of nines, when its Q is built, then it only bounds from below
    q = subtree_q("path", "99")
    assert q.children == [("path__gte", "99")]
    assert set(subtree_q("path", "12").children) == {("path__gte", "12"), ("path__lt", "13")}


@pytest.mark.django_db
def test_subtree_query_matches_prefix_in_the_database():
    # given a tree with two counties, one of them with a township and a village
    province, city, county = region_chain("省", "市", "县")
    township = RegionFactory(level=RegionLevel.TOWNSHIP, parent=county)
    RegionFactory(level=RegionLevel.VILLAGE, parent=township)
    RegionFactory(level=RegionLevel.COUNTY, parent=city)
    # when each region's subtree is read through the range, then it equals the prefix match in Python
    everything = list(Region.objects.all())
    for root in everything:
        via_range = set(Region.objects.filter(subtree_q("path", root.path)))
        via_prefix = {r for r in everything if r.path.startswith(root.path)}
        assert via_range == via_prefix, root
