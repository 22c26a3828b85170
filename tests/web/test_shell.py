import pytest
from django.urls import reverse

from rapport.web.capabilities import CAPABILITIES

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_today_shows_the_navigation_for_every_capability(member_client):
    response = member_client.get(reverse("today"))
    assert response.status_code == 200
    html = response.content.decode()
    for capability in CAPABILITIES:
        assert capability.name.replace("&", "&amp;") in html


@pytest.mark.parametrize("slug", [c.slug for c in CAPABILITIES])
def test_each_capability_has_a_page(member_client, slug):
    response = member_client.get(reverse("coming_soon", args=[slug]))
    assert response.status_code == 200


def test_an_unknown_capability_is_a_friendly_404(member_client):
    response = member_client.get("/soon/nonsense/")
    assert response.status_code == 404
    assert b"nothing here" in response.content


def test_a_signed_in_user_without_an_organisation_is_told_why(client, django_user_model):
    user = django_user_model.objects.create_user("lost@example.com", "pw-long-enough-1")
    client.force_login(user)
    response = client.get(reverse("today"))
    assert response.status_code == 403
    assert b"not part of an organisation" in response.content
