"""Form fields shared by every app's forms.

Use these instead of Django's ModelChoiceField and ModelMultipleChoiceField: Django looks a
posted id up in the database as it is, and an id beyond what a database integer holds
("99999999999999999999") makes SQLite raise OverflowError and PostgreSQL a DataError — a 500
for something anyone can type. Here such an id is simply not one of the choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

#: The largest primary key a BigAutoField can hold, on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1


def _refuse_out_of_range(field: forms.ChoiceField, values: Iterable[Any]) -> None:
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number: Django's own lookup refuses it cleanly
        if abs(number) > MAX_ID:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            _refuse_out_of_range(self, [value])
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            _refuse_out_of_range(self, value)
        return super().clean(value)


class ListedChoices(forms.models.ModelChoiceIterator):
    """The options a choice field shows, from a narrower queryset than the one it accepts
    (a person picker lists teammates and whoever is already chosen, yet accepts anyone of
    the organisation: an organisation of 100,000 is not one <select>)."""

    def __init__(self, field: forms.ModelChoiceField, queryset: Any) -> None:
        super().__init__(field)
        self.queryset = queryset


def chosen_ids(form: forms.Form, name: str) -> list[int]:
    """The ids chosen in `form`'s field `name`: posted ones if bound, else the initial."""
    if form.is_bound:
        raw = form.data.getlist(name) if hasattr(form.data, "getlist") else form.data.get(name)
    else:
        raw = form.initial.get(name, form.fields[name].initial)
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    ids = []
    for value in values:
        value = getattr(value, "pk", value)
        try:
            number = int(str(value))
        except ValueError:
            continue
        if 0 < number <= MAX_ID:
            ids.append(number)
    return ids


def ids_from_query(request: Any, name: str, *, limit: int = 10) -> list[int]:
    """Person ids a link passed in `?name=` (repeatable), for prefilling a form: anything
    that is not an id in range is dropped; the form's own field still decides who is allowed."""
    ids = []
    for value in request.GET.getlist(name)[: limit * 2]:
        if value.isdigit() and 0 < int(value) <= MAX_ID:
            ids.append(int(value))
    return ids[:limit]
