"""Benchmark: the tone coach as the browser and the API call it, whole request included.

    .venv/bin/python bench/tone_web.py [--rounds 5]

POSTs every sentence of the labelled set to the htmx endpoint (`tone:check`, which answers
an HTML fragment) and to `POST /api/v1/tone/check` as a signed-in person, through Django's
test client (middleware, session, view, template; no network). Prints the median, 95th
percentile and maximum server time per request in milliseconds against the 100 ms budget,
and ends with one JSON line. The database is DATABASE_URL or an SQLite file
var/bench/tone-web.sqlite3, migrated on first use.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (bench/ is on sys.path when a script runs)

BUDGET_MS = 100.0


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        path = ROOT / "var" / "bench" / "tone-web.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def figures(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_ms": round(ordered[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from rapport.accounts.models import User
    from rapport.people.models import Organization, Person
    from rapport.tone.coach import _score
    from rapport.tone.evaluate import examples_load

    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(
        slug="tone-bench", defaults={"name": "Tone bench"}
    )
    user = User.objects.filter(email="writer@tone-bench.example").first()
    if user is None:
        user = User.objects.create_user(email="writer@tone-bench.example", password=None)
    person = Person.objects.filter(user=user).first() or Person.objects.create(
        user=user, organization=organization, display_name="Bench Writer"
    )
    client = Client()
    client.force_login(person.user)
    htmx = {"HTTP_HX_REQUEST": "true"}
    sentences = [example.text for example in examples_load()]

    def web(text: str) -> int:
        return client.post("/tone/check/", {"text": text}, **htmx).status_code

    def api(text: str) -> int:
        return client.post(
            "/api/v1/tone/check", json.dumps({"text": text}), content_type="application/json"
        ).status_code

    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    result: dict[str, object] = {
        "benchmark": "tone_web",
        "database": connection.vendor,
        "sentences": len(sentences),
        "rounds": args.rounds,
        "budget_ms": BUDGET_MS,
    }
    worst = 0.0
    with override_settings(STORAGES=plain_static):
        for name, call in (("htmx_fragment", web), ("api_json", api)):
            for text in sentences[:5]:  # warm caches and the connection
                assert call(text) == 200, name
            timings = []
            for _ in range(args.rounds):
                for text in sentences:
                    _score.cache_clear()  # a typed draft is new text every time
                    started = time.perf_counter()
                    status = call(text)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert status == 200, (name, status)
            numbers = figures(timings)
            worst = max(worst, numbers["p95_ms"])
            result[name] = {"requests": len(timings), **numbers}
            print(
                f"{name:<14} {len(timings):>5} requests: median {numbers['median_ms']:.2f} ms, "
                f"p95 {numbers['p95_ms']:.2f} ms, max {numbers['max_ms']:.2f} ms "
                f"(budget {BUDGET_MS:.0f} ms)"
            )
    result["within_budget"] = worst < BUDGET_MS
    emit(result)


if __name__ == "__main__":
    main()
