"""One round for a pool of any size, fast: a careful deal, then local repair with numpy.

1. People are split into buckets that hard rules keep apart (the attributes a group must
   share; the team in within-team mode). Inside a bucket they are ordered by
   availability (identical working hours side by side) and, across teams, dealt one team
   after another, so consecutive people mostly come from different teams.
2. Each bucket is cut into consecutive groups of `group_size` (a few of one less or one
   more when it does not divide; never a group of one).
3. Every group is scored at once (numpy over padded arrays of members): broken rules,
   pairs that met before (recent meetings cost more), tie strength (weak ties are
   preferred), same-team pairs in cross-team mode. Groups that cost anything try every
   swap of one member with a member of a dozen other groups of their bucket (neighbours
   first: they share working hours) and take the best improving one.
4. A group that still breaks a rule is broken up and its people placed where they fit,
   or left unmatched: a rule is never broken.

Everything is vectorised or touches only groups that need work: O(n log n) time and
O(n + known pairs) memory, never an n x n matrix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, combinations, pairwise

import numpy as np

from .designs import group_sizes
from .types import Constraints, History, Pair, Participant, Round

HARD = 1000.0  # a broken rule
REPEAT = 10.0  # a pair that met before, plus its recency-weighted cost
SAME_TEAM = 0.1  # a same-team pair in cross-team mode
DENSE_POOL = 100  # pools up to this size are also polished by tabu search on all swaps
PLACEMENT_SAMPLE = 64  # groups tried for each person a broken group leaves loose
SLOT_WORDS = 3  # availability bitmasks of up to 192 hour slots (a week has 168)


@dataclass(slots=True)
class Compiled:
    """The problem in index space (0..n-1), ready for vectorised scoring."""

    n: int
    ids: np.ndarray
    bucket: np.ndarray
    team: np.ndarray  # team code, -1 for none
    words: np.ndarray | None  # (n, SLOT_WORDS) uint64 availability, None when unchecked
    min_slots: int
    cross_team: bool
    forbidden: np.ndarray  # sorted pair keys
    met_keys: np.ndarray  # sorted pair keys of pairs that met before
    met_cost: np.ndarray
    tie_keys: np.ndarray
    tie_cost: np.ndarray  # 1 - weakness: 0 for strangers, towards 1 for strong ties

    def key(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.minimum(a, b).astype(np.int64) * self.n + np.maximum(a, b)


def _lookup(keys: np.ndarray, values: np.ndarray | None, query: np.ndarray) -> np.ndarray:
    """values[key] for each query key found, else 0 (1.0 per hit when values is None)."""
    if keys.size == 0:
        return np.zeros(query.shape)
    at = np.minimum(np.searchsorted(keys, query), keys.size - 1)
    hit = keys[at] == query
    if values is None:
        return hit.astype(float)
    return np.where(hit, values[at], 0.0)


class _IndexOf:
    """Vectorised id -> index (0..n-1) lookup; -1 for ids not in the pool."""

    def __init__(self, ids: np.ndarray) -> None:
        self.order = np.argsort(ids, kind="stable")
        self.sorted_ids = ids[self.order]

    def __call__(self, query: np.ndarray) -> np.ndarray:
        if self.sorted_ids.size == 0:
            return np.full(query.shape, -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted_ids, query), self.sorted_ids.size - 1)
        return np.where(self.sorted_ids[at] == query, self.order[at], -1)


def _pair_arrays(
    pairs: Sequence[tuple[int, int]], index_of: _IndexOf
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays a, b of the pairs within the pool, and which input pairs they are."""
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    both = index_of(np.array(pairs, dtype=np.int64).reshape(-1, 2))
    keep = np.flatnonzero((both[:, 0] >= 0) & (both[:, 1] >= 0) & (both[:, 0] != both[:, 1]))
    return both[keep, 0], both[keep, 1], keep


