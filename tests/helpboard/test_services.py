"""The help board's rules, through its services: capacity and its week, requests, offers,
done (the ledger), the periodic close and the suggestions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rapport.helpboard import services
from rapport.helpboard.models import (
    Capacity,
    HelpRequest,
    Offer,
    OfferState,
    RequestState,
    Skill,
)
from rapport.helpboard.skills import skills_normalise
from rapport.helpboard.tasks import close_past_requests
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

from ..factories import MembershipFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def ask(requester: Person, **extra) -> HelpRequest:
    fields = {
        "title": "Review my migration plan",
        "effort": "under_hour",
        "needed_by": timezone.now().date() + timedelta(days=7),
        "skills": "postgresql, Data Modelling",
    } | extra
    return services.help_request_create(requester=requester, **fields)


def notifications_of(person: Person, type_: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, type=type_))


# --- skills ---------------------------------------------------------------------------------


def test_skills_are_normalised_to_lower_case_single_spaced_unique_tags():
    assert skills_normalise(" Figma, SQL ,figma,,  data   modelling ;#ux", limit=15) == [
        "figma",
        "sql",
        "data modelling",
        "ux",
    ]


def test_too_many_or_too_long_skills_are_refused_with_a_message():
    with pytest.raises(ValidationError, match="at most 5"):
        skills_normalise([f"s{i}" for i in range(6)], limit=5)
    with pytest.raises(ValidationError, match="too long"):
        skills_normalise(["x" * 41], limit=5)


@given(st.lists(st.text(max_size=45), max_size=20))
def test_normalised_skills_are_always_clean(raw):
    try:
        names = skills_normalise(raw, limit=15)
    except ValidationError:
        return
    assert len(names) <= 15 and len(set(names)) == len(names)
    for name in names:
        assert name == name.strip().lower() and name and "  " not in name and len(name) <= 40


# --- capacity -------------------------------------------------------------------------------


def test_capacity_this_week_lasts_until_the_end_of_the_local_week(member):
    member.time_zone = "America/New_York"
    member.save()
    # Wednesday 2025-03-05 noon UTC; the week ends Monday 2025-03-10 00:00 in New York
    # (after the DST change of Sunday 9 March, so 04:00 UTC, not 05:00).
    now = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
    capacity = services.capacity_update(
        person=member, status="available", skills="Figma, sql", now=now
    )
    assert capacity.available_until == datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
    assert capacity.has_room(now)
    assert sorted(capacity.skills.values_list("name", flat=True)) == ["figma", "sql"]
    later = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
    assert not capacity.has_room(later) and capacity.is_stale(later)


def test_a_steady_or_swamped_week_has_no_end_and_is_never_stale(member):
    capacity = services.capacity_update(person=member, status="steady", skills="")
    assert capacity.available_until is None and not capacity.is_stale()


def test_more_than_fifteen_skills_for_a_person_are_refused_and_nothing_saved(member):
    with pytest.raises(ValidationError, match="at most 15"):
        services.capacity_update(
            person=member, status="available", skills=[f"skill {i}" for i in range(16)]
        )
    assert not Capacity.objects.exists() and not Skill.objects.exists()


def test_skills_are_shared_tags_of_the_organisation(member, lead, outsider):
    services.capacity_update(person=member, status="steady", skills="SQL")
    services.capacity_update(person=lead, status="steady", skills="sql, go")
    services.capacity_update(person=outsider, status="steady", skills="sql")
    assert Skill.objects.filter(organization=member.organization).count() == 2
    assert Skill.objects.count() == 3


def _with_room(org, team, name: str, **capacity) -> Person:
    person = PersonFactory(organization=org, display_name=name)
    MembershipFactory(person=person, team=team)
    services.capacity_update(person=person, status="available", skills="", **capacity)
    return person


def test_turning_swamped_suggests_teammates_with_room_offer_help_once_a_week(org, team, member):
    helper = _with_room(org, team, "Hana Helper")
    shy = _with_room(org, team, "Sam Shy", suggestions_off=True)
    other_team = TeamFactory(organization=org)
    elsewhere = _with_room(org, other_team, "Elsa Elsewhere")
    busy = PersonFactory(organization=org)
    MembershipFactory(person=busy, team=team)
    services.capacity_update(person=busy, status="steady", skills="")

    services.capacity_update(person=member, status="swamped", skills="")
    [suggestion] = notifications_of(helper, NotificationType.HELP_SUGGESTION)
    assert suggestion.title == "Mia Member is swamped this week"
    assert suggestion.url == f"/people/{member.pk}/"
    for nobody in (shy, elsewhere, busy, member):
        assert notifications_of(nobody, NotificationType.HELP_SUGGESTION) == []

    # Saving "swamped" again, or swinging back and forth, in the same week: nothing more.
    services.capacity_update(person=member, status="swamped", skills="sql")
    services.capacity_update(person=member, status="steady", skills="")
    services.capacity_update(person=member, status="swamped", skills="")
    assert len(notifications_of(helper, NotificationType.HELP_SUGGESTION)) == 1
    # Next week is a new week.
    with time_machine.travel(timezone.now() + timedelta(days=7)):
        services.capacity_update(person=helper, status="available", skills="")
        services.capacity_update(person=member, status="steady", skills="")
        services.capacity_update(person=member, status="swamped", skills="")
    assert len(notifications_of(helper, NotificationType.HELP_SUGGESTION)) == 2


def test_stale_capacity_gets_no_suggestions(org, team, member):
    helper = _with_room(org, team, "Hana Helper")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        services.capacity_update(person=member, status="swamped", skills="")
    assert notifications_of(helper, NotificationType.HELP_SUGGESTION) == []


def test_a_challenge_posted_suggests_teammates_with_room_link_to_the_post(org, team, member):
    helper = _with_room(org, team, "Hana Helper")
    assert services.challenge_posted_suggest(author=member, post_url="/feed/posts/7/") == 1
    assert services.challenge_posted_suggest(author=member, post_url="/feed/posts/8/") == 1
    [suggestion] = notifications_of(helper, NotificationType.HELP_SUGGESTION)
    assert suggestion.url == "/feed/posts/7/"
    assert "shared a challenge" in suggestion.title
    with pytest.raises(ValidationError):
        services.challenge_posted_suggest(author=member, post_url="https://evil.example/")


# --- requests -------------------------------------------------------------------------------


def test_a_request_needed_by_a_past_date_is_refused_in_the_requesters_time_zone(member):
    member.time_zone = "Pacific/Kiritimati"  # UTC+14: their "today" is UTC's tomorrow
    member.save()
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="passed"):
        ask(member, needed_by=date(2025, 6, 1), now=now)
    assert not HelpRequest.objects.exists()
    assert ask(member, needed_by=date(2025, 6, 2), now=now).pk


def test_oversized_text_and_too_many_skills_are_refused_and_nothing_is_saved(member):
    with pytest.raises(ValidationError) as error:
        ask(member, title="x" * 121)
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError, match="at most 5"):
        ask(member, skills=["a", "b", "c", "d", "e", "f"])
    assert not HelpRequest.objects.exists() and not Skill.objects.exists()


def test_a_team_request_is_seen_by_that_team_only(org, team, member, lead, admin):
    request = ask(member, audience="team")
    assert request.team == team
    assert HelpRequest.objects.visible_to(lead).filter(pk=request.pk).exists()
    assert not HelpRequest.objects.visible_to(admin).filter(pk=request.pk).exists()
    assert HelpRequest.objects.visible_to(member).filter(pk=request.pk).exists()


def test_a_team_request_needs_one_of_my_teams(org, member, admin):
    with pytest.raises(ValidationError, match="not in a team"):
        ask(admin, audience="team")
    with pytest.raises(ValidationError, match="your own teams"):
        ask(member, audience="team", team=TeamFactory(organization=org))


# --- offers and done ------------------------------------------------------------------------


def test_offers_accept_done_record_help_in_the_ledger_and_tell_everyone(member, lead, admin):
    request = ask(member)
    first = services.offer_create(request=request, helper=lead, message="Happy to pair")
    second = services.offer_create(request=request, helper=admin, message="")
    offers_told = notifications_of(member, NotificationType.HELP_OFFER)
    assert [n.body for n in offers_told] == ["", "Happy to pair"]

    services.offer_accept(offer=first, by=member)
    services.offer_accept(offer=first, by=member)  # twice is once
    [accepted] = notifications_of(lead, NotificationType.HELP_UPDATE)
    assert "accepted your offer" in accepted.title

    services.help_request_done(request=request, by=member)
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.done_at
    [helped] = Interaction.objects.filter(kind=Kind.HELPED)
    assert (helped.actor, helped.other, helped.source_id) == (lead, member, first.pk)
    assert len(notifications_of(lead, NotificationType.HELP_UPDATE)) == 2
    assert notifications_of(admin, NotificationType.HELP_UPDATE) == []
    second.refresh_from_db()
    assert second.state == OfferState.OFFERED


def test_offering_on_my_own_request_is_refused(member):
    request = ask(member)
    with pytest.raises(ValidationError, match="your own request"):
        services.offer_create(request=request, helper=member)
    assert not Offer.objects.exists()


def test_offering_on_a_closed_or_done_request_is_refused(member, lead, admin):
    request = ask(member)
    services.help_request_close(request=request, by=member)
    with pytest.raises(ValidationError, match="no longer open"):
        services.offer_create(request=request, helper=lead)
    assert not Offer.objects.exists()


def test_offering_twice_and_oversized_offers_are_refused(member, lead):
    request = ask(member)
    services.offer_create(request=request, helper=lead)
    with pytest.raises(ValidationError, match="already offered"):
        services.offer_create(request=request, helper=lead)
    with pytest.raises(ValidationError):
        services.offer_create(request=ask(member), helper=lead, message="x" * 281)
    assert Offer.objects.count() == 1


def test_only_the_requester_accepts_marks_done_or_closes(member, lead, admin):
    request = ask(member)
    offer = services.offer_create(request=request, helper=lead)
    with pytest.raises(PermissionDenied, match="Only the person who asked"):
        services.offer_accept(offer=offer, by=admin)
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, by=lead)
    with pytest.raises(PermissionDenied):
        services.help_request_done(request=request, by=lead)
    with pytest.raises(PermissionDenied):
        services.help_request_close(request=request, by=admin)
    offer.refresh_from_db()
    request.refresh_from_db()
    assert offer.state == OfferState.OFFERED and request.state == RequestState.OPEN


def test_done_needs_an_accepted_offer_and_happens_once(member, lead):
    request = ask(member)
    offer = services.offer_create(request=request, helper=lead)
    with pytest.raises(ValidationError, match="Accept the offer"):
        services.help_request_done(request=request, by=member)
    services.offer_accept(offer=offer, by=member)
    services.help_request_done(request=request, by=member)
    with pytest.raises(ValidationError, match="done already"):
        services.help_request_done(request=request, by=member)
    assert Interaction.objects.filter(kind=Kind.HELPED).count() == 1


# --- the periodic close ---------------------------------------------------------------------


def test_requests_close_themselves_after_their_date_once_with_a_notification(member, lead):
    member.time_zone = "America/Los_Angeles"
    member.save()
    now = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)  # 05:00 on the 10th in Los Angeles
    past = ask(member, needed_by=date(2025, 6, 9), now=now - timedelta(days=3))
    today = ask(member, needed_by=date(2025, 6, 10), now=now - timedelta(days=3))
    done = ask(member, needed_by=date(2025, 6, 9), now=now - timedelta(days=3))
    services.offer_accept(offer=services.offer_create(request=done, helper=lead), by=member)
    services.help_request_done(request=done, by=member)

    assert services.help_requests_close_expired(now=now) == 1
    assert services.help_requests_close_expired(now=now) == 0
    past.refresh_from_db()
    today.refresh_from_db()
    assert past.state == RequestState.CLOSED and past.closed_automatically
    assert today.state == RequestState.OPEN
    [told] = notifications_of(member, NotificationType.HELP_UPDATE)
    assert "closed after its date" in told.title

    # 08:00 UTC on the 11th is still the 10th in Los Angeles; 08:00 there is the 11th.
    assert services.help_requests_close_expired(now=datetime(2025, 6, 11, 6, tzinfo=UTC)) == 0
    assert services.help_requests_close_expired(now=datetime(2025, 6, 11, 8, tzinfo=UTC)) == 1


def test_the_periodic_task_closes_past_requests(member):
    request = ask(
        member,
        needed_by=timezone.now().date() - timedelta(days=2),
        now=timezone.now() - timedelta(days=5),
    )
    assert close_past_requests.call("2025-01-01T00:00:00Z") == 1
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED


def test_a_request_that_is_no_longer_open_leaves_the_open_skill_index(member, lead):
    from rapport.helpboard.models import RequestSkill

    closed, done, expired, still_open = (ask(member) for _ in range(4))
    services.help_request_close(request=closed, by=member)
    services.offer_accept(offer=services.offer_create(request=done, helper=lead), by=member)
    services.help_request_done(request=done, by=member)
    HelpRequest.objects.filter(pk=expired.pk).update(needed_by=date(2020, 1, 1))
    services.help_requests_close_expired()
    open_ids = set(RequestSkill.objects.filter(is_open=True).values_list("request_id", flat=True))
    assert open_ids == {still_open.pk}
    assert RequestSkill.objects.filter(is_open=False).count() == 6
