"""Fixtures for check-in tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase


@pytest.fixture
def on_commit() -> Any:
    """`with on_commit(): ...` runs the block's on-commit callbacks at its end."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)
