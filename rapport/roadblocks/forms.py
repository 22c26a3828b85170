"""Parsing what the author (and the invited person) type on the roadblock pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from rapport.lib import forms as lib_forms
from rapport.people.models import Person
from rapport.people.selectors import pickable_people

from .models import (
    DEFAULT_REMIND_AFTER_DAYS,
    MAX_FIELD,
    MAX_INVITATION,
    MAX_OPENER,
    MAX_REMIND_AFTER_DAYS,
    MAX_RESPONSE_NOTE,
    MAX_SITUATION,
    MIN_REMIND_AFTER_DAYS,
    InvitationStatus,
    Outcome,
)


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class PersonChoiceField(lib_forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class RoadblockForm(forms.Form):
    person = PersonChoiceField(
        label="Who is it with?",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Nobody in particular: it's a situation",
        help_text=(
            "Only you will ever see this note, whoever you choose. Your teammates are "
            "listed; for anyone else, open their page in People and choose "
            "“Note a tension”."
        ),
    )
    situation = forms.CharField(
        label="Or, what situation is it about?",
        max_length=MAX_SITUATION,
        required=False,
        help_text="A few words, e.g. “the release process”.",
    )
    what_happened = forms.CharField(
        label="What happened?",
        max_length=MAX_FIELD,
        widget=_area(),
        help_text="The facts, as a camera would have seen them: when, what was said or done.",
    )
    how_i_felt = forms.CharField(label="How did you feel?", max_length=MAX_FIELD, widget=_area(2))
    what_i_need = forms.CharField(label="What do you need?", max_length=MAX_FIELD, widget=_area(2))
    what_i_will_ask = forms.CharField(
        label="What will you ask for?",
        max_length=MAX_FIELD,
        widget=_area(2),
        help_text="One concrete request, e.g. “a heads-up before plans change”.",
    )
    remind_after_days = forms.TypedChoiceField(
        label="Remind me to talk after",
        coerce=int,
        choices=[
            (d, f"{d} day{'s' if d > 1 else ''}")
            for d in range(MIN_REMIND_AFTER_DAYS, MAX_REMIND_AFTER_DAYS + 1)
        ],
        initial=DEFAULT_REMIND_AFTER_DAYS,
        help_text="Tensions are easier to talk through early; we'll nudge you until you "
        "record how it went.",
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(viewer).current().exclude(pk=viewer.pk)
        field: PersonChoiceField = self.fields["person"]  # type: ignore[assignment]
        field.queryset = people.order_by("display_name", "id")
        field.widget.choices = lib_forms.ListedChoices(
            field,
            pickable_people(
                viewer=viewer, among=people, chosen=lib_forms.chosen_ids(self, "person")
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nothing_chosen = not data.get("person") and not (data.get("situation") or "").strip()
        if nothing_chosen and not self.has_error("person"):
            self.add_error(
                "situation", "Choose who it's with, or describe the situation in a few words."
            )
        return data


class OpenerForm(forms.Form):
    opener = forms.CharField(
        label="How you could open the conversation",
        max_length=MAX_OPENER,
        widget=_area(5, id="id_opener"),
        help_text="Start with what you noticed, not with what you think it means. "
        "Edit it until it sounds like you.",
    )


class InvitationForm(forms.Form):
    message = forms.CharField(
        label="Your invitation",
        max_length=MAX_INVITATION,
        widget=_area(4, id="id_message"),
        help_text="This is all they will see: not your notes.",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?", choices=Outcome.choices, widget=forms.RadioSelect
    )


class InvitationResponseForm(forms.Form):
    status = forms.ChoiceField(
        label="Your answer",
        choices=[
            (InvitationStatus.ACCEPTED, "Yes, let's talk"),
            (InvitationStatus.PROPOSED, "Yes, and I'd propose a time"),
            (InvitationStatus.DECLINED, "Not now"),
        ],
        widget=forms.RadioSelect,
    )
    proposed_time = forms.DateTimeField(
        label="Proposed time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your own time zone.",
    )
    note = forms.CharField(
        label="A note (optional)", max_length=MAX_RESPONSE_NOTE, required=False, widget=_area(2)
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_proposed_time(self) -> datetime | None:
        value: datetime | None = self.cleaned_data.get("proposed_time")
        if value is None:
            return None
        # The form reads it in the site's zone (UTC); the person meant their own clock.
        naive = value.replace(tzinfo=None)
        local = naive.replace(tzinfo=self.viewer.tz)
        if local.astimezone(self.viewer.tz).replace(tzinfo=None) != naive:
            raise ValidationError("That time doesn't exist on your clock (a DST change).")
        return local

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        proposing = data.get("status") == InvitationStatus.PROPOSED
        if proposing and not data.get("proposed_time") and not self.has_error("proposed_time"):
            self.add_error("proposed_time", "Say when you would like to talk.")
        return data
