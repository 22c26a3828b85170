"""Calendar invites (.ics) and the neutral emails that carry them.

One booking is one calendar event for its whole life: the UID never changes, SEQUENCE goes
up with every change (RFC 5545/5546), so calendars update the event in place; a
cancellation is METHOD:CANCEL with STATUS:CANCELLED. The title is always "Appointment":
calendars are seen by colleagues, assistants and shared screens, so nothing in an invite
or its email says what kind of appointment it is, with whom, or why.

Emails go through Django's mail API: the client is a Person, but the invite is theirs to
keep whatever their notification settings say (the in-app notice goes through `notify`);
the therapist is not a Person at all.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking

PRODID = "-//Rapport//Care//EN"
TITLE = "Appointment"
SUBJECT = "Calendar update from Rapport"


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


def _email(*, to: str, text: str, ics: bytes, cancelled: bool, uid: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    method = "CANCEL" if cancelled else "REQUEST"
    # As an alternative part (calendar clients offer "add/update") and as a file to open.
    message.attach_alternative(ics.decode(), f"text/calendar; method={method}; charset=utf-8")
    message.attach("invite.ics", ics, "application/ics")
    return message


def booking_emails(booking: Booking) -> list[EmailMultiAlternatives]:
    """The neutral emails for the booking's current state: one to the client (unless they
    have left), one to the therapist."""
    cancelled = booking.status == Booking.Status.CANCELLED
    messages = []
    client = booking.client
    if client.erased_at is None and client.status != client.Status.LEFT:
        link = client_link(booking)
        change = "is cancelled" if cancelled else "is in the attached invite"
        text = (
            f"Hello,\n\nAn appointment you made through Rapport {change}.\n"
            f"Everything else is in Rapport: {link}\n\n"
            "You get this email because you booked it yourself. Nobody at your work is told.\n"
        )
        ics = booking_calendar(booking, recipient=client.user.email, link=link)
        messages.append(
            _email(to=client.user.email, text=text, ics=ics, cancelled=cancelled, uid=booking.uid)
        )
    therapist_email = booking.therapist.user.email
    link = therapist_link(booking)
    text = (
        "Hello,\n\nA session in your calendar "
        f"{'was cancelled' if cancelled else 'was booked or changed'}; the invite is attached.\n"
        f"Details in Rapport: {link}\n"
    )
    ics = booking_calendar(booking, recipient=therapist_email, link=link)
    messages.append(
        _email(to=therapist_email, text=text, ics=ics, cancelled=cancelled, uid=booking.uid)
    )
    return messages
