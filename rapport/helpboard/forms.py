"""Forms of the help board pages: they parse what a person typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.lib import forms as lib_forms
from rapport.people.models import Person

from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_PERSON_SKILLS,
    MAX_REQUEST_SKILLS,
    OFFER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    CapacityStatus,
    Effort,
)
from .selectors import my_teams

SKILLS_TEXT_MAX = 800


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"Keep this to {limit} characters or fewer."}


class CapacityForm(forms.Form):
    status = forms.ChoiceField(
        label="How is your week?",
        choices=CapacityStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how your week looks."},
    )
    skills = forms.CharField(
        label="Skills you can lend",
        required=False,
        max_length=SKILLS_TEXT_MAX,
        error_messages=_too_long(SKILLS_TEXT_MAX),
        help_text=f"Separate with commas, e.g. figma, sql, interviewing. Up to "
        f"{MAX_PERSON_SKILLS}.",
        widget=forms.TextInput(attrs={"list": "skill-suggestions", "autocomplete": "off"}),
    )
    suggestions_off = forms.BooleanField(
        label="Don't suggest ways to help when a teammate is swamped or shares a challenge",
        required=False,
    )


class RequestForm(forms.Form):
    title = forms.CharField(
        label="What do you need a hand with?",
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": "Say in a few words what you need.",
            **_too_long(TITLE_MAX_LENGTH),
        },
    )
    description = forms.CharField(
        label="More detail",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages=_too_long(DESCRIPTION_MAX_LENGTH),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you have tried, what done looks like.",
    )
    skills = forms.CharField(
        label="Skills that would help",
        required=False,
        max_length=SKILLS_TEXT_MAX,
        error_messages=_too_long(SKILLS_TEXT_MAX),
        help_text=f"Separate with commas. Up to {MAX_REQUEST_SKILLS}.",
        widget=forms.TextInput(attrs={"list": "skill-suggestions", "autocomplete": "off"}),
    )
    effort = forms.ChoiceField(
        label="Roughly how much time?",
        choices=Effort.choices,
        initial=Effort.UNDER_AN_HOUR,
        error_messages={"required": "Choose roughly how much time it takes."},
    )
    needed_by = forms.DateField(
        label="Needed by",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the date you need it by.",
            "invalid": "Enter a real date, like 2025-03-31.",
        },
    )
    audience = forms.ChoiceField(
        label="Who should see it?",
        choices=Audience.choices,
        initial=Audience.ORGANIZATION,
    )
    team = lib_forms.ModelChoiceField(
        label="Which team",
        queryset=Person.objects.none(),
        required=False,
        help_text="Only when you ask your team.",
        error_messages={"invalid_choice": "Choose one of your own teams."},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = my_teams(person=person)
        if len(teams) <= 1:
            # One team (or none): "my team" can only mean that one; no need to ask.
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams  # type: ignore[attr-defined]
            self.fields["team"].empty_label = None  # type: ignore[attr-defined]


class OfferForm(forms.Form):
    message = forms.CharField(
        label="A short note",
        required=False,
        max_length=OFFER_MAX_LENGTH,
        error_messages=_too_long(OFFER_MAX_LENGTH),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When you could help, or how.",
    )


class BoardFilterForm(forms.Form):
    skill = forms.CharField(label="Skill", required=False, max_length=40)
