"""Seeded, reproducible sampling: the primitive behind every random draw that must be re-run by
anyone from what is stored (the enforcement draw 双随机, the standardisation spot check 抽查).

Randomness comes only from ``random.Random(seed)`` and only through ``random()``, the one method
whose sequence Python guarantees for a given seed across versions (``sample``/``shuffle`` are not
guaranteed), turned into an index by ``int(random() * n)``. The pool is sorted first, so the
result depends on the pool's members, not on the order a query returned them.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from typing import Any


def below(rng: random.Random, n: int) -> int:
    """An index in ``range(n)`` from one ``random()`` draw."""
    return min(int(rng.random() * n), n - 1)


def partial_shuffle(pool: Sequence[int], n: int, rng: random.Random) -> list[int]:
    """The first ``n`` of a partial Fisher–Yates shuffle of ``pool`` sorted ascending."""
    items = sorted(pool)
    n = min(n, len(items))
    for i in range(n):
        j = i + below(rng, len(items) - i)
        items[i], items[j] = items[j], items[i]
    return items[:n]


def sample(pool: Sequence[int], n: int, seed: str, salt: str) -> list[int]:
    """``n`` members of ``pool`` drawn from ``seed`` (``salt`` separates the draws one seed feeds):
    the same pool, number and seed always give the same members in the same order."""
    return partial_shuffle(pool, n, random.Random(f"{seed}:{salt}"))


def digest(result: Any) -> str:
    """SHA-256 of ``result`` in canonical JSON (keys sorted, no spaces): a re-run compares digests."""
    text = json.dumps(result, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
