"""Parsing what people write and choose on the feed's pages."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.people.models import Person, Team

from .models import MAX_LENGTH, Post, Reaction

EVERYONE = "everyone"
BODY_HELP = (
    f"Up to {MAX_LENGTH} characters. Mention a colleague with @ and their name "
    "(@Priya Patel) or the first part of their email (@priya.patel)."
)


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label="This is a",
        choices=Post.Kind.choices,
        initial=Post.Kind.WIN,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is a win or a challenge."},
    )
    share_with = forms.ChoiceField(label="Share with")
    body = forms.CharField(
        label="What happened?",
        max_length=MAX_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text=BODY_HELP,
        error_messages={"required": "Write something first: a post can't be empty."},
    )

    def __init__(self, *args: Any, viewer: Person, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(t.pk): t for t in teams}
        choices = [(EVERYONE, f"Everyone at {viewer.organization.name}")]
        choices += [(pk, f"{t.name} (team only)") for pk, t in self.teams.items()]
        self.fields["share_with"].choices = choices  # type: ignore[attr-defined]
        self.fields["share_with"].error_messages["invalid_choice"] = (
            "Choose everyone or one of your own teams."
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        team = self.teams.get(data["share_with"])
        return {
            "kind": data["kind"],
            "audience": Post.Audience.TEAM if team else Post.Audience.ORGANIZATION,
            "team": team,
            "body": data["body"],
        }


class PostEditForm(forms.Form):
    kind = forms.ChoiceField(label="This is a", choices=Post.Kind.choices, widget=forms.RadioSelect)
    body = forms.CharField(
        label="Your post",
        max_length=MAX_LENGTH,
        widget=forms.Textarea({"rows": 4}),
        help_text=BODY_HELP,
        error_messages={"required": "Write something: a post can't be empty."},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=MAX_LENGTH,
        widget=forms.Textarea({"rows": 2}),
        help_text=f"Up to {MAX_LENGTH} characters; @mentions work here too.",
        error_messages={"required": "Write something first: a reply can't be empty."},
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