def _groups_matrix(groups: Sequence[Sequence[int]], index_of: _IndexOf) -> np.ndarray:
    """Past groups as rows of member indexes (-1 for padding and for people now gone)."""
    lengths = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    if lengths.size == 0 or lengths.max() == 0:
        return np.zeros((0, 0), dtype=np.int64)
    flat = index_of(
        np.fromiter(chain.from_iterable(groups), dtype=np.int64, count=int(lengths.sum()))
    )
    starts = np.cumsum(lengths) - lengths
    rows = np.full((lengths.size, int(lengths.max())), -1, dtype=np.int64)
    for slot in range(rows.shape[1]):
        has = lengths > slot
        rows[has, slot] = flat[starts[has] + slot]
    return rows


def padded(groups: Sequence[Sequence[int]], width: int | None = None) -> np.ndarray:
    """Groups as rows of a matrix, short rows filled with -1."""
    width = width or max((len(g) for g in groups), default=0)
    out = np.full((len(groups), width), -1, dtype=np.int64)
    by_length: dict[int, list[int]] = {}
    for row, group in enumerate(groups):
        by_length.setdefault(len(group), []).append(row)
    for length, rows in by_length.items():
        if length:
            out[rows, :length] = np.array([groups[r] for r in rows], dtype=np.int64)
    return out


