"""Calendar invites (.ics) and the neutral emails that carry them.

One booking is one calendar event for its whole life: the UID never changes, SEQUENCE goes
up with every change (RFC 5545/5546), so calendars update the event in place; a
cancellation is METHOD:CANCEL with STATUS:CANCELLED. The title is always "Appointment":
calendars are seen by colleagues, assistants and shared screens, so nothing in an invite
or its email says what kind of appointment it is, with whom, or why.

The client gets one email per change, the invite, when their "Care appointments" channel
includes email (the in-app notice goes through `notify(email=False)`); the therapist, who is
not a Person, always gets theirs. Nothing here sends: services put these drafts in the
outbox (`CareEmail`) and a task sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, CareEmail

PRODID = "-//Rapport//Care//EN"
TITLE = "Appointment"
SUBJECT = "Calendar update from Rapport"
REMINDER_SUBJECT = "A reminder from Rapport"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "rapport@localhost"


def booking_calendar(
    booking: Booking, *, recipient: str, link: str, now: datetime | None = None
) -> bytes:
    """The invite for one recipient (the client or the therapist) as .ics bytes."""
    cancelled = booking.status == Booking.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", TITLE)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    where = booking.session_type.where
    if where:
        event.add("location", where)
    event.add("description", f"Details in Rapport: {link}")
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText("Rapport")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{recipient}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def client_link(booking: Booking) -> str:
    return absolute(reverse("care:booking", args=[booking.pk]))


def therapist_link(booking: Booking) -> str:
    return absolute(reverse("care:session", args=[booking.pk]))


def when(moment: datetime, tz_name: str) -> str:
    """A time as the recipient reads it: "Tuesday 10 March 2026, 14:00 (Europe/London)"."""
    local = moment.astimezone(ZoneInfo(tz_name))
    return f"{date_format(local, 'l j F Y, H:i')} ({tz_name})"


@dataclass(frozen=True)
class Draft:
    """An email Care is about to send, ready for the outbox (`CareEmail`)."""

    to: str
    subject: str
    body: str
    ics: str = ""
    ics_method: str = ""
    role: str = ""


def client_may_get_email(booking: Booking) -> bool:
    client = booking.client
    return client.erased_at is None and client.status != client.Status.LEFT


def client_invite(booking: Booking) -> Draft:
    """The neutral invite to the client: when, and a link; never with whom or why."""
    client = booking.client
    cancelled = booking.status == Booking.Status.CANCELLED
    link = client_link(booking)
    moment = when(booking.starts_at, client.time_zone)
    change = f"on {moment} is cancelled" if cancelled else f"is on {moment}"
    body = (
        f"Hello,\n\nAn appointment you made through Rapport {change}.\n"
        f"{'' if cancelled else 'The calendar invite is attached. '}"
        f"Everything else is in Rapport: {link}\n\n"
        "You get this email because you booked it yourself. Nobody at your work is told.\n"
    )
    ics = booking_calendar(booking, recipient=client.user.email, link=link)
    return Draft(
        to=client.user.email,
        subject=SUBJECT,
        body=body,
        ics=ics.decode(),
        ics_method="CANCEL" if cancelled else "REQUEST",
        role="client",
    )


def therapist_invite(booking: Booking) -> Draft:
    therapist = booking.therapist
    cancelled = booking.status == Booking.Status.CANCELLED
    link = therapist_link(booking)
    moment = when(booking.starts_at, therapist.time_zone)
    change = "was cancelled" if cancelled else "was booked or changed"
    body = (
        f"Hello,\n\nA session in your calendar on {moment} {change}; the invite is attached.\n"
        f"Details in Rapport: {link}\n"
    )
    ics = booking_calendar(booking, recipient=therapist.user.email, link=link)
    return Draft(
        to=therapist.user.email,
        subject=SUBJECT,
        body=body,
        ics=ics.decode(),
        ics_method="CANCEL" if cancelled else "REQUEST",
        role="therapist",
    )


def client_reminder(booking: Booking) -> Draft:
    """A reminder as neutral as the invite: a time and a link. Worded to stay true whenever
    it arrives (quiet hours may hold it a while)."""
    client = booking.client
    moment = when(booking.starts_at, client.time_zone)
    body = (
        f"Hello,\n\nA reminder: you have an appointment on {moment}.\n"
        f"Everything else is in Rapport: {client_link(booking)}\n\n"
        "You get this email because you booked it yourself. Nobody at your work is told.\n"
    )
    return Draft(to=client.user.email, subject=REMINDER_SUBJECT, body=body, role="client")


def message_for(email: CareEmail) -> EmailMultiAlternatives:
    """The email itself, from its outbox row."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={
            "Auto-Submitted": "auto-generated",
            "Message-ID": make_msgid(f"rapport.care.{email.pk}", domain=DNS_NAME.get_fqdn()),
        },
    )
    if email.ics:
        method = email.ics_method or "REQUEST"
        # As an alternative part (calendar clients offer "add/update") and as a file to open.
        message.attach_alternative(email.ics, f"text/calendar; method={method}; charset=utf-8")
        message.attach("invite.ics", email.ics.encode(), "application/ics")
    return message
