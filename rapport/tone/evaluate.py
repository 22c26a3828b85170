"""How well the tone coach does on the labelled sentences in data/tone_sentences.csv.

The set was written for this project: workplace messages of every kind Rapport carries
(check-ins, kudos, posts, replies, roadblock openers), about half of them problematic and
many of the fine ones chosen because they contain a trigger word ("never mind", "you must
be tired, let me help"). It is split once, stratified, into a development half (the rules
were tuned on it) and a held-out half (only ever measured). Pure Python, like the coach.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapport.tone.coach import KINDS, check

DATASET = Path(__file__).resolve().parent / "data" / "tone_sentences.csv"
SPLITS = ("dev", "heldout")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    flagged: bool
    kinds: frozenset[str]
    split: str


@dataclass(slots=True)
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, *, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif expected:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positive + self.false_negative

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "support": self.support,
            "n": self.true_positive
            + self.false_positive
            + self.false_negative
            + self.true_negative,
        }


@dataclass(slots=True)
class SplitResult:
    split: str
    flagged: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    #: (example, predicted kinds) for every flagged-or-not mistake
    mistakes: list[tuple[Example, set[str]]] = field(default_factory=list)


def examples_load(path: Path = DATASET) -> list[Example]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Example(
                text=row["text"],
                flagged=row["flagged"].strip() == "1",
                kinds=frozenset(k for k in row["kinds"].split(";") if k),
                split=row["split"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def evaluate(examples: Iterable[Example]) -> dict[str, SplitResult]:
    """Flagged-or-not counts per split, and per kind (a sentence labelled with a kind and
    a flag of that kind agree; other kinds don't count against each other)."""
    results = {split: SplitResult(split) for split in SPLITS}
    for example in examples:
        result = results.setdefault(example.split, SplitResult(example.split))
        report = check(example.text)
        result.flagged.add(expected=example.flagged, predicted=report.flagged)
        if example.flagged != report.flagged:
            result.mistakes.append((example, report.kinds))
        for kind in KINDS:
            result.by_kind[kind].add(expected=kind in example.kinds, predicted=kind in report.kinds)
    return results


def summary(results: dict[str, SplitResult]) -> dict[str, Any]:
    """The figures as one JSON-ready dict (what `rapport tone-evaluate` prints last)."""
    return {
        "evaluation": "tone",
        "dataset": DATASET.name,
        **{
            split: {
                **result.flagged.as_dict(),
                "by_kind": {k: c.as_dict() for k, c in result.by_kind.items()},
            }
            for split, result in results.items()
        },
    }


def table(results: dict[str, SplitResult]) -> str:
    lines = [f"{'split':<8} {'kind':<13} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for split, result in results.items():
        rows = [("flagged", result.flagged), *result.by_kind.items()]
        for name, counts in rows:
            lines.append(
                f"{split:<8} {name:<13} {counts.precision:>9.3f} {counts.recall:>7.3f} "
                f"{counts.f1:>6.3f} {counts.support:>8}"
            )
    return "\n".join(lines)