def compile_problem(
    participants: Sequence[Participant],
    constraints: Constraints,
    *,
    history: History | None = None,
    ties: Mapping[Pair, float] | None = None,
    as_of: date | None = None,
) -> Compiled:
    n = len(participants)
    ids = np.fromiter((p.id for p in participants), dtype=np.int64, count=n)
    index_of = _IndexOf(ids)
    if np.unique(ids).size != n:
        raise ValueError("Participants must have distinct ids.")

    bucket_codes: dict[tuple, int] = {}
    within = constraints.team_mode == "within"
    bucket = np.fromiter(
        (
            bucket_codes.setdefault(
                (
                    *(p.attributes.get(name) for name in constraints.must_share),
                    p.team if within else None,
                ),
                len(bucket_codes),
            )
            for p in participants
        ),
        dtype=np.int64,
        count=n,
    )
    team_codes: dict[str, int] = {}
    team = np.fromiter(
        (
            -1 if p.team is None else team_codes.setdefault(p.team, len(team_codes))
            for p in participants
        ),
        dtype=np.int64,
        count=n,
    )
    words = None
    if constraints.min_common_slots > 0:
        words = np.zeros((n, SLOT_WORDS), dtype=np.uint64)
        full = (1 << 64) - 1
        for i, p in enumerate(participants):
            mask = (1 << (64 * SLOT_WORDS)) - 1 if p.availability is None else p.availability
            for w in range(SLOT_WORDS):
                words[i, w] = (mask >> (64 * w)) & full

    def keys_of(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.minimum(a, b) * n + np.maximum(a, b)

    fa, fb, _ = _pair_arrays(list(constraints.forbidden_pairs), index_of)
    forbidden = np.unique(keys_of(fa, fb))

    met_keys = np.zeros(0, dtype=np.int64)
    met_cost: np.ndarray = np.zeros(0)
    if history is not None and history.rounds:
        today = as_of or max(r.held_on for r in history.rounds)
        all_keys: list[np.ndarray] = []
        all_weights: list[np.ndarray] = []
        for past in history.rounds:
            age = max(0, (today - past.held_on).days)
            weight = 0.5 ** (age / history.half_life_days)
            rows = _groups_matrix(past.groups, index_of)
            for left, right in combinations(range(rows.shape[1]), 2):
                a, b = rows[:, left], rows[:, right]
                ok = (a >= 0) & (b >= 0)
                all_keys.append(keys_of(a[ok], b[ok]))
                all_weights.append(np.full(int(ok.sum()), weight))
        if all_keys:
            keys = np.concatenate(all_keys)
            weights = np.concatenate(all_weights)
            # Indexing the result, not unpacking it: mypy 1.19 crashes on the unpacking.
            found = np.unique(keys, return_inverse=True)
            met_keys = found[0]
            met_cost = REPEAT * (1.0 + np.bincount(found[1], weights=weights))

    tie_keys = np.zeros(0, dtype=np.int64)
    tie_cost = np.zeros(0)
    if ties:
        ta, tb, kept = _pair_arrays(list(ties), index_of)
        strengths = np.maximum(np.fromiter(ties.values(), dtype=float, count=len(ties))[kept], 0.0)
        keys = keys_of(ta, tb)
        order = np.argsort(keys, kind="stable")
        unique = np.unique(keys[order], return_index=True)
        tie_keys, first = unique[0], unique[1]
        tie_cost = strengths[order][first] / (1.0 + strengths[order][first])

    return Compiled(
        n=n,
        ids=ids,
        bucket=bucket,
        team=team,
        words=words,
        min_slots=constraints.min_common_slots,
        cross_team=constraints.team_mode == "cross",
        forbidden=forbidden,
        met_keys=met_keys,
        met_cost=met_cost,
        tie_keys=tie_keys,
        tie_cost=tie_cost,
    )


def group_costs(problem: Compiled, rows: np.ndarray) -> np.ndarray:
    """The cost of each group (row of member indexes, -1 padded): 0 is perfect."""
    cost = np.zeros(rows.shape[0])
    width = rows.shape[1]
    for p, q in combinations(range(width), 2):
        a, b = rows[:, p], rows[:, q]
        ok = (a >= 0) & (b >= 0)
        if not ok.any():
            continue
        safe_a, safe_b = np.where(ok, a, 0), np.where(ok, b, 0)
        key = problem.key(safe_a, safe_b)
        pair_cost = HARD * _lookup(problem.forbidden, None, key)
        pair_cost += HARD * (problem.bucket[safe_a] != problem.bucket[safe_b])
        pair_cost += _lookup(problem.met_keys, problem.met_cost, key)
        pair_cost += _lookup(problem.tie_keys, problem.tie_cost, key)
        if problem.cross_team:
            ta, tb = problem.team[safe_a], problem.team[safe_b]
            pair_cost += SAME_TEAM * ((ta == tb) & (ta >= 0))
        cost += np.where(ok, pair_cost, 0.0)
    if problem.words is not None:
        common = np.full((rows.shape[0], SLOT_WORDS), np.iinfo(np.uint64).max, dtype=np.uint64)
        for p in range(width):
            member = rows[:, p]
            present = member >= 0
            common[present] &= problem.words[member[present]]
        slots = np.bitwise_count(common).sum(axis=1)
        cost += HARD * ((slots < problem.min_slots) & ((rows >= 0).sum(axis=1) > 1))
    return cost


def _deal(problem: Compiled, rng: np.random.Generator) -> np.ndarray:
    """Everyone in the order groups are cut from (see the module docstring)."""
    n = problem.n
    shuffle = rng.permutation(n)
    team_order = rng.permutation(max(1, int(problem.team.max()) + 2))[problem.team + 1]
    keys: list[np.ndarray] = [shuffle]
    if problem.cross_team:
        # Rank within (bucket, team): 0 for each team's first person, 1 for its second...
        order = np.lexsort((shuffle, problem.team, problem.bucket))
        grouped = np.stack([problem.bucket[order], problem.team[order]])
        starts = np.r_[True, (grouped[:, 1:] != grouped[:, :-1]).any(axis=0)]
        first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - first
        keys = [team_order, rank]
    if problem.words is not None:
        keys.extend(problem.words[:, w] for w in range(SLOT_WORDS))
    keys.append(problem.bucket)
    return np.lexsort(tuple(keys))


def make_round(
    participants: Sequence[Participant],
    group_size: int,
    *,
    constraints: Constraints | None = None,
    history: History | None = None,
    ties: Mapping[Pair, float] | None = None,
    seed: int = 0,
    as_of: date | None = None,
    candidates: int = 12,
    passes: int = 3,
    polish_iterations: int = 200,
) -> Round:
    """Groups of about `group_size` for one round."""
    if group_size < 2:
        raise ValueError("Groups have at least two people.")
    problem = compile_problem(
        participants, constraints or Constraints(), history=history, ties=ties, as_of=as_of
    )
    rows, unmatched = _initial_groups(problem, group_size, np.random.default_rng(seed))
    rng = np.random.default_rng([seed, 1])
    rows = _improve(problem, rows, rng, candidates=candidates, passes=passes)
    if problem.n <= DENSE_POOL and rows.shape[0] > 1:
        rows = _polish(problem, rows, seed, iterations=polish_iterations)
    rows, unmatched = _enforce_rules(problem, rows, unmatched, group_size)
    ids = problem.ids
    groups = [tuple(sorted(int(ids[m]) for m in row if m >= 0)) for row in rows]
    return Round(groups=[g for g in groups if g], unmatched=sorted(int(ids[m]) for m in unmatched))


def _initial_groups(
    problem: Compiled, group_size: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[int]]:
    order = _deal(problem, rng)
    buckets = problem.bucket[order]
    boundaries = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1], True])
    sizes: list[int] = []
    starts: list[int] = []
    unmatched: list[int] = []
    for start, end in pairwise(boundaries):
        bucket_sizes = group_sizes(int(end - start), group_size)
        if not bucket_sizes:
            unmatched.extend(int(x) for x in order[start:end])
            continue
        offsets = np.cumsum([0, *bucket_sizes[:-1]]) + start
        starts.extend(int(o) for o in offsets)
        sizes.extend(bucket_sizes)
    width = group_size + 1
    rows = np.full((len(sizes), width), -1, dtype=np.int64)
    size_arr = np.asarray(sizes, dtype=np.int64)
    start_arr = np.asarray(starts, dtype=np.int64)
    for slot in range(width):
        has = size_arr > slot
        rows[has, slot] = order[start_arr[has] + slot]
    return rows, unmatched


