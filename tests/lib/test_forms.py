import pytest
from django import forms

from rapport.lib import forms as lib_forms
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


class Pick(forms.Form):
    one = lib_forms.ModelChoiceField(queryset=Person.objects.all(), required=False)
    many = lib_forms.ModelMultipleChoiceField(queryset=Person.objects.all(), required=False)


@pytest.mark.parametrize("huge", ["99999999999999999999", "-99999999999999999999"])
def test_ids_beyond_any_database_integer_are_just_not_a_choice(member, huge):
    form = Pick(data={"one": huge, "many": [str(member.pk), huge]})
    assert not form.is_valid()
    assert "not one of the available choices" in form.errors["one"][0]
    assert "many" in form.errors


def test_real_ids_still_work(member):
    form = Pick(data={"one": str(member.pk), "many": [str(member.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == member and list(form.cleaned_data["many"]) == [member]
