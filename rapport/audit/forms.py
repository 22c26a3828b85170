"""The audit log's filters, as the page and the CSV export read them from a query string."""

from __future__ import annotations

from typing import Any

from django import forms

from rapport.lib import forms as lib_forms
from rapport.people.models import Person

from . import selectors
from .actions import Action

DATE_FORMAT_HELP = "Enter a real date, like 2025-03-31."


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action",
        choices=[("", "Any action"), *Action.choices],
        required=False,
        error_messages={"invalid_choice": "Choose one of the actions in the list."},
    )
    actor = lib_forms.ModelChoiceField(
        label="Person",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Choose one of the people in the list."},
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput({"type": "date"}),
        error_messages={"invalid": DATE_FORMAT_HELP},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput({"type": "date"}),
        error_messages={"invalid": DATE_FORMAT_HELP},
    )
    q = forms.CharField(label="Object", max_length=100, required=False, strip=True)

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only people who did something in this log: a short list, and never anyone of
        # another organisation (an id from elsewhere is "not in the list").
        self.fields["actor"].queryset = selectors.audit_actors(viewer=viewer)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `selectors.audit_events` (the form must be valid)."""
        data = self.cleaned_data
        actor = data.get("actor")
        return {
            "action": data.get("action") or None,
            "actor_id": actor.pk if actor is not None else None,
            "since": data.get("since"),
            "until": data.get("until"),
            "query": data.get("q") or None,
        }

    def filter_details(self) -> dict[str, Any]:
        """The filters as audit details: ids and dates, and whether (not what) it searched.

        The search text is someone's words and could be a name, which erasure couldn't
        find again; the log only needs to say the export was narrowed by a search.
        """
        filters = self.filters()
        return {
            "action": filters["action"],
            "actor_id": filters["actor_id"],
            "since": filters["since"].isoformat() if filters["since"] else None,
            "until": filters["until"].isoformat() if filters["until"] else None,
            "searched": bool(filters["query"]),
        }
