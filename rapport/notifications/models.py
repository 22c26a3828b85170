"""Notifications: the in-app inbox, the state of each one's email, digests and what each
person wants to receive.

One `Notification` row per thing a person is told, whatever the channel: the row is the
inbox entry (when `in_app`), the record of its email (`email_state`) and, through
`dedupe_key`, what makes `notify()` idempotent.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.lib.encryption import EncryptedTextField
from rapport.lib.tenancy import TenantQuerySet

from .types import Channel

if TYPE_CHECKING:
    from rapport.people.models import Person


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "No email"
    DIGEST = "digest", "Waiting for the digest"
    DIGESTED = "digested", "Sent in a digest"
    FAILED = "failed", "Could not be sent"


class DigestFrequency(models.TextChoices):
    OFF = "off", "No digest: one email per notification"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"


class NotificationQuerySet(TenantQuerySet["Notification"]):
    organization_path = "recipient__organization"

    def visible_to(self, viewer: Person) -> Self:
        """A notification is its recipient's alone, whoever else is in the organisation."""
        return self.filter(recipient=viewer)

    def inbox(self) -> Self:
        return self.filter(in_app=True)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class Digest(models.Model):
    """One digest email for one person and period ("daily:2025-03-31", "weekly:2025-W14")."""

    class State(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to send"

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notification_digests"
    )
    period_key = models.CharField(max_length=40)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SENDING)
    claim = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "person", "period_key", name="notifications_digest_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.period_key} for {self.person_id}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=40, help_text="A value of types.NotificationType.")
    title = models.CharField(max_length=200)
    # Encrypted at rest: what someone is told may be personal (a reply, a private thanks).
    body = EncryptedTextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside Rapport.")
    dedupe_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="notify() with a key the recipient already has does nothing.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    in_app = models.BooleanField(default=True, help_text="Shown in the inbox.")

    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.SKIPPED
    )
    email_due_at = models.DateTimeField(
        null=True, blank=True, help_text="Not before this time (quiet hours, days off)."
    )
    email_claim = models.CharField(max_length=64, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "recipient",
                "dedupe_key",
                condition=~Q(dedupe_key=""),
                name="notifications_notification_dedupe",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notifications_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_app=True),
                name="notifications_unread",
            ),
            models.Index(fields=["email_state", "email_due_at"], name="notifications_email"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's channel for one type; no row means the type's default."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "type", name="notifications_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.type}: {self.channel}"


class NotificationSettings(models.Model):
    """When a person may be emailed, in their own time zone; no row means the defaults."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_hours_start = models.TimeField(
        null=True, blank=True, default=time(20, 0), help_text="No email from this time…"
    )
    quiet_hours_end = models.TimeField(
        null=True, blank=True, default=time(8, 0), help_text="…until this time (may be next day)."
    )
    respect_working_days = models.BooleanField(
        default=True, help_text="Hold email on days you don't work until your next working day."
    )
    digest = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.OFF
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=9,
        validators=[MaxValueValidator(23)],
        help_text="Local hour the digest goes out (weekly: on your first working day).",
    )

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="notifications_settings_quiet_hours_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="notifications_settings_digest_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"Notification settings of {self.person_id}"

    def clean(self) -> None:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValidationError(
                {"quiet_hours_end": "Give both ends of your quiet hours, or neither."}
            )
        if self.quiet_hours_start is not None and self.quiet_hours_start == self.quiet_hours_end:
            raise ValidationError(
                {"quiet_hours_end": "Quiet hours must end at a different time than they start."}
            )
