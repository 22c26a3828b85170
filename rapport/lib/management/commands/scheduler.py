"""`rapport scheduler`: only the scheduler, for task backends whose workers are not ours.

`rapport worker` already runs the scheduler beside the database queue's worker; with
another TASKS backend (RQ on Redis, say), run one or more of these next to that backend's
workers. Periodic jobs are still claimed once per period, however many run.
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from rapport.lib.scheduler import run_scheduler_loop


class Command(BaseCommand):
    help = "Run the scheduler of periodic jobs (rapport worker already includes it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=None, help="Seconds between ticks.")
        parser.add_argument("--worker-id", default=None, help="A name unique among schedulers.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        worker_id = options["worker_id"] or f"scheduler-{get_random_string(12)}"
        self.stdout.write(f"Scheduler {worker_id} running; Ctrl-C stops it.")
        run_scheduler_loop(stop, options["interval"], worker_id=worker_id)
