"""Writes for notifications. `notify()` is the one way any capability tells a person
something; the rest is the inbox, preferences, and the delivery of emails and digests.

Delivery is at-least-once made idempotent: a notification's email moves PENDING → SENDING
(claimed by one task run, in a short transaction) → SENT, so running the task twice, or two
workers running it at once, sends one email. The SMTP conversation happens outside any
transaction, so no database lock is held while a mail server thinks. If a worker dies
mid-send the claim stays SENDING; the same task, re-queued by the scheduler's recovery,
recognises its own claim and sends again; any other run waits for the claim's lease.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from rapport.people.models import Person

from . import emails
from .models import (
    Digest,
    DigestFrequency,
    EmailState,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from .selectors import channel_for, channels_for, settings_for
from .timing import next_delivery_time
from .types import TYPES, Channel, NotificationType, default_channel

logger = logging.getLogger(__name__)

#: People in these states are told nothing (and their waiting emails are dropped).
SILENT_STATUSES = frozenset({Person.Status.ON_LEAVE, Person.Status.LEFT})
#: How long one task run may hold an email before another run may take it over.
EMAIL_SEND_LEASE = timedelta(minutes=5)
MAX_EMAIL_ATTEMPTS = 5
#: The safety net re-enqueues emails still waiting this long after they were due.
OVERDUE_AFTER = timedelta(minutes=15)


# --- notify --------------------------------------------------------------------------------


def _validate_url(url: str) -> str:
    url = url.strip()
    if url and not (url.startswith("/") and url_has_allowed_host_and_scheme(url, None)):
        raise ValidationError(
            {"url": "A notification links to a page inside Rapport: a path like /people/3/."}
        )
    return url


def delivery_time(person: Person, prefs: NotificationSettings, now: datetime) -> datetime:
    """When an email to this person may go: now, or after their quiet hours / days off."""
    return next_delivery_time(
        now,
        tz=person.tz,
        quiet_start=prefs.quiet_hours_start,
        quiet_end=prefs.quiet_hours_end,
        working_days=person.working_days if prefs.respect_working_days else None,
    )


def notify(
    *,
    recipient: Person,
    type: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    now: datetime | None = None,
    email: bool = True,
) -> Notification | None:
    """Tell `recipient` something, in the inbox and/or by email as they prefer.

    `email=False` keeps it in the inbox only, whatever the recipient's channel: for a caller
    that sends its own email about the same thing (Care's invites), so that nobody gets two.
    Someone whose channel for the type is email only then gets nothing from here (None).

    Returns the notification, the existing one if `dedupe_key` was used before for this
    recipient (so callers can notify from retried tasks safely), or None when nothing is
    sent: the recipient is on leave or has left, or has turned this type off. The email (if
    any) is queued after the surrounding transaction commits, not before.
    """
    if type not in TYPES:
        raise ValidationError({"type": f"{type!r} is not a notification type."})
    if recipient.status in SILENT_STATUSES:
        return None
    channel = channel_for(person=recipient, type_=type)
    if channel == Channel.OFF or (not email and not channel.in_app):
        return None
    now = now or timezone.now()
    notification = Notification(
        recipient=recipient,
        type=type,
        title=Truncator(title.strip()).chars(200),
        body=Truncator(body.strip()).chars(500),
        url=_validate_url(url),
        dedupe_key=dedupe_key[:200],
        created_at=now,
        in_app=channel.in_app,
    )
    if not notification.title:
        raise ValidationError({"title": "A notification needs a title."})
    prefs = settings_for(person=recipient)
    if not (email and channel.email):
        notification.email_state = EmailState.SKIPPED
    elif prefs.digest != DigestFrequency.OFF:
        notification.email_state = EmailState.DIGEST
    else:
        notification.email_state = EmailState.PENDING
        notification.email_due_at = delivery_time(recipient, prefs, now)
    notification.full_clean(
        exclude=["recipient", "digest"], validate_unique=False, validate_constraints=False
    )
    with transaction.atomic():
        if notification.dedupe_key:
            existing = Notification.objects.filter(
                recipient=recipient, dedupe_key=notification.dedupe_key
            ).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            if not notification.dedupe_key:
                raise
            # Someone else notified with the same key a moment ago.
            return Notification.objects.get(recipient=recipient, dedupe_key=notification.dedupe_key)
        if notification.email_state == EmailState.PENDING:
            assert notification.email_due_at is not None
            transaction.on_commit(
                partial(enqueue_notification_email, notification.pk, notification.email_due_at)
            )
    return notification


def enqueue_notification_email(notification_id: int, due_at: datetime | None = None) -> None:
    """Queue the email task, deferred to `due_at` when the backend can defer.

    A backend that cannot defer (the immediate one) is not asked to run an email before
    it is due; the overdue-email job picks it up once it is.
    """
    from .tasks import send_notification_email

    task = send_notification_email
    if due_at is not None and due_at > timezone.now():
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=due_at)
    task.enqueue(notification_id)


# --- the inbox -----------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        now = timezone.now()
        # Conditional, so a second click keeps the first time it was read.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    return Notification.objects.visible_to(person).inbox().unread().update(read_at=timezone.now())


# --- preferences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    channels: dict[str, Channel]
    settings: NotificationSettings


def preferences_for(*, person: Person) -> Preferences:
    return Preferences(channels=channels_for(person=person), settings=settings_for(person=person))


@transaction.atomic
def preferences_update(
    *,
    person: Person,
    channels: dict[str, str],
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
    respect_working_days: bool,
    digest: str,
    digest_hour: int,
) -> Preferences:
    """Save a person's choices. Types not in `channels` keep their current channel.

    Emails already waiting follow the new choice: switching the digest on moves waiting
    emails into it, switching it off sends what was waiting for it.
    """
    unknown = set(channels) - set(TYPES)
    if unknown:
        raise ValidationError({"channels": f"Unknown notification types: {sorted(unknown)}."})
    bad = {value for value in channels.values() if value not in Channel.values}
    if bad:
        raise ValidationError({"channels": f"Unknown channels: {sorted(bad)}."})
    prefs = NotificationSettings.objects.select_for_update().filter(person=person).first()
    prefs = prefs or NotificationSettings(person=person)
    previous_digest = prefs.digest
    prefs.quiet_hours_start = quiet_hours_start
    prefs.quiet_hours_end = quiet_hours_end
    prefs.respect_working_days = respect_working_days
    prefs.digest = digest
    prefs.digest_hour = digest_hour
    prefs.full_clean(exclude=["person"], validate_unique=False)
    prefs.save()

    for type_, channel in channels.items():
        if channel == default_channel(type_):
            NotificationPreference.objects.filter(person=person, type=type_).delete()
        else:
            NotificationPreference.objects.update_or_create(
                person=person, type=type_, defaults={"channel": channel}
            )

    waiting = Notification.objects.filter(recipient=person)
    if digest != DigestFrequency.OFF and previous_digest == DigestFrequency.OFF:
        waiting.filter(email_state=EmailState.PENDING).update(
            email_state=EmailState.DIGEST, email_due_at=None
        )
    elif digest == DigestFrequency.OFF and previous_digest != DigestFrequency.OFF:
        due_at = delivery_time(person, prefs, timezone.now())
        moved = list(
            waiting.filter(email_state=EmailState.DIGEST, digest__isnull=True).values_list(
                "pk", flat=True
            )
        )
        waiting.filter(pk__in=moved).update(email_state=EmailState.PENDING, email_due_at=due_at)
        for pk in moved:
            transaction.on_commit(partial(enqueue_notification_email, pk, due_at))
    return preferences_for(person=person)


@transaction.atomic
def unsubscribe(*, person: Person, type_: str) -> list[str]:
    """Stop emails of one type (or of every type, for emails.ALL_TYPES): they stay in the
    inbox. Returns the types that changed."""
    types = list(TYPES) if type_ == emails.ALL_TYPES else [type_]
    current = channels_for(person=person)
    changed = [t for t in types if current[t].email]
    for t in changed:
        NotificationPreference.objects.update_or_create(
            person=person, type=t, defaults={"channel": Channel.IN_APP}
        )
    if type_ == emails.ALL_TYPES:
        NotificationSettings.objects.filter(person=person).update(digest=DigestFrequency.OFF)
    Notification.objects.filter(
        recipient=person,
        type__in=changed,
        email_state__in=[EmailState.PENDING, EmailState.DIGEST],
        digest__isnull=True,
    ).update(email_state=EmailState.SKIPPED)
    return changed


def send_test_notification(*, person: Person) -> Notification | None:
    return notify(
        recipient=person,
        type=NotificationType.SYSTEM,
        title="This is a test notification",
        body="If you can read this, notifications reach you the way you chose.",
        url=reverse("notifications:preferences"),
    )


# --- sending emails ------------------------------------------------------------------------


def _lease_held(claim: str, holder: str, claimed_at: datetime | None, now: datetime) -> bool:
    """Whether another run holds the claim and may still be working on it.

    The same run (same task result id) finding its own claim means its earlier attempt
    died mid-send: the scheduler re-queues a task only once its worker is gone.
    """
    if holder == claim:
        return False
    return claimed_at is not None and claimed_at > now - EMAIL_SEND_LEASE


def notification_email_send(
    *, notification_id: int, claim: str, now: datetime | None = None
) -> str:
    """Send one notification's email if it is due; what happened, as a word for the logs."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "missing"
        state = notification.email_state
        if state not in (EmailState.PENDING, EmailState.SENDING):
            return f"done:{state}"
        if state == EmailState.SENDING and _lease_held(
            claim, notification.email_claim, notification.email_claimed_at, now
        ):
            return "busy"
        person = notification.recipient
        prefs = settings_for(person=person)
        fields = ["email_state", "email_claim", "email_claimed_at", "email_due_at"]
        notification.email_claim, notification.email_claimed_at = "", None
        if person.status in SILENT_STATUSES:
            notification.email_state = EmailState.SKIPPED
            notification.save(update_fields=fields)
            return "skipped:silent"
        if not channel_for(person=person, type_=notification.type).email:
            notification.email_state = EmailState.SKIPPED
            notification.save(update_fields=fields)
            return "skipped:preference"
        if prefs.digest != DigestFrequency.OFF:
            notification.email_state = EmailState.DIGEST
            notification.save(update_fields=fields)
            return "digest"
        due_at = delivery_time(person, prefs, now)
        if due_at > now:
            notification.email_state = EmailState.PENDING
            notification.email_due_at = due_at
            notification.save(update_fields=fields)
            transaction.on_commit(partial(enqueue_notification_email, notification.pk, due_at))
            return "deferred"
        notification.email_state = EmailState.SENDING
        notification.email_claim, notification.email_claimed_at = claim, now
        notification.email_attempts += 1
        notification.save(update_fields=[*fields, "email_attempts"])

    try:
        emails.notification_email(notification).send()
    except Exception:
        give_up = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification.pk, email_claim=claim).update(
            email_state=EmailState.FAILED if give_up else EmailState.PENDING,
            email_due_at=now + timedelta(minutes=2**notification.email_attempts),
            email_claim="",
        )
        raise
    Notification.objects.filter(pk=notification.pk, email_claim=claim).update(
        email_state=EmailState.SENT, emailed_at=timezone.now(), email_claim=""
    )
    return "sent"


