"""What every benchmark ends with: one JSON line holding its figures, the machine's core
count and the git commit it measured (and whether the tree had uncommitted changes)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "commit": _git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain")),
    }


def emit(figures: dict[str, Any]) -> None:
    """Print the closing JSON line."""
    print(json.dumps({**figures, **machine()}), flush=True)
