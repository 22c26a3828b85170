"""Fixtures for sign-in and invitation tests: a real SMTP server and a clean rate-limit
cache (allauth counts attempts in the cache, which would otherwise leak between tests)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()
