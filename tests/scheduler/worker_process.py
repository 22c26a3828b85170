"""A worker process for the multi-process tests (and nothing else).

    python -m tests.scheduler.worker_process tick --worker-id W --at ISO --periods N \
        --ticks T --start-at EPOCH
    python -m tests.scheduler.worker_process work --worker-id W [--hang-on-send FILE] \
        [--lost-after S] [--max-tasks N]

The database comes from DATABASE_URL (the test database), email from EMAIL_URL. `tick`
hammers scheduler_tick for the test job over N hourly periods, all processes starting at
the same instant, then runs whatever tasks are queued; it prints one JSON line with what it
claimed. `work` is `rapport worker` in miniature: the scheduler thread (heartbeat and
recovery) beside django-tasks-db's Worker; with --hang-on-send it touches FILE and hangs
instead of sending an email, so that a test can kill it mid-task.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")

import django

django.setup()

from django.core.mail.backends.smtp import EmailBackend  # noqa: E402
from django.db import connections  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402

from rapport.lib.scheduler import periodic, run_scheduler_loop, scheduler_tick  # noqa: E402

from . import jobs  # noqa: E402


def _worker(worker_id: str, *, batch: bool, max_tasks: int | None) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0.05,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def tick(args: argparse.Namespace) -> dict[str, Any]:
    periodic(name=jobs.NAME, every=timedelta(hours=1))(jobs.count_runs)
    start = datetime.fromisoformat(args.at)
    time.sleep(max(0.0, args.start_at - time.time()))  # everyone starts at the same instant
    claimed: list[str] = []
    for period in range(args.periods):
        now = start + timedelta(hours=period)
        for _ in range(args.ticks):
            report = scheduler_tick(now, worker_id=args.worker_id, jobs=[jobs.NAME])
            claimed += [key for _, key in report.enqueued]
    _worker(args.worker_id, batch=True, max_tasks=None).run()
    return {"worker_id": args.worker_id, "claimed": claimed}


def work(args: argparse.Namespace) -> dict[str, Any]:
    if args.hang_on_send:
        marker = Path(args.hang_on_send)

        def hang(self: EmailBackend, messages: Any) -> int:
            marker.write_text(str(os.getpid()))
            time.sleep(600)
            return 0

        EmailBackend.send_messages = hang  # type: ignore[method-assign,assignment]

    stop = threading.Event()
    scheduler = threading.Thread(
        target=run_scheduler_loop,
        args=(stop, 0.1),
        kwargs={"worker_id": args.worker_id, "lost_after": args.lost_after, "jobs": []},
        daemon=True,
    )
    scheduler.start()
    try:
        _worker(args.worker_id, batch=False, max_tasks=args.max_tasks).run()
    finally:
        stop.set()
        scheduler.join(timeout=10)
    return {"worker_id": args.worker_id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["tick", "work"])
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--at", default="2025-06-10T09:00:00+00:00")
    parser.add_argument("--periods", type=int, default=1)
    parser.add_argument("--ticks", type=int, default=1)
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--hang-on-send", default="")
    parser.add_argument("--lost-after", type=float, default=60.0)
    parser.add_argument("--max-tasks", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    # Never outlive a test that has given up on us.
    threading.Timer(args.timeout, lambda: os._exit(3)).start()
    result = tick(args) if args.mode == "tick" else work(args)
    print(json.dumps(result), flush=True)
    connections.close_all()
    os._exit(0)


if __name__ == "__main__":
    main()
