from __future__ import annotations

from typing import Any

import pytest

from tests.smtp import _smtp_controller, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Factories hash every person's password; the real hasher costs a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
