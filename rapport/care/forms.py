"""Forms for Care's pages. Services do the real validation; forms parse and label."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from rapport.people.models import valid_time_zones

from .models import WEEKDAYS, Booking, DateException, Language, Specialty, Therapist

SORTS = (("soonest", "Soonest available"), ("name", "Name"))


class DirectoryFilterForm(forms.Form):
    specialty = forms.ChoiceField(
        label="What would you like to talk about?",
        required=False,
        choices=[("", "Anything"), *list(Specialty.choices)],
    )
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "Any language"), *list(Language.choices)]
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)

    def value(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "") if self.is_valid() else ""


def parse_start(value: str | None) -> datetime | None:
    """An ISO 8601 instant with an offset (what slot links carry), or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def parse_week(value: str | None, today: date) -> date:
    """The first day of the week asked for: never before today, at most a year ahead."""
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return min(max(day, today), today + timedelta(days=366))


class BookingForm(forms.Form):
    session_type = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.CharField(widget=forms.HiddenInput)
    intake_reason = forms.CharField(
        label="What brings you here? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only your therapist reads this. A sentence or two is plenty.",
    )
    intake_contact = forms.CharField(
        label="How can your therapist reach you if something changes? (optional)",
        required=False,
        max_length=500,
        help_text="A phone number or a private email address, if you prefer it to your work one.",
    )

    def clean_start(self) -> datetime:
        moment = parse_start(self.cleaned_data["start"])
        if moment is None:
            raise forms.ValidationError("Choose a time from the calendar.")
        return moment


class RescheduleForm(forms.Form):
    start = forms.CharField(widget=forms.HiddenInput)

    def clean_start(self) -> datetime:
        moment = parse_start(self.cleaned_data["start"])
        if moment is None:
            raise forms.ValidationError("Choose a time from the calendar.")
        return moment


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Your private notes",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Encrypted, and only you can read them: not the client, not the practice.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Booking.Status.ATTENDED, "Attended"), (Booking.Status.NO_SHOW, "Missed")]
    )


class SettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Your time zone", choices=[])

    class Meta:
        model = Therapist
        fields = [
            "time_zone",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "min_notice_hours",
            "horizon_days",
            "max_sessions_per_day",
            "slot_step_minutes",
        ]
        labels = {
            "buffer_before_minutes": "Free minutes before each session",
            "buffer_after_minutes": "Free minutes after each session",
            "min_notice_hours": "Minimum notice (hours)",
            "horizon_days": "How far ahead people can book (days)",
            "max_sessions_per_day": "Most sessions in one day (empty: no limit)",
            "slot_step_minutes": "Sessions can start every … minutes",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(z, z) for z in sorted(valid_time_zones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    pronouns = forms.CharField(label="Pronouns (optional)", max_length=30, required=False)
    photo_url = forms.URLField(
        label="Link to a portrait (optional)", required=False, assume_scheme="https"
    )
    credentials = forms.CharField(label="Credentials", max_length=300, required=False)
    bio = forms.CharField(
        label="About", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    specialties = forms.MultipleChoiceField(
        label="Works with",
        choices=Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Languages", choices=Language.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label="Taking new bookings",
        required=False,
        help_text="Untick to pause: existing appointments stay.",
    )

    @classmethod
    def for_therapist(cls, therapist: Therapist) -> ProfileForm:
        return cls(
            initial={
                "display_name": therapist.display_name,
                "pronouns": therapist.pronouns,
                "photo_url": therapist.photo_url,
                "credentials": therapist.credentials,
                "bio": therapist.bio,
                "specialties": therapist.specialty_codes,
                "languages": therapist.language_codes,
                "is_active": therapist.is_active,
            }
        )


class WeeklyHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", coerce=int, choices=[(i + 1, name) for i, name in enumerate(WEEKDAYS)]
    )
    start = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))


class ExceptionForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="What", choices=DateException.Kind.choices)
    start = forms.TimeField(
        label="From (empty: all day)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end = forms.TimeField(
        label="Until", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class IntroRequestForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Your email address", max_length=254)
    # The honeypot: hidden from people (and from screen readers), filled in by bots.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)
