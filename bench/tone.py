"""Benchmark: how long the tone coach takes per draft.

    .venv/bin/python bench/tone.py [--rounds 20]

Times `check()` over every sentence of the labelled set (typical drafts: one or two
sentences) and over 2000-character drafts made by joining those sentences, plus a few
adversarial 5000-character drafts (the longest the coach accepts). No Django, no
database: the coach is pure Python. Prints median and 95th percentile per draft in
milliseconds and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (bench/ is on sys.path when a script runs)

from rapport.tone.coach import MAX_DRAFT_CHARS, _score, check  # noqa: E402
from rapport.tone.evaluate import examples_load  # noqa: E402


def timings_ms(drafts: list[str], rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        for draft in drafts:
            # The coach caches clause scores; a typed draft is new text every time, so
            # every timed check starts cold.
            _score.cache_clear()
            started = time.perf_counter()
            check(draft)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def figures(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median_ms": round(statistics.median(ordered), 4),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 4),
        "max_ms": round(ordered[-1], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    sentences = [example.text for example in examples_load()]
    joined = " ".join(sentences)
    long_drafts = [joined[i : i + 2000] for i in range(0, len(joined) - 2000, 500)]
    adversarial = [
        (pattern * (MAX_DRAFT_CHARS // len(pattern)))[:MAX_DRAFT_CHARS]
        for pattern in ("you never ", "You always. ", "thanks for finally ", "you are so so ")
    ]
    runs: dict[str, tuple[list[str], int]] = {
        "sentences": (sentences, args.rounds),
        "drafts_2000": (long_drafts, max(1, args.rounds // 4)),
        "adversarial_5000": (adversarial, max(1, args.rounds // 4)),
    }
    result: dict[str, object] = {"benchmark": "tone"}
    for name, (drafts, rounds) in runs.items():
        numbers = figures(timings_ms(drafts, rounds))
        result[name] = {"drafts": len(drafts), "rounds": rounds, **numbers}
        print(
            f"{name:<17} {len(drafts):>4} drafts x {rounds:>2}: "
            f"median {numbers['median_ms']:.3f} ms, p95 {numbers['p95_ms']:.3f} ms, "
            f"max {numbers['max_ms']:.3f} ms"
        )
    result["python"] = sys.version.split()[0]
    emit(result)


if __name__ == "__main__":
    main()
