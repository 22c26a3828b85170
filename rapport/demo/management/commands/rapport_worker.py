"""`rapport worker`: run background tasks from the database-backed queue, and the scheduler.

This is django-tasks-db's `db_worker` under Rapport's name, with all of its options
(`rapport worker --help`): run one per machine or many; each task is claimed by exactly
one worker. Beside it, a thread runs the scheduler (rapport.lib.scheduler): periodic jobs,
each claimed once per period whatever the number of workers, and the heartbeat that lets
another worker pick up a task this one was running if this process dies.
With another TASKS backend, the backend's own worker runs the tasks instead.
"""

from __future__ import annotations

import os
from argparse import Action, ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import InvalidTaskBackend, task_backends
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from rapport.lib.scheduler import scheduler_running


class Command(DatabaseWorkerCommand):
    help = "Run background tasks from the database queue (django-tasks-db's db_worker)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # db_worker checks the backend while parsing, with a bare argparse error; accept any
        # name here so that handle() can say what to run instead.
        backend: Action = next(a for a in parser._actions if a.dest == "backend_name")
        backend.type = str

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["backend_name"]
        try:
            backend = task_backends[alias]
        except InvalidTaskBackend as exc:
            raise CommandError(f"There is no TASKS backend called {alias!r}.") from exc
        if not isinstance(backend, DatabaseBackend):
            path = f"{type(backend).__module__}.{type(backend).__qualname__}"
            if path.startswith("django_tasks.backends."):
                instead = (
                    "it runs tasks as they are enqueued (or, the dummy one, never), so no "
                    "worker is needed"
                )
            else:
                instead = "start that backend's own worker instead (its documentation names it)"
            raise CommandError(
                f"The TASKS backend {alias!r} is {path}, not the database queue, so "
                f"`rapport worker` has nothing to run: {instead}."
            )
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            super().handle(*args, **options)  # the reloader's parent only watches files
            return
        with scheduler_running(worker_id=options["worker_id"]):
            super().handle(*args, **options)