def _improve(
    problem: Compiled, rows: np.ndarray, rng: np.random.Generator, *, candidates: int, passes: int
) -> np.ndarray:
    """Best-improvement swaps for every group that costs anything."""
    if rows.shape[0] < 2:
        return rows
    width = rows.shape[1]
    group_bucket = problem.bucket[rows[:, 0]]
    # Groups of one bucket are contiguous: [first[b], last[b]).
    changes = np.flatnonzero(np.r_[True, group_bucket[1:] != group_bucket[:-1], True])
    span_start = np.repeat(changes[:-1], np.diff(changes))
    span_end = np.repeat(changes[1:], np.diff(changes))
    costs = group_costs(problem, rows)
    near = candidates // 2
    for _ in range(passes):
        todo = np.flatnonzero(costs > 1e-9)
        if todo.size == 0:
            break
        todo = todo[np.argsort(-costs[todo], kind="stable")]
        for group in todo:
            g = int(group)
            lo, hi = int(span_start[g]), int(span_end[g])
            if hi - lo < 2 or costs[g] <= 1e-9:
                continue
            neighbours = np.arange(max(lo, g - near), min(hi, g + near + 1), dtype=np.int64)
            pool = np.r_[neighbours, rng.integers(lo, hi, size=candidates - neighbours.size + 1)]
            others = np.unique(pool[pool != g])
            if others.size == 0:
                continue
            mine = rows[g]
            k_count = others.size
            grid = np.meshgrid(
                np.arange(width), np.arange(k_count), np.arange(width), indexing="ij"
            )
            i_idx, k_idx, j_idx = grid[0].ravel(), grid[1].ravel(), grid[2].ravel()
            theirs = rows[others][k_idx]
            valid = (mine[i_idx] >= 0) & (theirs[np.arange(theirs.shape[0]), j_idx] >= 0)
            i_idx, k_idx, j_idx, theirs = i_idx[valid], k_idx[valid], j_idx[valid], theirs[valid]
            m = i_idx.size
            if m == 0:
                continue
            new_mine = np.tile(mine, (m, 1))
            new_mine[np.arange(m), i_idx] = theirs[np.arange(m), j_idx]
            new_theirs = theirs.copy()
            new_theirs[np.arange(m), j_idx] = mine[i_idx]
            before = costs[g] + costs[others][k_idx]
            mine_after = group_costs(problem, new_mine)
            theirs_after = group_costs(problem, new_theirs)
            delta = mine_after + theirs_after - before
            best = int(np.argmin(delta))
            if delta[best] < -1e-9:
                h = int(others[k_idx[best]])
                rows[g] = new_mine[best]
                rows[h] = new_theirs[best]
                costs[g] = mine_after[best]
                costs[h] = theirs_after[best]
    return rows


