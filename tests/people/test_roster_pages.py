"""The roster import page: upload, preview, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.people import roster_views
from rapport.people.models import Person, Team

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("people:roster_import")
SAMPLES = Path(__file__).parent / "roster_samples"


def upload(client, data: bytes, name: str = "roster.csv"):
    return client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def imported(org) -> int:
    return Person.objects.filter(organization=org, user__email__endswith="@acme.example").count()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302


def test_people_who_are_not_org_admins_are_refused(member_client):
    assert member_client.get(URL).status_code == 403
    assert upload(member_client, sample("acme.csv")).status_code == 403


def test_the_page_explains_the_file_and_offers_an_upload(org_admin_client):
    response = org_admin_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert "email,name,team,team_role,org_admin,manager_email,timezone" in html
    assert "Import now" not in html


def test_uploading_shows_a_preview_and_writes_nothing(org_admin_client, org):
    response = upload(org_admin_client, sample("acme.csv"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "7 new" in html and "4 new teams" in html
    assert "grace@acme.example" in html
    assert "Import now" in html
    assert imported(org) == 0


def test_confirming_imports_the_previewed_file_without_uploading_it_again(org_admin_client, org):
    preview = upload(org_admin_client, sample("acme.csv"))

    response = org_admin_client.post(
        URL, {"action": "confirm", "digest": preview.context["digest"]}, follow=True
    )

    assert response.redirect_chain == [(URL, 302)]
    assert "The roster is imported. Created 7 people" in response.content.decode()
    assert imported(org) == 7
    assert Team.objects.filter(organization=org, name="Design Systems").exists()
    # the preview is used up
    again = org_admin_client.post(URL, {"action": "confirm", "digest": preview.context["digest"]})
    assert again.status_code == 302 and imported(org) == 7


def test_a_file_with_errors_lists_each_one_with_its_line_and_cannot_be_imported(
    org_admin_client, org
):
    response = upload(org_admin_client, sample("broken.csv"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "8 errors" in html
    assert "line 3: name is empty" in html
    assert "line 4: ada@acme.example is already on line 2" in html
    assert "Import now" not in html
    assert roster_views.SESSION_KEY not in org_admin_client.session
    assert imported(org) == 0


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(
    org_admin_client, org, monkeypatch
):
    monkeypatch.setattr(roster_views, "MAX_UPLOAD_BYTES", 100)

    response = upload(org_admin_client, sample("acme.csv"))

    assert response.status_code == 200
    assert "the limit here is 100" in response.content.decode()
    assert imported(org) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\xff\xfe\x00e\x00m\x00a\x00i\x00l", "line 1: the file is not UTF-8 text"),  # UTF-16
        (b"PK\x03\x04\x14\x00\x00\x00", "line 1: the file is not text"),  # a spreadsheet
        (b'email,name\n"unclosed,Ada\n', "line 2: this line is not valid CSV"),
        (b"\xef\xbb\xbfemail;name\na@x.com;A\n", "line 1: the columns are separated by semicolons"),
    ],
)
def test_bad_files_get_a_message_not_a_server_error(org_admin_client, data, message):
    response = upload(org_admin_client, data)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_posting_without_a_file_asks_for_one(org_admin_client):
    response = org_admin_client.post(URL, {"action": "preview"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_confirming_without_a_preview_asks_for_the_file_again(org_admin_client, org):
    response = org_admin_client.post(URL, {"action": "confirm", "digest": "x"}, follow=True)

    assert "please upload the file again" in response.content.decode()
    assert imported(org) == 0


def test_confirming_a_different_preview_than_the_one_waiting_is_refused(org_admin_client, org):
    upload(org_admin_client, sample("acme.csv"))

    response = org_admin_client.post(URL, {"action": "confirm", "digest": "0" * 64}, follow=True)

    assert "please upload the file again" in response.content.decode()
    assert imported(org) == 0


def test_cancelling_forgets_the_preview(org_admin_client, org):
    preview = upload(org_admin_client, sample("acme.csv"))

    org_admin_client.post(URL, {"action": "cancel"})
    org_admin_client.post(URL, {"action": "confirm", "digest": preview.context["digest"]})

    assert imported(org) == 0


def test_if_the_organisation_changed_since_the_preview_the_new_errors_are_shown(
    org_admin_client, org, other_org
):
    preview = upload(org_admin_client, sample("acme.csv"))
    PersonFactory(organization=other_org, user__email="ken@acme.example")

    response = org_admin_client.post(
        URL, {"action": "confirm", "digest": preview.context["digest"]}
    )

    assert response.status_code == 200
    assert (
        "line 6: ken@acme.example is already used by another account" in response.content.decode()
    )
    assert imported(org) == 0


def test_a_file_that_changes_nothing_has_nothing_to_confirm(org_admin_client, org):
    preview = upload(org_admin_client, sample("acme.csv"))
    org_admin_client.post(URL, {"action": "confirm", "digest": preview.context["digest"]})

    response = upload(org_admin_client, sample("acme.csv"))

    html = response.content.decode()
    assert "already up to date" in html and "Import now" not in html


def test_people_are_imported_into_the_admins_own_organisation(org_admin_client, org, outsider):
    preview = upload(org_admin_client, sample("acme.csv"))
    org_admin_client.post(URL, {"action": "confirm", "digest": preview.context["digest"]})

    assert set(
        Person.objects.filter(user__email__endswith="@acme.example").values_list(
            "organization", flat=True
        )
    ) == {org.pk}
