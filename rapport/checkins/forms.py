"""Parsing check-ins and check-on messages from the pages."""

from __future__ import annotations

from django import forms

from .models import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, Mood, Visibility

#: Openers for a check-on message, in our own words; the sender edits them freely.
#: `{name}` is the recipient's first name.
MESSAGE_TEMPLATES: dict[str, tuple[str, str]] = {
    "quieter": (
        "You've seemed quieter",
        "Hi {name}, you've seemed a bit quieter than usual lately. No pressure at all, "
        "I just wanted to ask: is everything okay?",
    ),
    "coffee": (
        "Grab a coffee",
        "Hi {name}, it's been a while since we properly talked. Fancy a coffee (or a "
        "video call with one) this week? My treat.",
    ),
    "busy": (
        "A lot on your plate",
        "Hi {name}, it looks like you've had a lot on your plate recently. How are you "
        "holding up? If there's anything I can take off your hands, just say.",
    ),
    "thinking": (
        "Thinking of you",
        "Hi {name}, I was thinking of you today and wanted to ask how you're really doing. "
        "Reply only if you feel like it.",
    ),
}


def first_name(display_name: str) -> str:
    return (display_name.split() or [display_name])[0]


def template_text(key: str, *, recipient_name: str) -> str:
    _, text = MESSAGE_TEMPLATES.get(key, MESSAGE_TEMPLATES["quieter"])
    return text.format(name=first_name(recipient_name))


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label="How are you really doing today?",
        choices=[(value, f"{value} · {label}") for value, label in Mood.choices],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you are doing, from 1 to 5."},
    )
    note = forms.CharField(
        label="What's really going on? (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea({"rows": 3}),
        help_text="Encrypted, and only for you unless you share it with your teams below.",
    )
    visibility = forms.ChoiceField(
        label="Who may see it",
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label="Who may see it", choices=Visibility.choices)


class MessageForm(forms.Form):
    """A check-on message or a reply; the textarea's id is `id_message` (the tone coach
    hooks into it)."""

    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea({"rows": 5}),
        error_messages={"required": "Write a few words first."},
    )
