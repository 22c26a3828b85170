"""Schedules with no repeated pair for as many rounds as is known to be possible.

These are the classical constructions behind the Social Golfer Problem, each returning
rounds of groups over people 0..n-1:

- pairs: the circle method (round robin), n-1 rounds for even n;
- q^d people in groups of q (q = 2, 3, 4, 5, 7): the parallel classes of lines of the
  affine space AG(d, q), (q^d - 1)/(q - 1) rounds (9 in 3s: 4, 16 in 4s: 5, 27 in 3s: 13);
- 15 in 3s: a Kirkman triple system, 7 rounds, from a packing of PG(3, 2) into spreads;
- 21 in 3s: a Kirkman triple system, 10 rounds, with the cyclic group of order 7 acting
  on three levels of seven people (see `kirkman_21`);
- 18 in 3s: 8 rounds, and 32 in 4s: 10 rounds (golfers 6-3-8 and 8-4-10), by doubling
  a resolvable design in which every pair lies in two blocks (see `doubled`).

Other instances are planned by the whole-schedule local search in `search.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from itertools import combinations, product

Schedule = list[list[tuple[int, ...]]]


def group_sizes(count: int, size: int) -> list[int]:
    """Sizes of the groups for `count` people in groups of about `size`.

    All groups have `size` people when it divides; otherwise the fewest groups of
    `size - 1` or `size + 1` make up the difference, and never a group of one. A pool
    smaller than `size - 1` (but of two or more) forms one smaller group; one person alone
    gets no group.
    """
    if count < 2:
        return []
    if count < max(2, size - 1):
        return [count]
    groups, rest = divmod(count, size)
    if rest == 0:
        return [size] * groups
    shrink = size - rest  # groups of size - 1 needed to absorb the remainder
    can_shrink = size - 1 >= 2 and shrink <= groups + 1
    can_grow = rest <= groups
    if can_shrink and (not can_grow or shrink < rest):
        return [size - 1] * shrink + [size] * (groups + 1 - shrink)
    if can_grow:
        return [size + 1] * rest + [size] * (groups - rest)
    return [count]


def round_robin(n: int) -> Schedule:
    """The circle method: n - 1 rounds of pairs in which everyone meets everyone once."""
    if n % 2 or n < 2:
        raise ValueError("The circle method needs an even number of people.")
    others = list(range(1, n))
    rounds: Schedule = []
    for _ in range(n - 1):
        line = [0, *others]
        rounds.append([(line[i], line[n - 1 - i]) for i in range(n // 2)])
        others = others[-1:] + others[:-1]
    return rounds


# --- finite fields and affine spaces -------------------------------------------------------

# GF(4) = {0, 1, w, w + 1} with w^2 = w + 1, elements as 2-bit integers.
_GF4_MUL = [[0, 0, 0, 0], [0, 1, 2, 3], [0, 2, 3, 1], [0, 3, 1, 2]]
FIELD_ORDERS = (2, 3, 4, 5, 7)


def _add(q: int, a: int, b: int) -> int:
    return a ^ b if q == 4 else (a + b) % q


def _mul(q: int, a: int, b: int) -> int:
    return _GF4_MUL[a][b] if q == 4 else (a * b) % q


def affine_space(q: int, d: int) -> Schedule:
    """The parallel classes of lines of AG(d, q): q^d people in groups of q, no pair twice."""
    if q not in FIELD_ORDERS:
        raise ValueError(f"Supported field orders: {FIELD_ORDERS}.")
    points = list(product(range(q), repeat=d))
    index = {p: i for i, p in enumerate(points)}
    # One direction per point of PG(d-1, q): nonzero vectors whose first nonzero entry is 1.
    directions = [v for v in points if any(v) and v[next(i for i, x in enumerate(v) if x)] == 1]
    rounds: Schedule = []
    for v in directions:
        placed: set[int] = set()
        groups = []
        for p in points:
            if index[p] in placed:
                continue
            line = tuple(
                index[tuple(_add(q, p[k], _mul(q, t, v[k])) for k in range(d))] for t in range(q)
            )
            placed.update(line)
            groups.append(line)
        rounds.append(groups)
    return rounds


# --- PG(3, 2): lines, spreads, packings --------------------------------------------------

# The 15 points of PG(3, 2) are the nonzero vectors of GF(2)^4 (as integers 1..15); its
# 35 lines are the 2-dimensional subspaces {a, b, a ^ b} without zero.


@cache
def _pg32_spreads() -> tuple[frozenset[frozenset[int]], ...]:
    lines = sorted({frozenset({a, b, a ^ b}) for a, b in combinations(range(1, 16), 2)}, key=sorted)
    spreads: list[frozenset[frozenset[int]]] = []

    def extend(chosen: list[frozenset[int]], covered: frozenset[int]) -> None:
        if len(covered) == 15:
            spreads.append(frozenset(chosen))
            return
        point = min(set(range(1, 16)) - covered)
        for line in lines:
            if point in line and not line & covered:
                extend([*chosen, line], covered | line)

    extend([], frozenset())
    return tuple(sorted(set(spreads), key=lambda s: sorted(map(sorted, s))))


def _disjoint_spreads(count: int) -> list[frozenset[frozenset[int]]]:
    """`count` spreads of PG(3, 2) with no line in common (7 of them form a packing)."""
    spreads = _pg32_spreads()

    def search(start: int, chosen: list[frozenset[frozenset[int]]]) -> Iterator[list]:
        if len(chosen) == count:
            yield chosen
            return
        for i in range(start, len(spreads)):
            if all(not spreads[i] & s for s in chosen):
                yield from search(i + 1, [*chosen, spreads[i]])

    return next(search(0, []))


def kirkman_15() -> Schedule:
    """Kirkman's schoolgirls: 15 people in 5 groups of 3 for 7 rounds, no pair twice.

    A packing of PG(3, 2) (seven spreads sharing no line) is a Kirkman triple system: each
    spread is a round, each line a group.
    """
    return [
        [tuple(sorted(p - 1 for p in line)) for line in spread] for spread in _disjoint_spreads(7)
    ]


# A Kirkman triple system on Z7 x {0, 1, 2}, point (x, level) numbered 7 * level + x: one
# base round whose seven triples are shifted x -> x + g (mod 7) for seven rounds, and three
# triples with one point on each level whose seven shifts are each a round by themselves.
# Found by a short exhaustive search over these shapes (pairs fall into 30 orbits of 7
# under the shift; every triple covers three of them, each exactly once).
_KTS21_BASE = (
    ((0, 0), (1, 0), (3, 0)),
    ((2, 0), (0, 1), (6, 2)),
    ((4, 0), (1, 1), (3, 2)),
    ((5, 0), (4, 1), (1, 2)),
    ((6, 0), (2, 1), (0, 2)),
    ((3, 1), (5, 1), (6, 1)),
    ((2, 2), (4, 2), (5, 2)),
)
_KTS21_TRANSVERSALS = (
    ((0, 0), (0, 1), (0, 2)),
    ((0, 0), (1, 1), (2, 2)),
    ((0, 0), (2, 1), (5, 2)),
)


def kirkman_21() -> Schedule:
    """21 people in 7 groups of 3 for 10 rounds with no pair twice (a Kirkman system)."""

    def shifted(triple: tuple[tuple[int, int], ...], g: int) -> tuple[int, ...]:
        return tuple(sorted(7 * level + (x + g) % 7 for x, level in triple))

    rounds: Schedule = [[shifted(t, g) for t in _KTS21_BASE] for g in range(7)]
    rounds += [[shifted(t, g) for g in range(7)] for t in _KTS21_TRANSVERSALS]
    return rounds


def doubled_spreads_32() -> Schedule:
    """32 people in 8 groups of 4 for 10 rounds with no pair twice (golfers 8-4-10).

    Two disjoint spreads of PG(3, 2) give 10 planes through the origin of AG(4, 2); their
    cosets are 10 parallel classes of 4-point blocks on 16 points in which every pair of
    points lies in exactly two blocks, never the same one twice. `doubled` turns that into
    the schedule.
    """
    planes = [sorted(line | {0}) for spread in _disjoint_spreads(2) for line in spread]
    classes = [sorted({tuple(sorted(x ^ w for w in plane)) for x in range(16)}) for plane in planes]
    schedule = doubled(classes, 16)
    if schedule is None:  # pragma: no cover - the first two disjoint spreads work
        raise RuntimeError("No sign pattern for the doubled spreads.")
    return schedule


def nearly_kirkman_18() -> Schedule:
    """18 people in 6 groups of 3 for 8 rounds with no pair twice (golfers 6-3-8).

    A resolvable design on 9 points with every pair in exactly two distinct triples (8
    parallel classes, found by a short search), doubled by `doubled`.
    """
    for classes in _twofold_resolvable(9, 3):
        schedule = doubled(classes, 9)
        if schedule is not None:
            return schedule
    raise RuntimeError("No doubled design for 18 people.")  # pragma: no cover


def doubled(classes: Sequence[Sequence[Sequence[int]]], v: int) -> Schedule | None:
    """2v people from parallel classes of blocks on v points covering each pair twice.

    Person 2x + c is point x in copy c (0 or 1). Each block B of a class becomes two
    groups: x joins the first in copy f_B(x) and the second in copy 1 - f_B(x). A pair of
    points {x, y} then meets "same copy" (2x with 2y, 2x+1 with 2y+1) in a block where
    f_B(x) = f_B(y) and "across" where they differ; asking for exactly one of each over
    the pair's two blocks is one linear equation over GF(2) per pair, solved by
    elimination (None if it has no solution). No pair of people then meets twice, and
    2x never meets 2x + 1.
    """
    blocks = [tuple(block) for groups in classes for block in groups]
    where: dict[tuple[int, int], list[int]] = {}
    for index, block in enumerate(blocks):
        for x, y in combinations(sorted(block), 2):
            where.setdefault((x, y), []).append(index)
    equations = []
    for (x, y), found in where.items():
        if len(found) != 2:
            return None
        row = 0
        for b in found:
            row ^= (1 << (b * v + x)) ^ (1 << (b * v + y))
        equations.append((row, 1))
    solution = _solve_gf2(equations)
    if solution is None:
        return None
    rounds: Schedule = []
    index = 0
    for groups in classes:
        round_groups = []
        for points in groups:
            f = [(solution >> (index * v + x)) & 1 for x in points]
            round_groups.append(tuple(2 * x + s for x, s in zip(points, f, strict=True)))
            round_groups.append(tuple(2 * x + 1 - s for x, s in zip(points, f, strict=True)))
            index += 1
        rounds.append(round_groups)
    return rounds


def _twofold_resolvable(v: int, k: int) -> Iterator[list[list[tuple[int, ...]]]]:
    """Resolvable designs on v points, blocks of k, every pair in two distinct blocks."""
    classes_needed = 2 * (v - 1) // (k - 1)

    def partitions(rest: list[int]) -> Iterator[list[tuple[int, ...]]]:
        if not rest:
            yield []
            return
        first = rest[0]
        for others in combinations(rest[1:], k - 1):
            block = (first, *others)
            remaining = [x for x in rest if x not in block]
            for tail in partitions(remaining):
                yield [block, *tail]

    options = list(partitions(list(range(v))))
    option_pairs = [[p for b in option for p in combinations(b, 2)] for option in options]

    def search(
        start: int, chosen: list[int], count: dict[tuple[int, int], int], used: set
    ) -> Iterator[list[list[tuple[int, ...]]]]:
        if len(chosen) == classes_needed:
            yield [options[i] for i in chosen]
            return
        for i in range(start, len(options)):
            if any(b in used for b in options[i]):
                continue
            if any(count.get(p, 0) >= 2 for p in option_pairs[i]):
                continue
            for p in option_pairs[i]:
                count[p] = count.get(p, 0) + 1
            yield from search(i + 1, [*chosen, i], count, used | set(options[i]))
            for p in option_pairs[i]:
                count[p] -= 1

    yield from search(0, [], {}, set())


def _solve_gf2(equations: list[tuple[int, int]]) -> int | None:
    """One solution of a linear system over GF(2) (rows as bitmasks), or None."""
    pivots: dict[int, tuple[int, int]] = {}
    for row, rhs in equations:
        while row:
            top = row.bit_length() - 1
            if top not in pivots:
                pivots[top] = (row, rhs)
                break
            prow, prhs = pivots[top]
            row ^= prow
            rhs ^= prhs
        else:
            if rhs:
                return None
    solution = 0
    for top in sorted(pivots):
        row, rhs = pivots[top]
        value = rhs ^ ((row & ~(1 << top) & solution).bit_count() & 1)
        solution |= value << top
    return solution


def _affine_shape(n: int, s: int) -> int | None:
    """d with s^d == n when AG(d, s) applies, else None."""
    if s not in FIELD_ORDERS or n < s:
        return None
    d, m = 0, 1
    while m < n:
        m *= s
        d += 1
    return d if m == n and d >= 2 else None


def construction(n: int, s: int) -> tuple[str, Schedule] | None:
    """The best construction here for n people in groups of s, with its name, or None."""
    if s == 2 and n % 2 == 0 and n >= 2:
        return "round-robin", round_robin(n)
    if (n, s) == (15, 3):
        return "kirkman", kirkman_15()
    if (n, s) == (18, 3):
        return "doubled-design", nearly_kirkman_18()
    if (n, s) == (21, 3):
        return "kirkman", kirkman_21()
    if (n, s) == (32, 4):
        return "doubled-spreads", doubled_spreads_32()
    d = _affine_shape(n, s)
    if d is not None:
        return "affine", affine_space(s, d)
    return None


# Best known numbers of rounds before a pair must meet twice (Social Golfer Problem), for
# the instances the tests and the schedule benchmark name.
BEST_KNOWN: dict[tuple[int, int], int] = {
    (6, 2): 5,
    (10, 2): 9,
    (20, 2): 19,
    (9, 3): 4,
    (15, 3): 7,
    (18, 3): 8,
    (21, 3): 10,
    (16, 4): 5,
    (27, 3): 13,
    (32, 4): 10,
}
