"""The coach meets its targets on the held-out half of the labelled sentences.

The rules were developed against the "dev" half only; this test is the measurement.
"""

from __future__ import annotations

from collections import Counter

from rapport.tone.coach import KINDS
from rapport.tone.evaluate import evaluate, examples_load


def test_the_dataset_is_big_balanced_and_split() -> None:
    examples = examples_load()
    assert len(examples) >= 300
    assert len({e.text for e in examples}) == len(examples)
    flagged = Counter(e.flagged for e in examples)
    assert 0.4 <= flagged[True] / len(examples) <= 0.6
    assert Counter(e.split for e in examples).keys() == {"dev", "heldout"}
    for example in examples:
        assert example.kinds <= set(KINDS)
        assert bool(example.kinds) == example.flagged


def test_held_out_precision_and_recall_meet_the_target() -> None:
    heldout = evaluate(e for e in examples_load() if e.split == "heldout")["heldout"].flagged
    assert heldout.precision >= 0.85
    assert heldout.recall >= 0.80
