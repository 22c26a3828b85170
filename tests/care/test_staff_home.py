"""Therapists and practice admins belong to no organisation: Rapport's home page (where
sign-in lands) sends them to their own start page instead of an organisation's Today."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import staff_client

pytestmark = pytest.mark.django_db


def test_a_therapist_starts_at_their_schedule(care):
    response = staff_client(care.therapist.user).get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"] == reverse("care:schedule")


def test_a_practice_admin_starts_at_the_practice_page(care):
    response = staff_client(care.practice_admin).get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"] == reverse("care:practice_admin")


def test_a_user_of_no_organisation_and_no_practice_still_gets_the_explanation():
    user = get_user_model().objects.create_user(email="nobody@example.com", password="x")
    response = staff_client(user).get(reverse("today"))
    assert response.status_code == 403
