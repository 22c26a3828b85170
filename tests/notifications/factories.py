"""Factories for notifications (read-side tests; code under test writes through notify)."""

from __future__ import annotations

import factory

from rapport.notifications.models import EmailState, Notification
from rapport.notifications.types import NotificationType
from tests.factories import PersonFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(PersonFactory)
    type = NotificationType.SYSTEM
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/people/"
    email_state = EmailState.SKIPPED
