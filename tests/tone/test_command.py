"""`rapport tone-check` and `rapport tone-evaluate` through call_command."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from rapport.tone.coach import MAX_DRAFT_CHARS


def tone_check(stdin: str, *args: str, stderr: io.StringIO | None = None) -> list[dict]:
    out = io.StringIO()
    call_command(
        "tone_check", *args, stdin=io.StringIO(stdin), stdout=out, stderr=stderr or io.StringIO()
    )
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    for result in results:
        # The shape, exactly: these four keys, in this order, and nothing else.
        assert list(result) == ["text", "flagged", "flags", "suggestion"]
        for flag in result["flags"]:
            assert list(flag) == ["start", "end", "kind", "reason"]
    return results


def test_it_prints_one_json_object_per_draft() -> None:
    results = tone_check("You never reply to me.\nThanks for the help!\n")
    assert [r["text"] for r in results] == ["You never reply to me.", "Thanks for the help!"]
    assert results[0]["flagged"] is True
    assert results[0]["flags"] == [
        {"start": 4, "end": 9, "kind": "absolute", "reason": results[0]["flags"][0]["reason"]}
    ]
    assert results[0]["suggestion"] == "I've noticed that you rarely reply to me."
    assert results[1] == {"text": "Thanks for the help!", "flagged": False, "flags": [],
                          "suggestion": None}  # fmt: skip


def test_it_skips_empty_lines_unless_asked_to_keep_them() -> None:
    assert tone_check("\n\nYou're so lazy.\r\n\n") == tone_check("You're so lazy.\n")
    kept = tone_check("\nok\n", "--keep-empty")
    assert kept[0] == {"text": "", "flagged": False, "flags": [], "suggestion": None}


def test_a_too_long_line_is_printed_unflagged_and_the_run_goes_on() -> None:
    errors = io.StringIO()
    long = "x" * (MAX_DRAFT_CHARS + 1)
    results = tone_check(long + "\nWhy didn't you call?\n", stderr=errors)
    assert results[0] == {"text": long, "flagged": False, "flags": [], "suggestion": None}
    assert errors.getvalue().startswith("line 1: draft too long")
    assert results[1]["flagged"] is True


def test_non_ascii_text_and_offsets_survive_the_round_trip() -> None:
    [result] = tone_check("Zoë, you\u2019re always late 😅\n")
    flag = result["flags"][0]
    assert result["text"][flag["start"] : flag["end"]] == "always"


def test_tone_evaluate_ends_with_one_json_line() -> None:
    out = io.StringIO()
    call_command("tone_evaluate", stdout=out)
    last = json.loads(out.getvalue().splitlines()[-1])
    assert last["evaluation"] == "tone"
    assert last["heldout"]["precision"] >= 0.85 and last["heldout"]["recall"] >= 0.80
