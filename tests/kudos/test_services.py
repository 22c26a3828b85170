"""Giving thanks, reacting, replying, values and settings, through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.kudos import services
from rapport.kudos.models import Audience, Kudos, KudosReaction, KudosReply, KudosSettings
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.people.models import Person
from tests.factories import PersonFactory

from .factories import KudosValueFactory

pytestmark = pytest.mark.django_db


def nothing_saved() -> bool:
    return (
        not Kudos.objects.exists()
        and not Interaction.objects.exists()
        and not Notification.objects.exists()
    )


def test_giving_thanks_records_the_ledger_and_tells_each_receiver(member, teammate, designer):
    value = KudosValueFactory(organization=member.organization, name="Help first")
    kudos = services.kudos_give(
        giver=member,
        receivers=[teammate, designer],
        message="  Thank you both for the late-night deploy help.  ",
        value=value,
        audience=Audience.ORGANIZATION,
    )
    kudos.refresh_from_db()
    assert kudos.message == "Thank you both for the late-night deploy help."
    assert set(kudos.receivers.all()) == {teammate, designer}
    rows = Interaction.objects.filter(kind=Kind.KUDOS)
    assert {(r.actor_id, r.other_id, r.source_id) for r in rows} == {
        (member.pk, teammate.pk, kudos.pk),
        (member.pk, designer.pk, kudos.pk),
    }
    received = Notification.objects.filter(type="kudos_received")
    assert {n.recipient_id for n in received} == {teammate.pk, designer.pk}
    assert all(n.title == "Mia Member thanked you for “Help first”" for n in received)
    assert all(n.url == f"/kudos/{kudos.pk}/" for n in received)


def test_a_private_thank_you_keeps_its_words_out_of_the_notification(member, teammate):
    services.kudos_give(
        giver=member, receivers=[teammate], message="Between us: thanks.", audience="private"
    )
    notification = Notification.objects.get(type="kudos_received")
    assert notification.body == ""


def test_the_message_is_encrypted_at_rest(member, teammate):
    from django.db import connection

    kudos = services.kudos_give(giver=member, receivers=[teammate], message="Secret thanks")
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM kudos_kudos WHERE id = %s", [kudos.pk])
        (raw,) = cursor.fetchone()
    assert "Secret" not in raw


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("", "empty message"),
        ("   \n ", "empty message"),
        ("x" * 501, "500 characters"),
    ],
)
def test_empty_or_overlong_messages_are_refused(member, teammate, message, problem):
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate], message=message)
    assert problem in caught.value.message_dict["message"][0]
    assert nothing_saved()


def test_a_message_of_exactly_500_characters_is_fine(member, teammate):
    kudos = services.kudos_give(giver=member, receivers=[teammate], message="y" * 500)
    assert len(kudos.message) == 500


def test_thanking_yourself_is_refused(member, teammate):
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate, member], message="Go me")
    assert "yourself" in caught.value.message_dict["receivers"][0]
    assert nothing_saved()


def test_thanking_someone_of_another_organisation_is_refused(member, outsider):
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[outsider], message="Thanks")
    assert "your own organisation" in caught.value.message_dict["receivers"][0]
    assert nothing_saved()


def test_thanking_someone_who_left_is_refused(member, teammate):
    teammate.status = Person.Status.LEFT
    teammate.save()
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate], message="Thanks")
    assert "has left" in caught.value.message_dict["receivers"][0]
    assert nothing_saved()


def test_no_receivers_or_too_many_are_refused(member, org):
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[], message="Thanks")
    assert "at least one" in caught.value.message_dict["receivers"][0]
    many = PersonFactory.create_batch(11, organization=org, user__password=None)
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=many, message="Thanks, all")
    assert "at most 10" in caught.value.message_dict["receivers"][0]
    assert nothing_saved()
    assert services.kudos_give(giver=member, receivers=many[:10], message="Thanks, all")


def test_a_value_of_another_organisation_or_a_retired_one_is_refused(member, teammate, other_org):
    foreign = KudosValueFactory(organization=other_org, name="Theirs")
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate], message="Hi", value=foreign)
    assert "your organisation's values" in caught.value.message_dict["value"][0]
    retired = KudosValueFactory(
        organization=member.organization, name="Old one", retired_at=timezone.now()
    )
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate], message="Hi", value=retired)
    assert "retired" in caught.value.message_dict["value"][0]
    assert nothing_saved()


def test_an_unknown_audience_is_refused(member, teammate):
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(giver=member, receivers=[teammate], message="Hi", audience="world")
    assert "audience" in caught.value.message_dict
    assert nothing_saved()


def test_the_daily_limit_counts_the_givers_own_day(member, teammate):
    # Mia lives in New York; the organisation allows two thank-yous a day.
    member.time_zone = "America/New_York"
    member.save()
    KudosSettings.objects.create(organization=member.organization, daily_limit=2)
    # 23:00 in New York on 9 March is 03:00 UTC on the 10th.
    late_evening = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)
    for _ in range(2):
        services.kudos_give(giver=member, receivers=[teammate], message="Hi", now=late_evening)
    with pytest.raises(ValidationError) as caught:
        services.kudos_give(
            giver=member,
            receivers=[teammate],
            message="One more",
            now=late_evening + timedelta(minutes=30),
        )
    assert "most your organisation allows" in caught.value.messages[0]
    assert Kudos.objects.count() == 2
    # Just after her midnight (05:00 UTC, the day after the DST change) it's a new day.
    services.kudos_give(
        giver=member,
        receivers=[teammate],
        message="New day",
        now=datetime(2025, 3, 10, 4, 1, tzinfo=UTC),
    )
    assert Kudos.objects.count() == 3


def test_without_a_limit_anyone_can_keep_thanking(member, teammate):
    for _ in range(12):
        services.kudos_give(giver=member, receivers=[teammate], message="Thanks again")
    assert Kudos.objects.count() == 12


def test_reactions_toggle_and_tell_the_others_once(member, teammate, designer):
    kudos = services.kudos_give(
        giver=member, receivers=[teammate], message="Thanks", audience="organization"
    )
    assert services.kudos_react(kudos=kudos, person=designer, kind="celebrate") is True
    assert services.kudos_react(kudos=kudos, person=designer, kind="love") is True
    assert KudosReaction.objects.filter(kudos=kudos, person=designer).count() == 2
    assert services.kudos_react(kudos=kudos, person=designer, kind="celebrate") is False
    assert services.kudos_react(kudos=kudos, person=designer, kind="celebrate") is True
    activity = Notification.objects.filter(type="kudos_activity")
    # Giver and receiver hear about each kind once, however often it is toggled.
    assert activity.count() == 4
    assert {n.recipient_id for n in activity} == {member.pk, teammate.pk}


def test_an_unknown_reaction_is_refused(member, teammate):
    kudos = services.kudos_give(giver=member, receivers=[teammate], message="Thanks")
    with pytest.raises(ValidationError):
        services.kudos_react(kudos=kudos, person=teammate, kind="thumbsdown")
    assert not KudosReaction.objects.exists()


def test_a_reply_tells_the_giver_and_receivers_but_not_its_author(member, teammate, designer):
    kudos = services.kudos_give(
        giver=member, receivers=[teammate, designer], message="Thanks, both"
    )
    Notification.objects.all().delete()
    reply = services.kudos_reply(kudos=kudos, author=teammate, message="Any time!")
    assert reply.message == "Any time!"
    told = Notification.objects.filter(type="kudos_activity")
    assert {n.recipient_id for n in told} == {member.pk, designer.pk}
    with pytest.raises(ValidationError):
        services.kudos_reply(kudos=kudos, author=teammate, message=" ")
    with pytest.raises(ValidationError):
        services.kudos_reply(kudos=kudos, author=teammate, message="z" * 501)
    assert KudosReply.objects.count() == 1


# --- values and settings -------------------------------------------------------------------


def test_admins_add_rename_retire_and_restore_values_and_each_is_audited(admin):
    value = services.kudos_value_create(actor=admin, name="  Own   it ")
    assert value.name == "Own it"
    services.kudos_value_rename(actor=admin, value=value, name="Own it, kindly")
    services.kudos_value_set_retired(actor=admin, value=value, retired=True)
    assert value.is_retired
    services.kudos_value_set_retired(actor=admin, value=value, retired=False)
    assert not value.is_retired
    events = list(AuditEvent.objects.filter(target_type="kudosvalue").order_by("created_at", "id"))
    assert [e.details["change"] for e in events] == [
        "kudos_value_added",
        "kudos_value_renamed",
        "kudos_value_retired",
        "kudos_value_restored",
    ]
    assert events[1].details["previous_name"] == "Own it"
    assert all(e.actor_id == admin.pk for e in events)


def test_value_names_are_unique_per_organisation_ignoring_case(admin, outsider):
    services.kudos_value_create(actor=admin, name="Help first")
    with pytest.raises(ValidationError) as caught:
        services.kudos_value_create(actor=admin, name="help FIRST")
    assert "already a value" in caught.value.message_dict["name"][0]
    # Another organisation may use the same words.
    services.kudos_value_create(actor=outsider, name="Help first")
    with pytest.raises(ValidationError):
        services.kudos_value_create(actor=admin, name="   ")
    with pytest.raises(ValidationError):
        services.kudos_value_create(actor=admin, name="n" * 41)


def test_only_org_admins_manage_values_and_the_limit(member, admin):
    with pytest.raises(PermissionDenied):
        services.kudos_value_create(actor=member, name="Sneaky")
    value = services.kudos_value_create(actor=admin, name="Own it")
    with pytest.raises(PermissionDenied):
        services.kudos_value_rename(actor=member, value=value, name="Mine now")
    with pytest.raises(PermissionDenied):
        services.kudos_value_set_retired(actor=member, value=value, retired=True)
    with pytest.raises(PermissionDenied):
        services.kudos_settings_update(actor=member, daily_limit=1)


def test_the_daily_limit_setting_is_validated_and_audited(admin):
    settings = services.kudos_settings_update(actor=admin, daily_limit=5)
    assert settings.daily_limit == 5
    event = AuditEvent.objects.get(action="kudos_values_changed")
    assert event.details == {
        "change": "kudos_daily_limit",
        "previous_limit": None,
        "daily_limit": 5,
    }
    with pytest.raises(ValidationError):
        services.kudos_settings_update(actor=admin, daily_limit=0)
    assert KudosSettings.objects.get().daily_limit == 5
    services.kudos_settings_update(actor=admin, daily_limit=None)
    assert KudosSettings.objects.get().daily_limit is None


def test_local_day_start_is_midnight_on_dst_days():
    person = PersonFactory.build(time_zone="Europe/London")
    # 30 March 2025: the clocks go forward at 01:00 in London.
    with time_machine.travel(datetime(2025, 3, 30, 12, 0, tzinfo=UTC)):
        start = services.local_day_start(person, timezone.now())
    assert start == datetime(2025, 3, 30, 0, 0, tzinfo=UTC)  # GMT until 01:00
    with time_machine.travel(datetime(2025, 3, 31, 12, 0, tzinfo=UTC)):
        start = services.local_day_start(person, timezone.now())
    assert start == datetime(2025, 3, 30, 23, 0, tzinfo=UTC)  # BST midnight
