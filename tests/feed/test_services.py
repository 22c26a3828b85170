"""Posting, replying, reacting and mentioning: the rules, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.feed import selectors, services
from rapport.feed.access import can_see, get_post_for
from rapport.feed.models import MAX_LENGTH, Mention, Post, Reaction
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

ORG = Post.Audience.ORGANIZATION
TEAM = Post.Audience.TEAM


def _post(author, body="A small win", *, kind=Post.Kind.WIN, team=None):
    audience = TEAM if team else ORG
    return services.post_create(author=author, kind=kind, audience=audience, team=team, body=body)


def _notes(person, type_):
    return list(Notification.objects.filter(recipient=person, type=type_))


def test_a_post_is_trimmed_and_stored_for_the_organisation(member):
    post = _post(member, "  Shipped it!  ")
    assert (
        post.body == "Shipped it!"
        and post.team is None
        and post.organization == member.organization
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "can't be empty"),
        ("   ", "can't be empty"),
        ("x" * (MAX_LENGTH + 1), "1000 characters"),
        ("nul\x00", "NUL"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_saved(member, body, message):
    with pytest.raises(ValidationError) as error:
        _post(member, body)
    assert message in str(error.value)
    assert not Post.objects.exists()


def test_exactly_the_longest_text_is_fine(member):
    assert len(_post(member, "x" * MAX_LENGTH).body) == MAX_LENGTH


def test_a_team_post_must_go_to_one_of_my_teams(member, team, design):
    assert _post(member, team=team).team == team
    with pytest.raises(ValidationError, match="teams you are in"):
        _post(member, team=design)
    with pytest.raises(ValidationError, match="which of your teams"):
        services.post_create(author=member, kind="win", audience=TEAM, body="x")
    with pytest.raises(ValidationError, match="win or a challenge"):
        services.post_create(author=member, kind="brag", audience=ORG, body="x")


def test_posting_alone_records_nothing_in_the_ledger(member):
    _post(member)
    assert not Interaction.objects.exists()


def test_team_posts_are_for_team_members_and_org_posts_for_everyone(
    member, priya, sam, team, outsider
):
    team_post, org_post = _post(member, team=team), _post(member)
    assert set(Post.objects.visible_to(priya)) == {team_post, org_post}
    assert set(Post.objects.visible_to(sam)) == {org_post}
    assert not Post.objects.visible_to(outsider).exists()
    assert (
        can_see(priya, team_post)
        and not can_see(sam, team_post)
        and not can_see(outsider, org_post)
    )


def test_a_mention_notifies_people_who_can_read_the_post_only(member, priya, sam, team):
    post = _post(member, "Thanks @Priya Patel and @Sam Okafor!", team=team)
    assert set(Mention.objects.filter(post=post).values_list("person_id", flat=True)) == {
        priya.pk,
        sam.pk,
    }
    [note] = _notes(priya, NotificationType.MENTIONED)
    assert note.title == "Mia Member mentioned you in a win"
    assert note.url == f"/feed/posts/{post.pk}/"
    assert _notes(sam, NotificationType.MENTIONED) == []  # not in Platform: can't read it


def test_a_handle_mentions_and_a_self_mention_tells_nobody(member, priya):
    _post(member, "@priya.patel and me, @Mia Member")
    assert len(_notes(priya, NotificationType.MENTIONED)) == 1
    assert _notes(member, NotificationType.MENTIONED) == []


def test_people_of_another_organisation_or_who_left_cannot_be_mentioned(member, priya, outsider):
    priya.status = Person.Status.LEFT
    priya.save()
    post = _post(member, "Hi @Priya Patel and @Otto Outsider")
    assert not Mention.objects.filter(post=post).exists()


def test_editing_tells_only_the_newly_mentioned_once(member, priya, sam):
    post = _post(member, "Thanks @Priya Patel")
    services.post_update(post=post, editor=member, body="Thanks @Priya Patel and @Sam Okafor")
    services.post_update(post=post, editor=member, body="Thanks @Sam Okafor", kind="challenge")
    assert len(_notes(priya, NotificationType.MENTIONED)) == 1
    assert len(_notes(sam, NotificationType.MENTIONED)) == 1
    post.refresh_from_db()
    assert post.kind == "challenge" and post.edited_at is not None
    assert list(Mention.objects.filter(post=post).values_list("person_id", flat=True)) == [sam.pk]


def test_only_the_author_edits_or_deletes(member, priya):
    post = _post(member)
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, editor=priya, body="mine now")
    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, actor=priya)
    reply = services.reply_create(author=priya, post=post, body="Nice")
    with pytest.raises(PermissionDenied):
        services.reply_update(reply=reply, editor=member, body="edited")
    with pytest.raises(PermissionDenied):
        services.reply_delete(reply=reply, actor=member)


def test_a_reply_records_replied_and_tells_the_author(member, priya):
    post = _post(member, kind=Post.Kind.CHALLENGE)
    reply = services.reply_create(author=priya, post=post, body="Happy to help @Mia Member")
    [interaction] = Interaction.objects.all()
    assert (interaction.actor, interaction.other, interaction.kind) == (priya, member, Kind.REPLIED)
    assert interaction.source_id == reply.pk
    [note] = _notes(member, NotificationType.POST_ACTIVITY)
    assert note.title == "Priya Patel replied to your challenge"
    assert note.url == f"/feed/posts/{post.pk}/#reply-{reply.pk}"
    # The mention in the reply is a separate notice, about the reply.
    [mention] = _notes(member, NotificationType.MENTIONED)
    assert mention.title == "Priya Patel mentioned you in a reply"


def test_replying_to_my_own_post_connects_nobody(member):
    post = _post(member)
    services.reply_create(author=member, post=post, body="Update: done")
    assert not Interaction.objects.exists()
    assert _notes(member, NotificationType.POST_ACTIVITY) == []


def test_deleting_a_reply_keeps_the_ledger_and_deleting_a_post_takes_everything(member, priya):
    post = _post(member)
    reply = services.reply_create(author=priya, post=post, body="@Mia Member well done")
    services.reaction_toggle(person=priya, post=post, kind="celebrate")
    services.reply_delete(reply=reply, actor=priya)
    assert Interaction.objects.count() == 1
    services.post_delete(post=post, actor=member)
    assert (
        not Post.objects.exists() and not Reaction.objects.exists() and not Mention.objects.exists()
    )


def test_reactions_toggle_and_only_known_ones(member, priya):
    post = _post(member)
    assert services.reaction_toggle(person=priya, post=post, kind="celebrate") is True
    assert services.reaction_toggle(person=priya, post=post, kind="support") is True
    assert services.reaction_toggle(person=priya, post=post, kind="celebrate") is False
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["support"]
    with pytest.raises(ValidationError):
        services.reaction_toggle(person=priya, post=post, kind="angry")


def test_the_access_helper_answers_404_for_a_team_i_am_not_in(member, sam, team):
    from django.http import Http404

    post = _post(member, team=team)
    assert get_post_for(member, post.pk) == post
    with pytest.raises(Http404):
        get_post_for(sam, post.pk)


def test_challenge_authors_since_a_time(member, priya, sam, team, outsider):
    now = timezone.now()
    services.post_create(
        author=member,
        kind="challenge",
        audience=TEAM,
        team=team,
        body="hard",
        now=now - timedelta(days=2),
    )
    services.post_create(
        author=priya, kind="challenge", audience=ORG, body="hard", now=now - timedelta(days=20)
    )
    _post(sam, "a win")
    services.post_create(author=outsider, kind="challenge", audience=ORG, body="elsewhere")
    since = now - timedelta(days=7)
    assert selectors.challenge_authors(organization=member.organization, since=since) == {member.pk}


def test_the_home_feed_merges_org_and_team_posts_newest_first_and_pages_by_cursor(member, team):
    now = timezone.now()
    created = []
    for n in range(7):
        created.append(
            services.post_create(
                author=member,
                kind="win",
                audience=TEAM if n % 2 else ORG,
                team=team if n % 2 else None,
                body=f"post {n}",
                now=now - timedelta(minutes=10 * n),
            )
        )
    # Two posts at the very same instant: the id breaks the tie.
    twin = services.post_create(
        author=member, kind="win", audience=ORG, body="twin", now=created[3].created_at
    )
    expected = sorted([*created, twin], key=lambda p: (p.created_at, p.pk), reverse=True)
    seen, before = [], None
    while True:
        page = selectors.feed_page(viewer=member, before=before, size=3)
        seen += page.posts
        if not page.has_next:
            break
        before = page.next_cursor
    assert seen == expected


def test_cursors_round_trip_and_bad_ones_are_refused(member):
    post = _post(member)
    cursor = selectors.Cursor.after(post)
    assert selectors.Cursor.parse(str(cursor)) == cursor
    assert cursor.created_at == post.created_at
    for bad in ["", "x", "1_", "_1", "1-2", "9" * 30 + "_1", "1_2_3"]:
        with pytest.raises(selectors.BadCursor):
            selectors.Cursor.parse(bad)


def test_someone_in_another_org_sees_none_of_the_feed(member, outsider):
    _post(member)
    assert selectors.feed_page(viewer=outsider).posts == []


def test_a_challenge_for_everyone_tells_teammates_with_room(member, priya, sam):
    from rapport.helpboard.services import capacity_update

    capacity_update(person=priya, status="available", skills="")
    capacity_update(person=sam, status="available", skills="")
    post = _post(member, "Stuck with the export", kind=Post.Kind.CHALLENGE)
    [note] = _notes(priya, NotificationType.HELP_SUGGESTION)
    assert note.url == f"/feed/posts/{post.pk}/"
    assert _notes(sam, NotificationType.HELP_SUGGESTION) == []  # not Mia's teammate
    _post(member, "A win")
    assert len(_notes(priya, NotificationType.HELP_SUGGESTION)) == 1
