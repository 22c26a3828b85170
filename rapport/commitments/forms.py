"""Parsing what people type about promises. Due times are a local date and clock time in
the person's own time zone (see `timing` for the daylight-saving rules)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from rapport.lib import forms as lib_forms
from rapport.people.models import Person
from rapport.people.selectors import pickable_people

from . import selectors
from .models import TEXT_MAX
from .services import MAX_REMINDER_MINUTES, MAX_REMINDERS
from .timing import due_from_local


class ColleaguesField(forms.TypedMultipleChoiceField):
    """Colleagues to choose from; any id is passed on, and the service says clearly what is
    wrong with one that isn't a current colleague (left, yourself, another organisation)."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 19


class ColleagueField(forms.TypedChoiceField):
    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 19


def _colleague_choices(form: forms.Form, name: str, viewer: Person) -> list[tuple[int, str]]:
    """Teammates and whoever is already chosen (see people.selectors.pickable_people)."""
    people = pickable_people(
        viewer=viewer,
        among=selectors.colleagues_to_choose(viewer=viewer),
        chosen=lib_forms.chosen_ids(form, name),
    )
    return [(p.pk, p.display_name) for p in people]


class DueFields(forms.Form):
    """A due date and time, read in the person's time zone."""

    due_date = forms.DateField(label="Due date", widget=forms.DateInput({"type": "date"}))
    due_time = forms.TimeField(
        label="Due time", initial=time(17, 0), widget=forms.TimeInput({"type": "time"})
    )

    def __init__(self, *args: Any, tz: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["due_time"].help_text = f"Your time zone: {tz.key}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, at = data.get("due_date"), data.get("due_time")
        if day is not None and at is not None:
            try:
                data["due_at"] = due_from_local(day, at, self.tz, field="due_time")
            except ValidationError as error:
                self.add_error("due_time", error.message_dict["due_time"])
        return data

    @property
    def due_at(self) -> datetime:
        due: datetime = self.cleaned_data["due_at"]
        return due


class PromiseForm(DueFields):
    text = forms.CharField(
        label="I'll do this",
        max_length=TEXT_MAX,
        widget=forms.TextInput({"placeholder": "e.g. send you the review notes"}),
        help_text=f"A few words, up to {TEXT_MAX} characters.",
    )
    receiver_ids = ColleaguesField(
        label="For",
        coerce=int,
        widget=forms.SelectMultiple({"size": 6}),
        help_text=(
            "One or more colleagues. Hold Ctrl (or ⌘) to choose several. Your teammates are "
            "listed; for anyone else, open their page in People and choose “Promise something”."
        ),
    )
    field_order = ["text", "receiver_ids", "due_date", "due_time"]

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, tz=viewer.tz, **kwargs)
        self.fields["receiver_ids"].choices = _colleague_choices(self, "receiver_ids", viewer)  # type: ignore[attr-defined]


class AskForm(DueFields):
    promiser_id = ColleagueField(label="Ask", coerce=int, empty_value=None)
    text = forms.CharField(
        label="Could you…",
        max_length=TEXT_MAX,
        widget=forms.TextInput({"placeholder": "e.g. look over my slides"}),
        help_text=f"What you'd like them to do, up to {TEXT_MAX} characters.",
    )
    field_order = ["promiser_id", "text", "due_date", "due_time"]

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, tz=viewer.tz, **kwargs)
        self.fields["promiser_id"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a colleague"),
            *_colleague_choices(self, "promiser_id", viewer),
        ]


class RenegotiateForm(DueFields):
    message = forms.CharField(
        label="A short message",
        max_length=TEXT_MAX,
        widget=forms.TextInput({"placeholder": "e.g. the data arrives Thursday, so Friday"}),
    )
    field_order = ["due_date", "due_time", "message"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_date"].label = "New due date"
        self.fields["due_time"].label = "New due time"


class AcceptForm(forms.Form):
    """Accept by the date asked, or give another one (both fields empty: as asked)."""

    due_date = forms.DateField(
        label="Another date (optional)",
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    due_time = forms.TimeField(
        label="Another time (optional)",
        required=False,
        widget=forms.TimeInput({"type": "time"}),
    )

    def __init__(self, *args: Any, tz: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, at = data.get("due_date"), data.get("due_time")
        data["due_at"] = None
        if day is not None:
            try:
                data["due_at"] = due_from_local(day, at or time(17, 0), self.tz, field="due_time")
            except ValidationError as error:
                self.add_error("due_time", error.message_dict["due_time"])
        elif at is not None:
            self.add_error("due_date", "Give the date too, or leave both empty.")
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label="A short note", max_length=TEXT_MAX, required=False)

    def __init__(self, *args: Any, required: bool = False, label: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if label:
            self.fields["note"].label = label


class SettingsForm(forms.Form):
    reminder_hours = forms.CharField(
        label="Remind me this many hours before",
        required=False,
        max_length=60,
        help_text=(
            "Hours, separated by commas, e.g. 24, 2 (half hours like 0.5 work too). "
            "You're always reminded at the due time itself. Leave empty for only that one."
        ),
    )
    share_record = forms.BooleanField(label="Show my record to my team", required=False)

    def clean_reminder_hours(self) -> list[int]:
        text = self.cleaned_data["reminder_hours"]
        minutes: list[int] = []
        for part in text.replace(";", ",").split(","):
            part = part.strip().removesuffix("h").strip()
            if not part:
                continue
            try:
                hours = float(part)
            except ValueError:
                raise ValidationError(f"“{part}” isn't a number of hours.") from None
            value = round(hours * 60)
            if not 1 <= value <= MAX_REMINDER_MINUTES:
                raise ValidationError("Each reminder comes between a minute and two weeks ahead.")
            minutes.append(value)
        if len(set(minutes)) > MAX_REMINDERS:
            raise ValidationError(f"At most {MAX_REMINDERS} reminders before a due time.")
        return sorted(set(minutes), reverse=True)


def hours_text(minutes: list[int]) -> str:
    parts = []
    for m in minutes:
        parts.append(str(m // 60) if m % 60 == 0 else f"{m / 60:g}")
    return ", ".join(parts)
