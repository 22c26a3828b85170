"""Background work for notifications: thin adapters that take ids and call services.

The email tasks take their context so that a run can recognise its own earlier attempt
(same task result id) after a worker crash; see services.notification_email_send.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import TaskContext, task

from rapport.lib.scheduler import periodic

from . import services


@task(takes_context=True)
def send_notification_email(context: TaskContext, notification_id: int) -> str:
    return services.notification_email_send(
        notification_id=notification_id, claim=str(context.task_result.id)
    )


@task(takes_context=True)
def send_digest(context: TaskContext, person_id: int, period_key: str) -> str:
    return services.digest_send(
        person_id=person_id, period_key=period_key, claim=str(context.task_result.id)
    )


@periodic(name="notifications.checkin_prompts", every=timedelta(minutes=15))
@task()
def send_checkin_prompts(period_key: str) -> int:
    return services.checkin_prompts_send()


@periodic(name="notifications.digests", every=timedelta(minutes=15))
@task()
def enqueue_due_digests(period_key: str) -> int:
    return services.due_digests_enqueue()


@periodic(name="notifications.overdue_emails", every=timedelta(minutes=10))
@task()
def enqueue_overdue_emails(period_key: str) -> int:
    return services.overdue_emails_enqueue()
