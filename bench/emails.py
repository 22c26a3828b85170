"""Benchmark: notification emails per second through the task worker into a real SMTP
server, and periodic jobs claimed exactly once by several ticking worker processes.

    .venv/bin/python bench/emails.py [--emails 500] [--workers 1,2] [--tick-workers 3]

The database comes from DATABASE_URL (PostgreSQL: use a database of its own, e.g.
postgres://…/rapport_bench; the script empties the notification and task tables), or a
fresh SQLite file var/bench/emails.sqlite3. For each worker count it creates --emails
notifications with `notify()` (which queues one email task each), starts that many worker
processes (django-tasks-db's Worker, as `rapport worker --batch` runs it) sending over
SMTP to an aiosmtpd server in this process, and times the queue until the server has
every message. Then --tick-workers processes tick the scheduler over --periods periods at
once and the script counts the claims. It prints its figures and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from report import emit

ROOT = Path(__file__).resolve().parent.parent
TICK_JOB = "lib.prune_background_bookkeeping"  # daily; its claims are what is counted


def setup_django(fresh: bool) -> None:
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        path = ROOT / "var" / "bench" / "emails.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("notifications:inbox")
    except NoReverseMatch:  # until rapport/urls.py includes the app: emails link to it
        settings.ROOT_URLCONF = "tests.notifications.urls"


# --- the SMTP server -----------------------------------------------------------------------


class CountingSink:
    """Counts messages and their Message-IDs; no parsing beyond the headers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email

        headers = email.message_from_bytes(envelope.content.split(b"\r\n\r\n", 1)[0])
        now = time.monotonic()
        with self.lock:
            self.message_ids.append(str(headers["Message-ID"]))
            self.first = self.first or now
            self.last = now
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.message_ids.clear()
            self.first = self.last = None

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)


def start_smtp(sink: CountingSink) -> tuple[Any, int]:
    import logging
    import socket

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return controller, port


# --- the parent ----------------------------------------------------------------------------


def reset_tables() -> None:
    from django_tasks_db.models import DBTaskResult

    from rapport.accounts.models import User
    from rapport.lib.models import ScheduledRun, WorkerHeartbeat
    from rapport.notifications.models import Digest, Notification
    from rapport.people.models import Organization

    Notification.objects.all().delete()
    Digest.objects.all().delete()
    DBTaskResult.objects.all().delete()
    ScheduledRun.objects.all().delete()
    WorkerHeartbeat.objects.all().delete()
    Organization.objects.filter(slug="bench-emails").delete()
    User.objects.filter(email__startswith="bench-email-", email__endswith="@example.com").delete()


def make_people(count: int) -> list[Any]:
    from django.contrib.auth.hashers import make_password

    from rapport.accounts.models import User
    from rapport.notifications.models import NotificationSettings
    from rapport.people.models import Organization, Person

    organization = Organization.objects.create(name="Bench Emails", slug="bench-emails")
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"bench-email-{n}@example.com", password=password) for n in range(count)]
    )
    people = Person.objects.bulk_create(
        [
            Person(user=user, organization=organization, display_name=f"Bench {n}")
            for n, user in enumerate(users)
        ]
    )
    # Email may go at any hour on any day, whenever the benchmark runs.
    NotificationSettings.objects.bulk_create(
        [
            NotificationSettings(
                person=person,
                quiet_hours_start=None,
                quiet_hours_end=None,
                respect_working_days=False,
            )
            for person in people
        ]
    )
    return list(Person.objects.filter(organization=organization).select_related("user"))


def child_env(smtp_port: int) -> dict[str, str]:
    return os.environ | {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "PYTHONPATH": str(ROOT),
    }