def overdue_emails_enqueue(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue again emails that should have gone a while ago: an enqueue lost between commit
    and queue, a backend that cannot defer, a failure waiting for its retry, a claim whose
    worker vanished. Sending is idempotent, so a duplicate in the queue is harmless."""
    from .tasks import send_notification_email

    now = now or timezone.now()
    # A backend that defers already holds a task for each due time; one that cannot relies
    # on this job alone, so it gets no grace period.
    grace = OVERDUE_AFTER if send_notification_email.get_backend().supports_defer else timedelta()
    overdue = Notification.objects.filter(
        email_state=EmailState.PENDING, email_due_at__lte=now - grace
    ) | Notification.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lte=now - EMAIL_SEND_LEASE
    )
    ids = list(overdue.order_by("email_due_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_notification_email(pk)
    return len(ids)


# --- digests -------------------------------------------------------------------------------


def digest_period_key(*, person: Person, prefs: NotificationSettings, now: datetime) -> str | None:
    """The digest period due for this person now, or None if no digest is due yet."""
    local = now.astimezone(person.tz)
    working_days = person.working_days if prefs.respect_working_days else "1234567"
    if prefs.digest == DigestFrequency.DAILY:
        if str(local.isoweekday()) not in working_days or local.hour < prefs.digest_hour:
            return None
        return f"daily:{local.date().isoformat()}"
    if prefs.digest == DigestFrequency.WEEKLY:
        first_day = min(int(day) for day in working_days)
        weekday = local.isoweekday()
        if weekday < first_day or (weekday == first_day and local.hour < prefs.digest_hour):
            return None
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def due_digests_enqueue(*, now: datetime | None = None) -> int:
    """Queue a digest for everyone whose digest time has come and who has something in it."""
    from .tasks import send_digest

    now = now or timezone.now()
    waiting = Notification.objects.filter(
        recipient=OuterRef("person"), email_state=EmailState.DIGEST, digest__isnull=True
    )
    rows = (
        NotificationSettings.objects.exclude(digest=DigestFrequency.OFF)
        .filter(Exists(waiting))
        .exclude(person__status__in=SILENT_STATUSES)
        .select_related("person")
    )
    queued = 0
    for prefs in rows:
        key = digest_period_key(person=prefs.person, prefs=prefs, now=now)
        done = Digest.objects.filter(
            person=prefs.person, period_key=key, state__in=[Digest.State.SENT, Digest.State.EMPTY]
        )
        if key is not None and not done.exists():
            send_digest.enqueue(prefs.person_id, key)
            queued += 1
    return queued


def digest_send(*, person_id: int, period_key: str, claim: str, now: datetime | None = None) -> str:
    """Send one person's digest for one period, once."""
    now = now or timezone.now()
    with transaction.atomic():
        person = Person.objects.select_related("user").filter(pk=person_id).first()
        if person is None:
            return "missing"
        try:
            with transaction.atomic():
                digest, _ = Digest.objects.get_or_create(person=person, period_key=period_key)
        except IntegrityError:
            digest = Digest.objects.get(person=person, period_key=period_key)
        digest = Digest.objects.select_for_update().get(pk=digest.pk)
        if digest.state != Digest.State.SENDING:
            return f"done:{digest.state}"
        if digest.claim and _lease_held(claim, digest.claim, digest.claimed_at, now):
            return "busy"
        if person.status in SILENT_STATUSES:
            Digest.objects.filter(pk=digest.pk).delete()
            return "skipped:silent"
        Notification.objects.filter(
            recipient=person, email_state=EmailState.DIGEST, digest__isnull=True
        ).update(digest=digest)
        items = list(digest.notifications.order_by("created_at", "id"))
        if not items:
            digest.state = Digest.State.EMPTY
            digest.save(update_fields=["state"])
            return "empty"
        digest.claim, digest.claimed_at = claim, now
        digest.save(update_fields=["claim", "claimed_at"])

    digest.person = person
    emails.digest_email(digest, items).send()
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk, claim=claim).update(
            state=Digest.State.SENT, sent_at=timezone.now()
        )
        Notification.objects.filter(digest=digest).update(
            email_state=EmailState.DIGESTED, emailed_at=timezone.now()
        )
    return "sent"


