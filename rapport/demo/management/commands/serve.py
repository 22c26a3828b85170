"""`rapport serve`: the production web server (gunicorn serving rapport.wsgi).

Web processes keep no state of their own, so run as many as the machine allows, on as many
machines as needed, behind one reverse proxy (README, "Running in production"). Workers
for background tasks are a separate command: `rapport worker`.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections
from gunicorn.app.base import BaseApplication

MAX_DEFAULT_WORKERS = 12


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 x cores + 1, capped: more only add memory."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


class RapportServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from rapport.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Rapport with gunicorn (the production web server)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            help="Address to listen on, host:port or unix:/path (repeatable; "
            "default: 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=f"Web processes (default: 2 x cores + 1, at most {MAX_DEFAULT_WORKERS}; "
            f"here {default_workers()}).",
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="Threads per web process (default: 1)."
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=30,
            help="Seconds before a stuck request's process is restarted (default: 30).",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            help="Proxies whose X-Forwarded-* headers are trusted "
            "(default: $FORWARDED_ALLOW_IPS or 127.0.0.1,::1).",
        )
        parser.add_argument("--no-access-log", action="store_true", help="Do not log each request.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            self.stderr.write("--workers and --threads must be at least 1.")
            raise SystemExit(2)
        config = {
            "bind": options["bind"] or ["127.0.0.1:8000"],
            "workers": options["workers"],
            "threads": options["threads"],
            "timeout": options["timeout"],
            "graceful_timeout": 20,
            "forwarded_allow_ips": options["forwarded_allow_ips"],
            "accesslog": None if options["no_access_log"] else "-",
            "errorlog": "-",
            "proc_name": "rapport",
            # gunicorn's control socket sits at one path per user: a second server on the
            # machine (another web process, `rapport demo`) would take it over.
            "control_socket_disable": True,
        }
        # The web processes are forks of this one: none may inherit its connections.
        connections.close_all()
        RapportServer(config).run()
