"""Care: practices of therapists, their availability, and confidential bookings.

Who is who. A *therapist* is a User with a `Therapist` profile in a `Practice`; a
*practice admin* is a User with a `PracticeAdmin` row. Neither is a Person of an employer
organisation: they sign in like anyone else, and `rapport.care.access` recognises them.
A *client* is a Person whose organisation has a `CareContract` with the practice.

Care is sealed (DESIGN.md): a booking is visible to its client and its therapist only
(practice admins see the schedule, never intake or notes). Nothing here is written to the
ledger or the audit log, and the employer sees usage only through the privacy gate.

No double-booking: `Booking.blocked_from/blocked_until` store the range the booking takes
out of the therapist's calendar (buffers included). On PostgreSQL an exclusion constraint
(migration 0002, btree_gist) forbids two active bookings of one therapist whose ranges
overlap; on SQLite every write transaction holds the database's write lock from its start
(IMMEDIATE), and the booking service checks overlap inside it.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rapport.lib.encryption import EncryptedTextField
from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person, validate_time_zone

from . import slots


class Specialty(models.TextChoices):
    TOXIC_WORKPLACE = "toxic_workplace", "Toxic work environments"
    WORK_LIFE_BALANCE = "work_life_balance", "Work-life balance"
    RETURN_TO_WORK = "return_to_work", "Returning to work after a leave of absence"
    EMPOWERMENT = "empowerment", "Feeling empowered and confident again"
    CONFLICT = "conflict", "Conflict at work"
    BURNOUT = "burnout", "Burnout"
    STRESS_ANXIETY = "stress_anxiety", "Stress and anxiety"
    GRIEF = "grief", "Grief and loss"
    CAREER_CHANGE = "career_change", "Career change and uncertainty"


class Language(models.TextChoices):
    EN = "en", "English"
    DE = "de", "German"
    FR = "fr", "French"
    ES = "es", "Spanish"
    IT = "it", "Italian"
    NL = "nl", "Dutch"
    PT = "pt", "Portuguese"
    PL = "pl", "Polish"
    TR = "tr", "Turkish"
    AR = "ar", "Arabic"
    HI = "hi", "Hindi"
    ZH = "zh", "Chinese"
    YO = "yo", "Yoruba"


def _codes(value: str) -> list[str]:
    return [code for code in value.strip(",").split(",") if code]


def codes_field_value(codes: list[str]) -> str:
    """Codes stored as ",a,b," so that `field__contains=",a,"` finds exactly code a."""
    return "," + ",".join(sorted(set(codes))) + "," if codes else ""


def _validate_codes(value: str, choices: type[models.TextChoices], what: str) -> None:
    unknown = sorted(set(_codes(value)) - set(choices.values))
    if unknown:
        raise ValidationError(f"Unknown {what}: {', '.join(unknown)}.")


class Practice(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    about = models.TextField(blank=True, max_length=2000)
    email = models.EmailField(blank=True, help_text="Where the practice hears about requests.")
    accepts_public_requests = models.BooleanField(
        default=True, help_text="People without an organisation account may ask for an intro."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PracticeAdmin(models.Model):
    """A user who manages a practice: its therapists, their availability, its requests."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_practice_admin"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("practice", "user", name="care_practiceadmin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} manages {self.practice}"


class CareContractQuerySet(TenantQuerySet["CareContract"]):
    pass


class CareContract(models.Model):
    """What an organisation offers its people: which practices, how many funded sessions
    per person per calendar year (in the person's own time zone)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="care_contract"
    )
    practices = models.ManyToManyField(Practice, related_name="contracts")
    funded_sessions_per_year = models.PositiveSmallIntegerField(
        default=6, validators=[MaxValueValidator(100)]
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CareContractQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Care for {self.organization}"


class TherapistQuerySet(TenantQuerySet["Therapist"]):
    organization_path = "practice__contracts__organization"

    def visible_to(self, viewer: Person) -> TherapistQuerySet:
        """Therapists a member may find: active, in a practice their organisation funds."""
        return self.filter(
            is_active=True,
            practice__contracts__organization=viewer.organization_id,
            practice__contracts__active=True,
        )


class Therapist(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="therapists")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist"
    )
    display_name = models.CharField(max_length=120)
    pronouns = models.CharField(max_length=30, blank=True)
    photo_url = models.URLField(blank=True, help_text="A link to a portrait (https).")
    bio = models.TextField(max_length=3000, blank=True)
    credentials = models.CharField(max_length=300, blank=True)
    specialties = models.CharField(max_length=400, blank=True)
    languages = models.CharField(max_length=200, blank=True, default=",en,")
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(120)]
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        default=12, validators=[MaxValueValidator(24 * 14)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    max_sessions_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    is_active = models.BooleanField(default=True, help_text="Shown to members and bookable.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, choices, what in (
            ("specialties", Specialty, "specialties"),
            ("languages", Language, "languages"),
        ):
            try:
                _validate_codes(getattr(self, name), choices, what)
            except ValidationError as error:
                errors[name] = error.messages[0]
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def specialty_codes(self) -> list[str]:
        return _codes(self.specialties)

    @property
    def specialty_labels(self) -> list[str]:
        return [Specialty(code).label for code in self.specialty_codes if code in Specialty]

    @property
    def language_codes(self) -> list[str]:
        return _codes(self.languages)

    @property
    def language_labels(self) -> list[str]:
        return [Language(code).label for code in self.language_codes if code in Language]

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)


class SessionType(models.Model):
    class Mode(models.TextChoices):
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="session_types")
    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    is_intro = models.BooleanField(
        default=False, help_text="A free introduction: never counts against funded sessions."
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.VIDEO)
    video_link = models.URLField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "duration_minutes", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    def clean(self) -> None:
        if self.mode == self.Mode.IN_PERSON and not self.address.strip():
            raise ValidationError({"address": "An in-person session needs an address."})

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def where(self) -> str:
        return self.video_link if self.mode == self.Mode.VIDEO else self.address


class WeeklyHours(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)], help_text="Monday=1 … Sunday=7"
    )
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="care_weeklyhours_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=1, weekday__lte=7), name="care_weeklyhours_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday_label} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "The hours must end after they start (same day)."})

    @property
    def weekday_label(self) -> str:
        return WEEKDAYS[self.weekday - 1]

    def as_rule(self) -> slots.WeeklyHours:
        return slots.WeeklyHours(self.weekday, self.start, self.end)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateException(models.Model):
    class Kind(models.TextChoices):
        OFF = "off", "Time off"
        EXTRA = "extra", "Extra hours"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OFF)
    start = models.TimeField(null=True, blank=True, help_text="Empty for the whole day off.")
    end = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "start", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.day}"

    def clean(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationError("Give both a start and an end, or neither for a whole day.")
        if self.kind == self.Kind.EXTRA and self.start is None:
            raise ValidationError("Extra hours need a start and an end.")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValidationError({"end": "The time must end after it starts (same day)."})


def new_uid() -> str:
    """A calendar UID: stable for the booking's life, so every invite updates one event."""
    return f"{uuid.uuid4().hex}@rapport"


class BookingQuerySet(TenantQuerySet["Booking"]):
    def visible_to(self, viewer: Person) -> BookingQuerySet:
        # Sealed: a person sees their own bookings and nobody else's, whatever their role.
        return self.filter(client=viewer)

    def active(self) -> BookingQuerySet:
        return self.exclude(status=Booking.Status.CANCELLED)


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Missed"

    class CancelledBy(models.TextChoices):
        NOBODY = "", "—"
        CLIENT = "client", "You"
        THERAPIST = "therapist", "The therapist"
        SYSTEM = "system", "Rapport"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_bookings")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="bookings")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_from = models.DateTimeField(help_text="Start minus the buffer before.")
    blocked_until = models.DateTimeField(help_text="End plus the buffer after.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    funded = models.BooleanField(default=True, help_text="Counts against the yearly allowance.")
    intake_reason = EncryptedTextField(blank=True, default="")
    intake_contact = EncryptedTextField(blank=True, default="")
    uid = models.CharField(max_length=80, unique=True, editable=False, default=new_uid)
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar invite revision.")
    cancelled_by = models.CharField(
        max_length=10, choices=CancelledBy.choices, blank=True, default=""
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"], name="care_booking_therapist_time"),
            models.Index(fields=["client", "starts_at"], name="care_booking_client_time"),
            models.Index(fields=["status", "starts_at"], name="care_booking_status_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="care_booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_from__lte=models.F("starts_at"))
                & models.Q(blocked_until__gte=models.F("ends_at")),
                name="care_booking_blocks_its_session",
            ),
        ]

    def __str__(self) -> str:
        # Deliberately without names or topic: this string can end up in logs.
        return f"Appointment #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.CONFIRMED and self.ends_at > timezone.now()

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionNote(models.Model):
    """The therapist's private notes on one session: readable by that therapist only."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="note")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Note on appointment #{self.booking_id}"


class IntroRequest(models.Model):
    """Someone without an organisation account asks a practice for an intro call."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="intro_requests")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "confirmed_at"], name="care_intro_confirmed")]

    def __str__(self) -> str:
        return f"Intro request #{self.pk}"


class CareEmail(models.Model):
    """One email Care sends, kept until a worker has sent it (an outbox).

    Care never talks to a mail server inside a request: services write the finished email
    here, in the same transaction as the change it is about, and queue
    `tasks.send_care_email` on commit. The task claims the row (PENDING → SENDING), sends
    outside any transaction, and marks it SENT; a failure puts it back to PENDING with a
    later `due_at`, and the periodic `care.emails` job queues it again (at most
    `MAX_ATTEMPTS` tries). An invite or reminder for an older revision of its booking
    (`sequence` below the booking's) is skipped: only the latest state goes out.

    Bodies are encrypted at rest; rows are deleted a while after they are done.
    """

    class Kind(models.TextChoices):
        INVITE = "invite", "Calendar invite"
        REMINDER = "reminder", "Reminder"
        INTRO_CONFIRM = "intro_confirm", "Intro request: confirm the address"
        INTRO_ALERT = "intro_alert", "Intro request: tell the practice"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not needed any more"
        FAILED = "failed", "Gave up"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = EncryptedTextField()
    ics = EncryptedTextField(blank=True, default="", help_text="A calendar file, if any.")
    ics_method = models.CharField(max_length=10, blank=True, default="")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sequence = models.IntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="care_email_state_due")]

    def __str__(self) -> str:
        # No address, no subject: this string can end up in logs.
        return f"Care email #{self.pk} ({self.kind}, {self.state})"
