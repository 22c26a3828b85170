"""The settings module as an operator meets it: production refuses unsafe defaults."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "RAPPORT_MODE": "production",
    "SECRET_KEY": "s" * 20 + "3cr3t-" + "k" * 40,
    "RAPPORT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "rapport.example.com",
}


def test_production_settings_pass_the_deployment_checks():
    result = _check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _check({**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    result = _check({**PRODUCTION, "RAPPORT_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "RAPPORT_ENCRYPTION_KEYS" in result.stderr


def test_an_unknown_mode_is_refused_with_a_clear_message():
    result = _check({"RAPPORT_MODE": "staging"})
    assert result.returncode != 0
    assert "RAPPORT_MODE must be dev, demo or production" in result.stderr


def test_production_refuses_to_start_with_a_malformed_encryption_key():
    result = _check({**PRODUCTION, "RAPPORT_ENCRYPTION_KEYS": "not-a-fernet-key-but-secret"})
    assert result.returncode != 0
    assert "is not a Fernet" in result.stderr
    assert "not-a-fernet-key-but-secret" not in result.stderr
