"""Factories for the feed's models (read-side tests; code under test writes via services)."""

from __future__ import annotations

import factory

from rapport.feed.models import Post, Reaction, Reply


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory("tests.factories.PersonFactory")
    organization = factory.SelfAttribute("author.organization")
    kind = Post.Kind.WIN
    audience = Post.Audience.ORGANIZATION
    team = None
    body = factory.Sequence(lambda n: f"Post number {n}")

    class Params:
        for_team = factory.Trait(audience=Post.Audience.TEAM)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(
        "tests.factories.PersonFactory", organization=factory.SelfAttribute("..post.organization")
    )
    organization = factory.SelfAttribute("post.organization")
    body = factory.Sequence(lambda n: f"Reply number {n}")


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    post = factory.SubFactory(PostFactory)
    person = factory.SubFactory(
        "tests.factories.PersonFactory", organization=factory.SelfAttribute("..post.organization")
    )
    organization = factory.SelfAttribute("post.organization")
    kind = Reaction.Kind.CELEBRATE
