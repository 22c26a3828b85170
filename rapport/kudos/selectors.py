"""Reads for kudos: the feeds, one kudos, its replies, values, the unsung teammates and the
flags for review. Every read starts from `Kudos.objects.visible_to(viewer)`, the one place
that says who may see which thanks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from rapport.commitments.selectors import teammates_sharing
from rapport.feed.selectors import challenge_authors_seen_by
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.lib.tenancy import get_for
from rapport.people.models import Membership, Person, Team

from .models import (
    Audience,
    Kudos,
    KudosReceiver,
    KudosReply,
    KudosValue,
    Reaction,
    TradingFlag,
)

UNSUNG_WINDOW = timedelta(days=30)


# --- feeds ---------------------------------------------------------------------------------


def kudos_feed_org(*, viewer: Person) -> QuerySet[Kudos]:
    """Thanks shared with the whole organisation, newest first."""
    return (
        Kudos.objects.visible_to(viewer)
        .filter(audience=Audience.ORGANIZATION)
        .for_display()
        .order_by("-created_at", "-id")
    )


def kudos_feed_team(*, viewer: Person, teams: Iterable[Team]) -> QuerySet[Kudos]:
    """Public thanks (team or organisation) to anyone in these teams, newest first."""
    team_ids = [t.pk for t in teams]
    to_the_team = KudosReceiver.objects.filter(
        kudos=OuterRef("pk"), person__memberships__team_id__in=team_ids
    )
    return (
        Kudos.objects.visible_to(viewer)
        .filter(Exists(to_the_team))
        .exclude(audience=Audience.PRIVATE)
        .for_display()
        .order_by("-created_at", "-id")
    )


MINE_SHOWS = ("all", "received", "given")


def kudos_feed_mine(*, viewer: Person, show: str = "all") -> QuerySet[Kudos]:
    """Thanks the viewer gave or received (private ones included), newest first."""
    received = Exists(KudosReceiver.objects.filter(kudos=OuterRef("pk"), person=viewer))
    kudos = Kudos.objects.visible_to(viewer)
    if show == "received":
        kudos = kudos.filter(received)
    elif show == "given":
        kudos = kudos.filter(giver=viewer)
    else:
        kudos = kudos.filter(Q(giver=viewer) | received)
    return kudos.for_display().order_by("-created_at", "-id")


def viewer_teams(*, viewer: Person) -> QuerySet[Team]:
    return Team.objects.filter(memberships__person=viewer).order_by("name", "id")


def get_kudos_for(viewer: Person, pk: int) -> Kudos:
    """The kudos if the viewer may see it, else 404 (for "missing" and "not yours" alike)."""
    return get_for(viewer, Kudos.objects.for_display(), pk=pk)


def kudos_replies(*, kudos: Kudos) -> QuerySet[KudosReply]:
    """Replies to a kudos the caller has already checked the viewer may see, oldest first."""
    return (
        KudosReply.objects.filter(kudos=kudos).select_related("author").order_by("created_at", "id")
    )


@dataclass(frozen=True, slots=True)
class ReactionCount:
    kind: str
    emoji: str
    word: str
    count: int
    mine: bool


def reaction_summary(kudos: Kudos, *, viewer: Person) -> list[ReactionCount]:
    """Every reaction kind with its count and whether the viewer gave it (from the
    prefetched reactions: no query)."""
    counts = dict.fromkeys(Reaction.values, 0)
    mine: set[str] = set()
    for reaction in kudos.reactions.all():
        counts[reaction.kind] = counts.get(reaction.kind, 0) + 1
        if reaction.person_id == viewer.pk:
            mine.add(reaction.kind)
    return [
        ReactionCount(
            kind=kind,
            emoji=Reaction(kind).emoji,
            word=Reaction(kind).word,
            count=counts[kind],
            mine=kind in mine,
        )
        for kind in Reaction.values
    ]


def kudos_receivers(kudos: Kudos) -> list[Person]:
    return [receipt.person for receipt in kudos.receipts.all()]


# --- values --------------------------------------------------------------------------------


def kudos_values(*, viewer: Person, include_retired: bool = False) -> QuerySet[KudosValue]:
    values = KudosValue.objects.visible_to(viewer)
    if not include_retired:
        values = values.active()
    return values.order_by("retired_at", "name", "id")


def get_value_for(viewer: Person, pk: int) -> KudosValue:
    return get_for(viewer, KudosValue, pk=pk)


# --- people to thank -----------------------------------------------------------------------


def thankable_people(*, viewer: Person) -> QuerySet[Person]:
    """Colleagues the viewer can thank: same organisation, not left, not themselves."""
    return (
        Person.objects.visible_to(viewer)
        .current()
        .exclude(pk=viewer.pk)
        .order_by("display_name", "id")
    )


# --- unsung teammates ----------------------------------------------------------------------

UNSUNG_REASONS = {
    "helped": "Helped you recently",
    "kept_promises": "Kept their promises",
    "shared_challenge": "Shared a challenge with the team",
}


def unsung_teammates(*, viewer: Person, now: datetime | None = None) -> QuerySet[Person]:
    """Teammates who helped, kept promises or shared a challenge in the last 30 days and
    received no thanks that the viewer can see in that time, alphabetically.

    Built only from what the viewer may know anyway, and never saying whom, what or how
    often: help the teammate gave the viewer (who helped whom on the help board is between
    the two of them), promises kept to the viewer or shown in a follow-through record the
    teammate chose to share with their team, challenges the viewer can read, and kudos the
    viewer can see. Each row has booleans `helped`, `kept_promises` and `shared_challenge`.
    """
    now = now or timezone.now()
    since = now - UNSUNG_WINDOW
    my_teams = Membership.objects.filter(person=viewer).values("team_id")
    teammates = Membership.objects.filter(team_id__in=my_teams).values("person_id")
    recent = Interaction.objects.filter(
        actor=OuterRef("pk"), occurred_at__gte=since, occurred_at__lte=now
    )
    sharing_record = teammates_sharing(viewer=viewer).values("pk")

    recognised = Exists(
        KudosReceiver.objects.filter(
            person=OuterRef("pk"),
            kudos__in=Kudos.objects.visible_to(viewer).filter(created_at__gte=since).values("pk"),
        )
    )
    people = (
        Person.objects.visible_to(viewer)
        .current()
        .filter(pk__in=teammates)
        .exclude(pk=viewer.pk)
        .annotate(
            helped=Exists(recent.filter(kind=Kind.HELPED, other=viewer)),
            kept_promises=Exists(
                recent.filter(kind=Kind.COMMITMENT_KEPT).filter(
                    Q(other=viewer) | Q(actor__in=sharing_record)
                )
            ),
            shared_challenge=Exists(
                challenge_authors_seen_by(viewer=viewer, since=since).filter(
                    author_id=OuterRef("pk")
                )
            ),
            recognised=recognised,
        )
        .filter(Q(helped=True) | Q(kept_promises=True) | Q(shared_challenge=True))
        .filter(recognised=False)
    )
    return people.order_by("display_name", "id")


def unsung_reasons(person: Person) -> list[str]:
    return [text for key, text in UNSUNG_REASONS.items() if getattr(person, key, False)]


# --- review (org admins) -------------------------------------------------------------------


def trading_flags(*, viewer: Person, include_reviewed: bool = False) -> QuerySet[TradingFlag]:
    flags = TradingFlag.objects.visible_to(viewer)
    if not include_reviewed:
        flags = flags.open()
    return flags.select_related("person_a", "person_b", "reviewed_by").order_by(
        "-last_exchange_at", "-id"
    )


def get_flag_for(viewer: Person, pk: int) -> TradingFlag:
    return get_for(viewer, TradingFlag.objects.select_related("person_a", "person_b"), pk=pk)
