from __future__ import annotations

from typing import Any

from django import forms

from rapport.lib import forms as lib_forms
from rapport.people.models import Person, Team


class InviteForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email")
    team = lib_forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, inviter: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(inviter).order_by("name")  # type: ignore[attr-defined]


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data
