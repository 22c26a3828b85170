"""Parsing what people choose about their notifications."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.people.models import Person

from .models import DigestFrequency
from .services import Preferences
from .types import TYPES, Channel, NotificationType

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


def channel_field_name(type_: str) -> str:
    return f"channel_{type_}"


class PreferencesForm(forms.Form):
    quiet_hours_start = forms.TimeField(
        label="Quiet hours start",
        required=False,
        widget=forms.TimeInput({"type": "time"}),
        help_text="No email from this time, in your own time zone. Leave both empty for none.",
    )
    quiet_hours_end = forms.TimeField(
        label="Quiet hours end",
        required=False,
        widget=forms.TimeInput({"type": "time"}),
        help_text="Email waits until this time (the next morning if it is earlier).",
    )
    respect_working_days = forms.BooleanField(
        label="Hold email on days I don't work", required=False
    )
    digest = forms.ChoiceField(label="Email", choices=DigestFrequency.choices)
    digest_hour = forms.TypedChoiceField(
        label="Digest time",
        coerce=int,
        choices=HOURS,
        help_text="A weekly digest comes on your first working day.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for type_ in TYPES:
            self.fields[channel_field_name(type_)] = forms.ChoiceField(
                label=NotificationType(type_).label,
                choices=Channel.choices,
                help_text=TYPES[type_].description,
            )

    @classmethod
    def for_person(
        cls, person: Person, preferences: Preferences, data: Any = None
    ) -> PreferencesForm:
        settings = preferences.settings
        initial: dict[str, Any] = {
            "quiet_hours_start": settings.quiet_hours_start,
            "quiet_hours_end": settings.quiet_hours_end,
            "respect_working_days": settings.respect_working_days,
            "digest": settings.digest,
            "digest_hour": settings.digest_hour,
        }
        for type_, channel in preferences.channels.items():
            initial[channel_field_name(type_)] = channel.value
        return cls(data, initial=initial)

    def type_fields(self) -> list[forms.BoundField]:
        return [self[channel_field_name(type_)] for type_ in TYPES]

    def timing_fields(self) -> list[forms.BoundField]:
        names = ["quiet_hours_start", "quiet_hours_end", "respect_working_days", "digest"]
        return [self[name] for name in [*names, "digest_hour"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None) and not self.has_error("quiet_hours_start"):
            self.add_error("quiet_hours_end", "Give both ends of your quiet hours, or neither.")
        elif start is not None and start == end:
            self.add_error("quiet_hours_end", "Quiet hours must end at a different time.")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channels": {type_: data[channel_field_name(type_)] for type_ in TYPES},
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
            "respect_working_days": data["respect_working_days"],
            "digest": data["digest"],
            "digest_hour": data["digest_hour"],
        }
