"""Who sees which thanks (one rule, `visible_to`), the feeds, and unsung teammates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.kudos import selectors
from rapport.kudos.models import Audience, Kudos
from rapport.ledger.kinds import Kind
from rapport.people.models import Person
from tests.factories import InteractionFactory, MembershipFactory, PersonFactory

from .factories import KudosFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_kudos(member, teammate, designer, loner):
    """Loner thanks Tomás (Mia's teammate) three times, once per audience."""
    return {
        audience: KudosFactory(giver=loner, to=[teammate], audience=audience)
        for audience in Audience.values
    }


def visible(person: Person) -> set[str]:
    return set(Kudos.objects.visible_to(person).values_list("audience", flat=True))


def test_private_thanks_are_seen_only_by_giver_and_receivers(
    three_kudos, member, teammate, designer, loner, admin
):
    assert visible(loner) == {"private", "team", "organization"}  # the giver
    assert visible(teammate) == {"private", "team", "organization"}  # the receiver
    # Mia shares a team with the receiver: the team thanks, not the private ones.
    assert visible(member) == {"team", "organization"}
    # Dee and the org admin share no team with the receiver: only what everyone sees.
    assert visible(designer) == {"organization"}
    assert visible(admin) == {"organization"}


def test_nobody_in_another_organisation_sees_anything(three_kudos, outsider):
    assert visible(outsider) == set()


def test_the_team_feed_shows_public_thanks_to_the_teams_members(
    three_kudos, member, team, design, designer
):
    feed = selectors.kudos_feed_team(viewer=member, teams=[team])
    assert {k.audience for k in feed} == {"team", "organization"}
    # Dee looks at the Platform feed: only what is shared with everyone.
    assert {k.audience for k in selectors.kudos_feed_team(viewer=designer, teams=[team])} == {
        "organization"
    }
    assert not selectors.kudos_feed_team(viewer=member, teams=[design]).exists()


def test_the_org_feed_shows_only_thanks_shared_with_everyone(three_kudos, member):
    assert [k.audience for k in selectors.kudos_feed_org(viewer=member)] == ["organization"]


def test_my_kudos_include_private_ones_given_and_received(three_kudos, teammate, loner):
    assert selectors.kudos_feed_mine(viewer=teammate, show="received").count() == 3
    assert selectors.kudos_feed_mine(viewer=teammate, show="given").count() == 0
    assert selectors.kudos_feed_mine(viewer=loner, show="given").count() == 3
    assert selectors.kudos_feed_mine(viewer=loner).count() == 3


def test_feeds_are_newest_first(member, teammate):
    now = timezone.now()
    old = KudosFactory(giver=member, to=[teammate], created_at=now - timedelta(days=3))
    new = KudosFactory(giver=member, to=[teammate], created_at=now)
    assert list(selectors.kudos_feed_org(viewer=member)) == [new, old]


# --- unsung --------------------------------------------------------------------------------


def helped(person: Person, other: Person, *, days_ago: int = 3, kind: str = Kind.HELPED) -> None:
    InteractionFactory(
        actor=person, other=other, kind=kind, occurred_at=timezone.now() - timedelta(days_ago)
    )


def unsung_names(viewer: Person) -> list[str]:
    return [p.display_name for p in selectors.unsung_teammates(viewer=viewer)]


def test_a_teammate_who_helped_me_and_was_not_thanked_is_unsung(member, teammate):
    helped(teammate, member)
    people = list(selectors.unsung_teammates(viewer=member))
    assert [p.display_name for p in people] == ["Tomás Teammate"]
    assert selectors.unsung_reasons(people[0]) == ["Helped you recently"]


def test_help_between_two_other_people_is_theirs_not_mine_to_know(member, teammate, designer):
    # Who helped whom on the help board is seen by the two of them only.
    helped(teammate, designer)
    assert unsung_names(member) == []
    assert unsung_names(designer) == []  # and the designer is not Tomás' teammate


def test_keeping_promises_to_me_counts_too(member, teammate):
    helped(teammate, member, kind=Kind.COMMITMENT_KEPT)
    (person,) = selectors.unsung_teammates(viewer=member)
    assert selectors.unsung_reasons(person) == ["Kept their promises"]


def test_promises_kept_to_others_count_only_from_a_record_shared_with_the_team(
    member, teammate, designer
):
    from rapport.commitments.models import CommitmentSettings

    helped(teammate, designer, kind=Kind.COMMITMENT_KEPT)
    assert unsung_names(member) == []
    settings = CommitmentSettings.objects.create(person=teammate, share_record=True)
    assert unsung_names(member) == ["Tomás Teammate"]
    settings.share_record = False
    settings.save(update_fields=["share_record"])
    assert unsung_names(member) == []


def test_thanks_the_viewer_can_see_take_them_off_the_list(member, teammate, designer, loner):
    helped(teammate, member)
    KudosFactory(giver=loner, to=[teammate], audience=Audience.TEAM)
    assert unsung_names(member) == []


def test_private_thanks_the_viewer_cannot_see_do_not_reveal_themselves(
    member, teammate, designer, loner
):
    helped(teammate, member)
    KudosFactory(giver=loner, to=[teammate], audience=Audience.PRIVATE)
    # Mia can't know Tomás was thanked privately: to her he is still unsung.
    assert unsung_names(member) == ["Tomás Teammate"]
    # Loner, who gave the private thanks, shares no team with Tomás: no list for him.
    assert unsung_names(loner) == []


def test_old_help_old_thanks_people_who_left_and_non_teammates_are_not_listed(
    member, teammate, designer, org, team
):
    helped(teammate, member, days_ago=45)  # too long ago
    helped(designer, member)  # not Mia's teammate
    gone = PersonFactory(organization=org, status=Person.Status.LEFT, user__password=None)
    MembershipFactory(person=gone, team=team)
    helped(gone, member)
    helped(member, teammate)  # Mia herself is never on her own list
    assert unsung_names(member) == []
    # Thanks older than 30 days don't count as recent recognition.
    helped(teammate, member, days_ago=2)
    KudosFactory(giver=designer, to=[teammate], created_at=timezone.now() - timedelta(days=40))
    assert unsung_names(member) == ["Tomás Teammate"]


def test_a_teammate_who_shared_a_challenge_the_viewer_can_read_is_unsung(member, teammate, design):
    from rapport.feed.services import post_create

    MembershipFactory(person=teammate, team=design)
    # A challenge told only to a team the viewer is not in stays unknown to them.
    post_create(author=teammate, kind="challenge", audience="team", team=design, body="Stuck")
    assert unsung_names(member) == []
    post_create(author=teammate, kind="challenge", audience="organization", body="Stuck again")
    (person,) = selectors.unsung_teammates(viewer=member)
    assert selectors.unsung_reasons(person) == ["Shared a challenge with the team"]
    # A win is not a challenge.
    post_create(author=member, kind="win", audience="organization", body="Shipped")
    assert unsung_names(member) == ["Tomás Teammate"]


def test_the_unsung_list_never_says_whom_or_what(member, teammate, designer):
    from rapport.commitments.models import CommitmentSettings

    CommitmentSettings.objects.create(person=teammate, share_record=True)
    helped(teammate, designer, kind=Kind.COMMITMENT_KEPT)
    (person,) = selectors.unsung_teammates(viewer=member)
    text = " ".join(selectors.unsung_reasons(person))
    assert designer.display_name not in text
