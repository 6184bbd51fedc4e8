"""Materialized paths for the region tree.

A region's path is the concatenation of the 12-digit codes of its ancestors and itself,
so "this region and everything below" is the half-open range [path, next(path)). Because
paths are digits only, the range works with a plain B-tree index on SQLite and on
PostgreSQL under any collation (LIKE 'x%' would need varchar_pattern_ops on PostgreSQL and
is not index-assisted on SQLite when Django adds its ESCAPE clause).
"""

from django.db.models import Q

CODE_LENGTH = 12


def path_upper_bound(prefix: str) -> str | None:
    """The smallest digit string of the same length greater than every string starting with prefix."""
    if not prefix:
        return None
    digits = prefix.rstrip("9")
    if not digits:
        return None
    return digits[:-1] + str(int(digits[-1]) + 1)


def subtree_q(field: str, prefix: str) -> Q:
    """Q for rows whose `field` path lies in the subtree rooted at `prefix` (inclusive)."""
    q = Q(**{f"{field}__gte": prefix})
    upper = path_upper_bound(prefix)
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q
