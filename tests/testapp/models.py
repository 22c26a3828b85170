"""Models that exist only to exercise shared helpers in tests."""

from __future__ import annotations

from django.db import models

from rapport.lib.encryption import EncryptedTextField


class SecretNote(models.Model):
    """A label in the clear and two encrypted texts, one of them optional."""

    label = models.CharField(max_length=100)
    text = EncryptedTextField()
    reply = EncryptedTextField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label
