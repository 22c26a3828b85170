"""Background work for Care: thin adapters that take ids and call services.

Every email Care sends goes through `send_care_email` (the outbox in `CareEmail`), never
from inside a request. The email task takes its context so that a run can recognise its
own earlier attempt (same task result id) after a worker crash.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import TaskContext, task

from rapport.lib.scheduler import periodic

from . import services


@task(takes_context=True)
def send_care_email(context: TaskContext, email_id: int) -> str:
    return services.care_email_send(email_id=email_id, claim=str(context.task_result.id))


@periodic(name="care.emails", every=timedelta(minutes=5))
@task()
def retry_care_emails(period_key: str) -> int:
    return services.care_emails_retry()


@periodic(name="care.reminders", every=timedelta(minutes=5))
@task()
def send_reminders(period_key: str) -> int:
    return services.reminders_send()
