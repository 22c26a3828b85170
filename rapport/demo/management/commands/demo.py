"""`rapport demo`: one command from a fresh checkout to a running Rapport with believable data.

It migrates the database (a SQLite file under var/ unless DATABASE_URL says otherwise),
creates the demo organisation if it is not there yet, prints how to sign in, then runs the
web server and a task worker side by side until Ctrl-C stops both.

The server and the worker run as child processes in RAPPORT_MODE=demo (unless the mode is
set already): DEBUG off, static files collected and served by whitenoise, emails (such as
sign-in codes) printed to this terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rapport.demo import generator
from rapport.people.models import Person


class Command(BaseCommand):
    help = "Run Rapport with the demo organisation: migrate, seed, serve, work."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port (default: 8000).")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run a task worker alongside."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Migrate and seed, print how to sign in, exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        plan = generator.demo_plan()
        result = generator.demo_seed(plan=plan, interactions=generator.DEMO_INTERACTIONS)
        if result.created:
            self.stdout.write(
                f"Created the demo organisation: {result.people} people in {result.teams} "
                f"teams with {generator.HISTORY_DAYS} days of history."
            )
        serve = not options["no_serve"]
        if serve:
            self._run(["collectstatic", "--noinput", "--verbosity", "0"], wait=True)
        self._print_sign_in(
            result.organization.name, [*plan.accounts, *generator.CARE_ACCOUNTS], options["port"]
        )
        if serve:
            self._serve(options["port"], worker=not options["no_worker"])

    def _print_sign_in(
        self, organization: str, accounts: list[generator.DemoAccount], port: int
    ) -> None:
        url = f"http://127.0.0.1:{port}"
        # Names as they are in the database (it may have been seeded with another seed).
        names = dict(
            Person.objects.filter(user__email__in=[a.email for a in accounts]).values_list(
                "user__email", "display_name"
            )
        )
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"Rapport demo: {organization} (every person in it is made up)"))
        write("")
        write(f"  Open {url} and sign in with one of these accounts:")
        write("")
        for account in accounts:
            name = names.get(account.email, account.display_name)
            write(f"    {account.role:<10} {account.email:<30} password: {generator.DEMO_PASSWORD}")
            write(f"    {'':<10} {name}, {account.what_to_try}")
        write("")
        write("  Or ask for a one-time sign-in code instead of a password: in demo mode the")
        write("  code's email is printed in this terminal.")
        write("")

    def _serve(self, port: int, *, worker: bool) -> None:
        children: list[tuple[str, subprocess.Popen[bytes]]] = []

        def stop(signum: int, frame: FrameType | None) -> None:
            # Asked to stop by a service manager (not Ctrl-C): tell the children too.
            for _name, child in children:
                if child.poll() is None:
                    child.send_signal(signum)
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            if worker:
                children.append(("worker", self._run(["rapport_worker", "--no-reload"])))
            children.append(
                (
                    "web server",
                    self._run(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]),
                )
            )
            self.stdout.write("  Press Ctrl-C to stop.\n")
            while True:
                for name, child in children:
                    if child.poll() is not None:
                        raise CommandError(f"The {name} stopped (exit code {child.returncode}).")
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping Rapport...")
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop_all(children)

    def _run(self, command: list[str], *, wait: bool = False) -> subprocess.Popen[bytes]:
        """Run a Rapport command as a child process in demo mode."""
        env = os.environ.copy()
        env.setdefault("RAPPORT_MODE", "demo")
        child = subprocess.Popen(
            [sys.executable, "-m", "rapport", *command], cwd=settings.BASE_DIR, env=env
        )
        if wait and child.wait() != 0:
            raise CommandError(f"`rapport {command[0]}` failed (exit code {child.returncode}).")
        return child


def _stop_all(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    """Let the children finish what they are doing, then insist.

    Ctrl-C in a terminal reaches the children as well, and both shut down gracefully on
    it (the worker finishes its current task); a second signal would cut a task short, so
    they get a few seconds first.
    """
    for patience, action in ((5, None), (10, "terminate"), (5, "kill")):
        running = [child for _name, child in children if child.poll() is None]
        if not running:
            return
        for child in running:
            if action == "terminate":
                child.terminate()
            elif action == "kill":
                child.kill()
        deadline = time.monotonic() + patience
        for child in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
