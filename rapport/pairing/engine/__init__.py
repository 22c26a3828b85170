"""The pairing engine: groups for coffee and lunch rounds, as pure computation.

No Django here: the app turns people, history and ties into these types and stores the
result. `make_round` makes one round for a pool of any size; `plan_rounds` plans many,
as whole schedules for small pools (combinatorial designs, whole-schedule local search)
and round by round for large ones.
"""

from .designs import BEST_KNOWN, construction, group_sizes
from .objective import (
    count_repeats,
    count_violations,
    rounds_before_repeat,
    weak_tie_score,
    weakness,
)
from .planner import SMALL_POOL, plan_rounds
from .round import make_round
from .types import Constraints, History, Participant, PastRound, Plan, Round, pair

__all__ = [
    "BEST_KNOWN",
    "SMALL_POOL",
    "Constraints",
    "History",
    "Participant",
    "PastRound",
    "Plan",
    "Round",
    "construction",
    "count_repeats",
    "count_violations",
    "group_sizes",
    "make_round",
    "pair",
    "plan_rounds",
    "rounds_before_repeat",
    "weak_tie_score",
    "weakness",
]