def pair_cost_matrix(problem: Compiled) -> np.ndarray:
    """Every pair's cost as a dense matrix (small pools only)."""
    n = problem.n
    a, b = np.triu_indices(n, 1)
    costs = group_costs(problem, np.stack([a, b], axis=1))
    matrix = np.zeros((n, n))
    matrix[a, b] = costs
    matrix[b, a] = costs
    return matrix


def _polish(problem: Compiled, rows: np.ndarray, seed: int, *, iterations: int) -> np.ndarray:
    """Tabu search over every swap of two people (see `search.py`), for small pools.

    Only pair costs drive it; group-wide rules (working hours) are kept by refusing swaps
    that would break them.
    """
    from .search import improve_schedule

    width = rows.shape[1]

    def group_ok(group: Sequence[int]) -> bool:
        return bool(group_costs(problem, padded([list(group)], width))[0] < HARD)

    groups = [[int(m) for m in row if m >= 0] for row in rows]
    scheduled = {m for g in groups for m in g}
    matrix = pair_cost_matrix(problem)
    # People not in any group (alone in their bucket) stay out: give them no moves.
    improved = improve_schedule(
        [groups],
        problem.n,
        seed=seed,
        pair_cost=matrix,
        group_ok=group_ok if problem.words is not None else None,
        max_iterations=iterations,
        patience=60,
        target_cost=0.0,
    )[0]
    assert {m for g in improved for m in g} == scheduled
    return padded([list(g) for g in improved], width)


def _enforce_rules(
    problem: Compiled, rows: np.ndarray, unmatched: list[int], group_size: int
) -> tuple[np.ndarray, list[int]]:
    """Break up groups that still break a rule; place their people where they fit."""
    costs = group_costs(problem, rows)
    broken = np.flatnonzero(costs >= HARD)
    if broken.size == 0:
        return rows, unmatched
    loose = [int(m) for m in rows[broken].ravel() if m >= 0]
    keep = np.ones(rows.shape[0], dtype=bool)
    keep[broken] = False
    rows = rows[keep]
    costs = costs[keep]
    still: list[int] = []
    sizes = (rows >= 0).sum(axis=1)
    group_bucket = problem.bucket[rows[:, 0]] if rows.shape[0] else np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(len(loose))
    # Each loose person joins a group with room (up to group_size + 1) if the group stays
    # valid: a bounded sample of such groups, so this stays linear in the loose people.
    for person in loose:
        room = np.flatnonzero((sizes < group_size + 1) & (group_bucket == problem.bucket[person]))
        if room.size > PLACEMENT_SAMPLE:
            room = rng.choice(room, size=PLACEMENT_SAMPLE, replace=False)
        placed = False
        if room.size:
            trial = rows[room].copy()
            trial[np.arange(room.size), sizes[room]] = person
            after = group_costs(problem, trial)
            fits = np.flatnonzero(after < HARD)
            if fits.size:
                best = fits[np.argmin(after[fits] - costs[room][fits])]
                rows[room[best]] = trial[best]
                costs[room[best]] = after[best]
                sizes[room[best]] += 1
                placed = True
        if not placed:
            still.append(person)
    # Those left over form groups among themselves where they can (compatible people
    # side by side, each trying only the few most recent open groups).
    words = problem.words
    if words is not None:
        still.sort(key=lambda m: (int(problem.bucket[m]), *words[m].tolist()))
    else:
        still.sort(key=lambda m: int(problem.bucket[m]))
    new_rows: list[list[int]] = []
    for person in still:
        for group in new_rows[-PLACEMENT_SAMPLE // 8 :]:
            if len(group) < group_size:
                trial_row = padded([[*group, person]], rows.shape[1])
                if group_costs(problem, trial_row)[0] < HARD:
                    group.append(person)
                    break
        else:
            new_rows.append([person])
    formed = [g for g in new_rows if len(g) >= max(2, group_size - 1)]
    leftover = [p for g in new_rows if len(g) < max(2, group_size - 1) for p in g]
    if formed:
        rows = np.vstack([rows, padded(formed, rows.shape[1])])
    return rows, unmatched + leftover