def run_emails(
    people: list[Any], emails: int, workers: int, sink: CountingSink, port: int
) -> dict[str, Any]:
    from rapport.notifications.models import EmailState, Notification
    from rapport.notifications.services import notify
    from rapport.notifications.types import NotificationType

    Notification.objects.all().delete()
    sink.reset()
    started = time.monotonic()
    for n in range(emails):
        notify(
            recipient=people[n % len(people)],
            type=NotificationType.WELCOME,
            title=f"Benchmark notification {n}",
            body="Counting emails per second.",
            url="/",
        )
    notify_seconds = time.monotonic() - started

    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", "worker", "--worker-id", f"bench-{workers}-{w}"],
            cwd=ROOT,
            env=child_env(port),
        )
        for w in range(workers)
    ]
    deadline = started + max(120.0, emails * 0.5)
    while sink.count < emails and time.monotonic() < deadline:
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    for process in processes:
        process.wait(timeout=60)
    received = sink.count
    assert sink.first is not None and sink.last is not None
    steady = (received - 1) / (sink.last - sink.first) if received > 1 else float("nan")
    sent = Notification.objects.filter(email_state=EmailState.SENT).count()
    figures = {
        "workers": workers,
        "emails": emails,
        "received": received,
        "distinct_message_ids": len(set(sink.message_ids)),
        "marked_sent": sent,
        "notify_per_second": round(emails / notify_seconds, 1),
        "seconds": round(elapsed, 2),
        "emails_per_second": round(received / elapsed, 1),
        "emails_per_second_after_first": round(steady, 1),
    }
    print(
        f"{workers} worker(s): {received}/{emails} emails in {elapsed:.2f} s = "
        f"{figures['emails_per_second']}/s ({figures['emails_per_second_after_first']}/s "
        f"from the first to the last message; notify() {figures['notify_per_second']}/s)",
        flush=True,
    )
    return figures


def run_ticks(tick_workers: int, periods: int, ticks: int) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from rapport.lib.models import ScheduledRun

    ScheduledRun.objects.filter(job=TICK_JOB).delete()
    DBTaskResult.objects.all().delete()
    start_at = time.time() + 3
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                "tick",
                "--worker-id",
                f"ticker-{w}",
                f"--periods={periods}",
                f"--ticks={ticks}",
                f"--start-at={start_at}",
            ],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(tick_workers)
    ]
    claims = 0
    for process in processes:
        out, _ = process.communicate(timeout=300)
        claims += json.loads(out.strip().splitlines()[-1])["claimed"]
    runs = ScheduledRun.objects.filter(job=TICK_JOB).count()
    queued = DBTaskResult.objects.filter(task_path=f"rapport.lib.tasks.{TICK_JOB.split('.')[1]}")
    figures = {
        "tick_workers": tick_workers,
        "periods": periods,
        "ticks_per_worker_and_period": ticks,
        "claims": claims,
        "scheduled_runs": runs,
        "tasks_enqueued": queued.count(),
        "exactly_once": claims == runs == queued.count() == periods,
    }
    print(
        f"{tick_workers} processes x {ticks} ticks x {periods} periods: {claims} claims, "
        f"{runs} scheduled runs, {figures['tasks_enqueued']} tasks: "
        f"{'exactly once' if figures['exactly_once'] else 'NOT exactly once'}",
        flush=True,
    )
    return figures


# --- the children --------------------------------------------------------------------------


def child_worker(worker_id: str) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def child_tick(worker_id: str, periods: int, ticks: int, start_at: float) -> None:
    from rapport.lib.scheduler import scheduler_tick

    base = datetime(2030, 1, 1, 12, tzinfo=UTC)
    time.sleep(max(0.0, start_at - time.time()))
    claimed = 0
    for period in range(periods):
        for _ in range(ticks):
            report = scheduler_tick(
                base + timedelta(days=period), worker_id=worker_id, jobs=[TICK_JOB]
            )
            claimed += len(report.enqueued)
    print(json.dumps({"claimed": claimed}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2,4")
    parser.add_argument("--tick-workers", type=int, default=3)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=5)
    parser.add_argument("--child", choices=["worker", "tick"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-id", default="", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    setup_django(fresh=args.child is None)
    if args.child == "worker":
        return child_worker(args.worker_id)
    if args.child == "tick":
        return child_tick(args.worker_id, args.periods, args.ticks, args.start_at)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    reset_tables()
    people = make_people(args.people)
    sink = CountingSink()
    controller, port = start_smtp(sink)
    print(f"{connection.vendor}: {len(people)} people, SMTP on 127.0.0.1:{port}", flush=True)
    try:
        email_runs = [
            run_emails(people, args.emails, int(w), sink, port) for w in args.workers.split(",")
        ]
    finally:
        controller.stop()
    ticks = run_ticks(args.tick_workers, args.periods, args.ticks)
    reset_tables()

    figures: dict[str, Any] = {
        "benchmark": "emails",
        "database": connection.vendor,
        "emails": args.emails,
        "runs": email_runs,
        "emails_per_second": max(run["emails_per_second"] for run in email_runs),
        "all_delivered_once": all(
            run["received"] == run["distinct_message_ids"] == run["marked_sent"] == args.emails
            for run in email_runs
        ),
        "periodic": ticks,
    }
    emit(figures)


if __name__ == "__main__":
    main()
