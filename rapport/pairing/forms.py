"""Parsing what people choose on pairing pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from rapport.lib import forms as lib_forms
from rapport.people.models import Person, Team, validate_time_zone
from rapport.people.selectors import pickable_people

from .access import led_team_ids
from .models import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    Answer,
    Cadence,
    Kind,
    PoolKind,
    Program,
    TeamMode,
    Weekday,
)
from .services import ProgramSettings

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
SIZES = [(n, f"{n} people") for n in range(MIN_GROUP_SIZE, MAX_GROUP_SIZE + 1)]


class ProgramForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    kind = forms.ChoiceField(label="What people do", choices=Kind.choices)
    pool = forms.ChoiceField(label="Who takes part", choices=PoolKind.choices)
    teams = lib_forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a pool of teams (teams inside them are included).",
    )
    locations = forms.MultipleChoiceField(
        label="Locations",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a pool of locations.",
    )
    group_size = forms.TypedChoiceField(label="Group size", choices=SIZES, coerce=int)
    cadence = forms.ChoiceField(label="How often", choices=Cadence.choices)
    announce_weekday = forms.TypedChoiceField(
        label="Announced on", choices=Weekday.choices, coerce=int
    )
    announce_hour = forms.TypedChoiceField(label="At", choices=HOURS, coerce=int, initial=10)
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="The day and hour above are in this time zone, e.g. Europe/London.",
    )
    team_mode = forms.ChoiceField(label="Mix", choices=TeamMode.choices)
    avoid_managers = forms.BooleanField(
        label="Never pair a manager with their direct report", required=False, initial=True
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.in_organization(viewer.organization).order_by("name", "id")
        if not viewer.is_org_admin:
            teams = teams.filter(pk__in=led_team_ids(viewer))
            # A lead's pool is always their own teams.
            self.fields["pool"].choices = [(PoolKind.TEAMS, PoolKind.TEAMS.label)]  # type: ignore[attr-defined]
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]
        locations = (
            Person.objects.in_organization(viewer.organization)
            .current()
            .exclude(location="")
            .order_by("location")
            .values_list("location", flat=True)
            .distinct()
        )
        self.fields["locations"].choices = [(x, x) for x in locations]  # type: ignore[attr-defined]
        if not self.is_bound and "time_zone" not in self.initial:
            self.initial["time_zone"] = viewer.time_zone

    @classmethod
    def initial_for(cls, program: Program) -> dict[str, Any]:
        return {
            "name": program.name,
            "kind": program.kind,
            "pool": program.pool,
            "teams": list(program.teams.all()),
            "locations": program.locations,
            "group_size": program.group_size,
            "cadence": program.cadence,
            "announce_weekday": program.announce_weekday,
            "announce_hour": program.announce_hour,
            "time_zone": program.time_zone,
            "team_mode": program.team_mode,
            "avoid_managers": program.avoid_managers,
        }

    def settings(self) -> ProgramSettings:
        data = self.cleaned_data
        return ProgramSettings(
            name=data["name"],
            kind=data["kind"],
            pool=data["pool"],
            teams=list(data["teams"]),
            locations=list(data["locations"]),
            group_size=data["group_size"],
            cadence=data["cadence"],
            announce_weekday=data["announce_weekday"],
            announce_hour=data["announce_hour"],
            time_zone=data["time_zone"],
            team_mode=data["team_mode"],
            avoid_managers=data["avoid_managers"],
        )


class SnoozeForm(forms.Form):
    snoozed_until = forms.DateField(
        label="Snooze until", widget=forms.DateInput({"type": "date"}), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["snoozed_until"] = timezone.localdate() + timedelta(days=14)


class DontPairForm(forms.Form):
    other = lib_forms.ModelChoiceField(
        label="Colleague",
        queryset=Person.objects.none(),
        empty_label="Choose a colleague",
        help_text=(
            "Only you can see this list; nobody on it is ever told. Your teammates are "
            "listed; for anyone else, open their page in People and choose "
            "“Don't pair me with them”."
        ),
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.visible_to(viewer).current().exclude(pk=viewer.pk)
        field: lib_forms.ModelChoiceField = self.fields["other"]  # type: ignore[assignment]
        field.queryset = people.order_by("display_name", "id")
        field.widget.choices = lib_forms.ListedChoices(
            field,
            pickable_people(
                viewer=viewer, among=people, chosen=lib_forms.chosen_ids(self, "other")
            ),
        )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label="Did you meet?", choices=Answer.choices)


class BuddyForm(forms.Form):
    buddy = lib_forms.ModelChoiceField(label="New buddy", queryset=Person.objects.none())

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buddy"].queryset = (  # type: ignore[attr-defined]
            Person.objects.visible_to(viewer)
            .filter(status=Person.Status.ACTIVE)
            .order_by("display_name", "id")
        )
