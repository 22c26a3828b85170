"""A person's posts, replies and reactions in their export, and gone when they are erased."""

from __future__ import annotations

import pytest

from rapport.feed import services
from rapport.feed.models import Mention, Post, Reaction, Reply
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


def test_export_and_erase(member, priya, admin, team):
    mine = services.post_create(
        author=priya, kind="challenge", audience="team", team=team, body="Stuck on the import"
    )
    other = services.post_create(
        author=member, kind="win", audience="organization", body="Thanks @Priya Patel"
    )
    services.reply_create(author=priya, post=other, body="Any time")
    services.reaction_toggle(person=priya, post=other, kind="thanks")
    services.reply_create(author=member, post=mine, body="I'll help")

    exported = person_data_export(person=priya)["feed"]
    assert exported["posts"][0]["text"] == "Stuck on the import"
    assert exported["posts"][0]["shared_with"] == "Platform"
    assert exported["replies"][0]["text"] == "Any time"
    assert exported["reactions"][0]["reaction"] == "thanks"

    priya.status = Person.Status.LEFT
    priya.save()
    person_data_erase(actor=admin, person=priya)
    assert not Post.objects.filter(author=priya).exists()
    assert not Reply.objects.filter(author=priya).exists()
    assert not Reaction.objects.filter(person=priya).exists()
    assert not Mention.objects.filter(person=priya).exists()
    # Mia's post stays, in her words; her reply to Priya's post went with that post.
    assert Post.objects.get().body == "Thanks @Priya Patel"
    assert not Reply.objects.exists()
