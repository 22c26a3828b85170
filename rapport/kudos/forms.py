"""Forms of the kudos pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.lib import forms as lib_forms
from rapport.people.models import Person
from rapport.people.selectors import pickable_people

from . import selectors
from .models import (
    DAILY_LIMIT_MAX,
    MAX_RECEIVERS,
    MESSAGE_MAX_LENGTH,
    VALUE_NAME_MAX_LENGTH,
    Audience,
    KudosValue,
)


class PersonChoiceField(lib_forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        return f"{person.display_name} — {person.title}" if person.title else person.display_name


class GiveForm(forms.Form):
    receivers = PersonChoiceField(
        label="Who would you like to thank?",
        queryset=Person.objects.none(),
        help_text=(
            f"Up to {MAX_RECEIVERS} people. Hold Ctrl (or ⌘) to choose more than one. Your "
            "teammates are listed; for anyone else, open their page in People and choose "
            "“Thank”."
        ),
        error_messages={
            "required": "Choose at least one person to thank.",
            "invalid_choice": "You can only thank people in your own organisation.",
            "invalid_pk_value": "Choose colleagues from the list.",
        },
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    message = forms.CharField(
        label="What are you thanking them for?",
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH, "id": "id_message"}
        ),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        help_text="Be specific: what they did, and what difference it made.",
        error_messages={
            "required": "Write a few words: an empty message says nothing.",
            "max_length": f"Keep it to {MESSAGE_MAX_LENGTH} characters.",
        },
    )
    value = lib_forms.ModelChoiceField(
        label="Tie it to one of our values (optional)",
        queryset=KudosValue.objects.none(),
        required=False,
        empty_label="No particular value",
        error_messages={"invalid_choice": "Choose one of the values in the list."},
    )
    audience = forms.ChoiceField(
        label="Who can see it?",
        choices=Audience.choices,
        initial=Audience.TEAM,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose who can see it."},
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field accepts anyone of the organisation, so that choosing yourself or someone
        # who has left (an old link, a stale tab, a hand-made request) gets the service's
        # own explanation; the list offers only the people who can be thanked.
        receivers: PersonChoiceField = self.fields["receivers"]  # type: ignore[assignment]
        receivers.queryset = Person.objects.visible_to(viewer)
        receivers.widget.choices = lib_forms.ListedChoices(
            receivers,
            pickable_people(
                viewer=viewer,
                among=selectors.thankable_people(viewer=viewer),
                chosen=lib_forms.chosen_ids(self, "receivers"),
            ),
        )
        self.fields["value"].queryset = selectors.kudos_values(viewer=viewer)  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    message = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MESSAGE_MAX_LENGTH}),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={
            "required": "Write a few words: an empty reply says nothing.",
            "max_length": f"Keep it to {MESSAGE_MAX_LENGTH} characters.",
        },
    )


class ValueForm(forms.Form):
    name = forms.CharField(
        label="Value",
        max_length=VALUE_NAME_MAX_LENGTH,
        error_messages={
            "required": "A value needs a name, like “Help first”.",
            "max_length": f"Keep a value's name to {VALUE_NAME_MAX_LENGTH} characters.",
        },
    )


class SettingsForm(forms.Form):
    daily_limit = forms.IntegerField(
        label="Most thank-yous one person may give in a day",
        required=False,
        min_value=1,
        max_value=DAILY_LIMIT_MAX,
        help_text="Leave empty for no limit. The day is each person's own, in their time zone.",
        error_messages={
            "min_value": "The limit is at least 1; leave it empty for no limit.",
            "max_value": f"The limit is at most {DAILY_LIMIT_MAX}.",
            "invalid": "Enter a whole number, or leave it empty.",
        },
    )
