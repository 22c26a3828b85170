"""The console commands: seed-demo, demo, serve and worker."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_tasks import TaskResultStatus, task

from rapport.accounts.models import User
from rapport.demo import generator
from rapport.ledger.models import Interaction
from rapport.people.models import Membership, Organization, Person, Team

pytestmark = pytest.mark.django_db


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def nap(seconds: float) -> None:
    time.sleep(seconds)


def test_seed_demo_builds_a_large_organisation_in_teams_of_about_twelve():
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--people",
        "500",
        "--interactions",
        "5000",
        "--organization",
        "bench",
        verbosity=0,
        stdout=out,
    )
    assert "500 people" in out.getvalue()
    org = Organization.objects.get(slug="bench")
    assert Person.objects.in_organization(org).count() == 500
    teams = Team.objects.in_organization(org)
    assert 35 <= teams.count() <= 50
    assert teams.filter(parent__isnull=False).exists()
    assert Membership.objects.in_organization(org).filter(role="lead").count() == teams.count()
    assert Interaction.objects.in_organization(org).count() == 5000
    assert User.objects.values("password").distinct().count() == 1

    call_command("seed_demo", "--people", "500", "--organization", "bench", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Person.objects.in_organization(org).count() == 500


def test_seed_demo_rejects_a_tiny_organisation():
    with pytest.raises(CommandError, match="at least 30 people"):
        call_command("seed_demo", "--people", "3", verbosity=0)


def test_demo_without_serving_seeds_and_says_how_to_sign_in():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text
    for role in ("member", "lead", "admin"):
        assert f"{role}@northwind.example" in text
    assert f"password: {generator.DEMO_PASSWORD}" in text
    assert "one-time sign-in code" in text
    assert Person.objects.filter(organization__slug="northwind").count() == 80

    again = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=again)
    assert "Created" not in again.getvalue()
    assert "http://127.0.0.1:8123" in again.getvalue()
    assert Person.objects.count() == 80


def test_each_demo_account_signs_in_with_the_printed_password():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    for role in ("member", "lead", "admin"):
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"login": f"{role}@northwind.example", "password": generator.DEMO_PASSWORD},
        )
        assert response.status_code == 302, role
        assert client.get("/").status_code == 200, role


def test_someone_who_left_cannot_sign_in(client):
    plan = generator.demo_plan()
    generator.demo_seed(plan=plan, interactions=100)
    gone = next(p for p in plan.people if p.status == Person.Status.LEFT)
    client.post("/accounts/login/", {"login": gone.email, "password": generator.DEMO_PASSWORD})
    assert client.get("/").status_code == 302  # still signed out


# The worker closes stale connections between tasks, as it must in production; that only
# works outside the test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_an_enqueued_task():
    result = add.enqueue(2, 3)
    call_command("rapport_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduler_beside_it_and_says_when_it_stops():
    from rapport.lib.models import ScheduledRun, WorkerHeartbeat
    from rapport.lib.scheduler import STOPPED

    nap.enqueue(1.0)  # keeps the worker busy while its scheduler thread ticks
    call_command(
        "rapport_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        "worker-under-test",
        verbosity=0,
    )
    heartbeat = WorkerHeartbeat.objects.get(worker_id="worker-under-test")
    assert heartbeat.last_seen == STOPPED
    assert ScheduledRun.objects.exists()


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_the_worker_says_what_to_run_with_another_backend():
    with pytest.raises(CommandError, match="ImmediateBackend, not the database queue"):
        call_command("rapport_worker", "--batch", verbosity=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_requests_with_gunicorn(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "RAPPORT_VAR_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rapport",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-access-log",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60  # gunicorn boots slowly on a busy machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "gunicorn" in output
