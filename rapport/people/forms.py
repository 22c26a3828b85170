"""Forms that parse what people type about themselves."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Person, valid_time_zones

WEEKDAYS = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    title = forms.CharField(label="Job title", max_length=120, required=False)
    time_zone = forms.ChoiceField(
        label="Time zone", choices=lambda: [(z, z) for z in sorted(valid_time_zones())]
    )
    location = forms.CharField(label="Office or city", max_length=120, required=False)
    work_start = forms.TimeField(
        label="Working day starts", widget=forms.TimeInput({"type": "time"})
    )
    work_end = forms.TimeField(label="Working day ends", widget=forms.TimeInput({"type": "time"}))
    working_days = forms.MultipleChoiceField(
        label="Working days", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> ProfileForm:
        initial = {
            "display_name": person.display_name,
            "title": person.title,
            "time_zone": person.time_zone,
            "location": person.location,
            "work_start": person.work_start,
            "work_end": person.work_end,
            "working_days": list(person.working_days),
        }
        return cls(data, initial=initial)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Please give a name people will recognise.")
        return name

    def clean_working_days(self) -> str:
        return "".join(sorted(self.cleaned_data["working_days"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("work_start"), data.get("work_end")
        if start and end and start >= end:
            self.add_error("work_end", "The working day must end after it starts.")
        return data
