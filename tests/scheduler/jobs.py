"""A periodic job for the scheduler tests, with an effect that can be counted.

Not registered here: tests and the worker processes register it with `periodic(...)` so
that it never runs in the rest of the suite.
"""

from __future__ import annotations

from django_tasks import task

from rapport.notifications.models import Notification
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

NAME = "tests.count_runs"


@task()
def count_runs(period_key: str) -> int:
    """Leaves one inbox entry per run (deliberately without a dedupe key, so a second run
    of the same period would show as a second entry)."""
    person = Person.objects.order_by("pk").first()
    assert person is not None
    notify(recipient=person, type=NotificationType.SYSTEM, title=f"Ran for {period_key}")
    return Notification.objects.filter(title=f"Ran for {period_key}").count()
