"""The engine is pure computation: it imports and runs where Django cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent(
    """
    import importlib
    import importlib.abc
    import pkgutil
    import sys


    class NoDjango(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "django" or name.startswith("django."):
                raise ImportError(f"the engine imported {name}")
            return None


    sys.meta_path.insert(0, NoDjango())
    import rapport.pairing.engine as engine

    names = [m.name for m in pkgutil.iter_modules(engine.__path__)]
    for name in names:
        importlib.import_module(f"rapport.pairing.engine.{name}")
    people = [engine.Participant(i, team=f"t{i % 3}") for i in range(12)]
    made = engine.make_round(people, 3, constraints=engine.Constraints.build(team_mode="cross"))
    plan = engine.plan_rounds(people, 3, 2, search_iterations=50)
    assert len(made.groups) == 4 and len(plan.rounds) == 2
    assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
    print("modules:", ",".join(sorted(names)))
    """
)


def test_the_engine_imports_and_runs_without_django() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    # Every module of the engine was imported, not just its package.
    modules = done.stdout.strip().removeprefix("modules: ").split(",")
    assert {"designs", "objective", "planner", "round", "search", "types"} <= set(modules)


def test_the_blocker_really_blocks_django() -> None:
    """The check above can fail: the same program refuses a module that imports Django."""
    leaky = PROGRAM.replace("import rapport.pairing.engine as engine", "import django.conf")
    done = subprocess.run(
        [sys.executable, "-c", leaky],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode != 0 and "the engine imported django" in done.stderr