# --- the daily check-in prompt -------------------------------------------------------------


def checkin_prompts_send(*, now: datetime | None = None) -> int:
    """Prompt everyone whose working day has begun, in their own time zone, once per local
    date (the dedupe key), whichever worker runs this and however often. Someone who has
    already checked in that local day is not prompted."""
    from rapport.checkins.models import CheckIn

    now = now or timezone.now()
    already: set[tuple[int, str]] = set(
        Notification.objects.filter(
            type=NotificationType.CHECKIN_PROMPT, created_at__gte=now - timedelta(hours=40)
        ).values_list("recipient_id", "dedupe_key")
    )
    # Every local date anyone can be on now lies within a day of the UTC date.
    utc_today = now.astimezone(UTC).date()
    checked_in: set[tuple[int, date]] = set(
        CheckIn.objects.filter(
            day__gte=utc_today - timedelta(days=1), day__lte=utc_today + timedelta(days=1)
        ).values_list("person_id", "day")
    )
    prompted = 0
    people = Person.objects.exclude(status__in=SILENT_STATUSES).order_by("pk")
    for person in people.iterator(chunk_size=1000):
        local = now.astimezone(person.tz)
        if str(local.isoweekday()) not in person.working_days:
            continue
        if not person.work_start <= local.time().replace(tzinfo=None) < person.work_end:
            continue
        key = f"checkin_prompt:{local.date().isoformat()}"
        if (person.pk, key) in already or (person.pk, local.date()) in checked_in:
            continue
        created = notify(
            recipient=person,
            type=NotificationType.CHECKIN_PROMPT,
            title="A moment to check in",
            body="How is today going? Ten seconds, and it stays private unless you share it.",
            url=reverse("checkins:home"),
            dedupe_key=key,
            now=now,
        )
        prompted += created is not None
    return prompted
