"""The random draw (双随机): a pure function of its stored inputs, so anyone can re-run it.

Inputs (stored on the draw, ``RandomDraw.inputs``): the pool of enterprise ids, the drawn
enterprises' keys (region path, industry id, industry code), the candidate officers (id, scope
path, industry ids — empty: every industry), per enterprise the officers and experts it must not
get (its last inspectors, declared conflicts, an expert's employer), the experts (id, field codes),
the numbers asked for and the seed. The same inputs always give the same result:

- randomness comes only from ``random.Random(seed)`` and only through ``random()``, the one method
  whose sequence Python guarantees for a given seed across versions (``sample``/``shuffle`` are not
  guaranteed), turned into an index by ``int(random() * n)``;
- enterprises: a partial Fisher–Yates shuffle of the pool (sorted by id) — the first N;
- officers, for each drawn enterprise in draw order: indices into its candidates (sorted by id: the
  officers whose jurisdiction holds the enterprise), skipping an excluded officer, one already
  chosen for it, or one who reached ``max_per_officer``; after many misses the remaining eligible
  officers are listed and drawn from directly (still deterministic). Under a cap
  (``max_per_officer``) each pick is instead among the eligible officers with the fewest
  enterprises so far (an index into that list, sorted by id): the load stays even, so no
  enterprise is left short while officers have room (a plain random pick could leave the last
  enterprise with a single officer who has room). Draws stored before this rule (inputs without
  ``algorithm``, or ``algorithm`` 1) re-run by the old one, so they still verify;
- experts likewise, preferring those whose fields cover the enterprise's industry.

``digest`` is the SHA-256 of the result in canonical JSON: a re-run compares digests.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from anjian.core import sampling

MAX_MISSES = 64
# The version of the rules below, stored in every new draw's inputs (``algorithm``): a stored draw
# re-runs by the rules it was made with. 2: the balanced pick under a cap.
ALGORITHM = 2


_below = sampling.below


def draw_enterprises(pool: Sequence[int], n: int, seed: str) -> list[int]:
    """The first ``n`` of a partial Fisher–Yates shuffle of ``pool`` (ids sorted ascending;
    ``core.sampling``, shared with the other seeded draws)."""
    return sampling.sample(pool, n, seed, "enterprises")


@dataclass
class Candidates:
    """People one enterprise may get, sorted by id, with a cache per jurisdiction signature."""

    people: list[tuple[int, str, tuple]]  # (id, scope path, industry ids) — officers
    _cache: dict = field(default_factory=dict)

    def for_enterprise(self, path: str, industry_id: int) -> list[int]:
        key = (path, industry_id)
        if key not in self._cache:
            self._cache[key] = [pk for pk, scope, industries in self.people
                                if path.startswith(scope) and (not industries or industry_id in industries)]
        return self._cache[key]


def _pick(rng: random.Random, candidates: list[int], k: int, excluded: set[int], load: dict[int, int],
          cap: int | None) -> list[int]:
    chosen: list[int] = []
    misses = 0

    def ok(pk: int) -> bool:
        return pk not in excluded and pk not in chosen and (cap is None or load.get(pk, 0) < cap)

    while len(chosen) < k and candidates:
        if misses < MAX_MISSES:
            pk = candidates[_below(rng, len(candidates))]
            if ok(pk):
                chosen.append(pk)
            else:
                misses += 1
            continue
        rest = [pk for pk in candidates if ok(pk)]
        if not rest:
            break
        chosen.append(rest[_below(rng, len(rest))])
    for pk in chosen:
        load[pk] = load.get(pk, 0) + 1
    return chosen


def _pick_balanced(rng: random.Random, candidates: list[int], k: int, excluded: set[int], load: dict[int, int],
                   cap: int) -> list[int]:
    """``k`` people for one enterprise under a cap: each among the eligible candidates (id order)
    with the lowest load so far, by one ``random()`` index into them."""
    chosen: list[int] = []
    while len(chosen) < k:
        rest = [pk for pk in candidates if pk not in excluded and pk not in chosen and load.get(pk, 0) < cap]
        if not rest:
            break
        low = min(load.get(pk, 0) for pk in rest)
        rest = [pk for pk in rest if load.get(pk, 0) == low]
        chosen.append(rest[_below(rng, len(rest))])
    for pk in chosen:
        load[pk] = load.get(pk, 0) + 1
    return chosen


def assign(drawn: Sequence[dict[str, Any]], inputs: dict[str, Any], seed: str) -> list[dict[str, Any]]:
    """Officers (and experts) for each drawn enterprise, in draw order. ``drawn`` items carry
    ``id``, ``path``, ``industry`` (id) and ``industry_code``; see the module docstring for inputs."""
    rng = random.Random(f"{seed}:people")
    officers = Candidates([(o[0], o[1], tuple(o[2])) for o in sorted(inputs.get("officers", []))])
    experts = sorted(inputs.get("experts", []))  # [id, [field codes]]
    k_off = int(inputs.get("officers_per_enterprise", 2))
    k_exp = int(inputs.get("experts_per_enterprise", 0))
    cap = inputs.get("max_per_officer")
    pick_officers = _pick_balanced if cap is not None and int(inputs.get("algorithm", 1)) >= 2 else _pick
    off_excl = inputs.get("officer_exclusions", {})
    exp_excl = inputs.get("expert_exclusions", {})
    load_off: dict[int, int] = {}
    load_exp: dict[int, int] = {}
    fields_cache: dict[str, list[int]] = {}
    out = []
    for ent in drawn:
        key = str(ent["id"])
        chosen = pick_officers(rng, officers.for_enterprise(ent["path"], ent["industry"]), k_off,
                               set(off_excl.get(key, [])), load_off, cap)
        picked: list[int] = []
        if k_exp:
            code = ent.get("industry_code", "")
            if code not in fields_cache:
                fields_cache[code] = [e[0] for e in experts if any(code.startswith(f) for f in e[1])]
            excluded = set(exp_excl.get(key, []))
            picked = _pick(rng, fields_cache[code], k_exp, excluded, load_exp, None)
            if len(picked) < k_exp:  # not enough in the field: any expert of the pool
                picked += _pick(rng, [e[0] for e in experts], k_exp - len(picked), excluded | set(picked), load_exp,
                                None)
        out.append({"enterprise": ent["id"], "officers": chosen, "experts": picked})
    return out


def run(inputs: dict[str, Any], seed: str) -> list[dict[str, Any]]:
    """The whole draw from its stored inputs: enterprises, then the people for each."""
    ids = draw_enterprises(inputs["pool"], int(inputs["n"]), seed)
    keys = inputs["enterprise_keys"]
    drawn = [{"id": pk, **keys[str(pk)]} for pk in ids]
    return assign(drawn, inputs, seed)


def digest(result: list[dict[str, Any]]) -> str:
    """SHA-256 of the result in canonical JSON (keys sorted, no spaces)."""
    return sampling.digest(result)
