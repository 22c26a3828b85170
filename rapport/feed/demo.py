"""Demo wins & challenges: about 150 posts over the last 120 days, to teams and to
everyone, with replies, reactions and @mentions, and the featured accounts in the middle of
it (their own posts, replies to them, mentions of them).

Written with bulk_create rather than the services, so seeding doesn't email anyone about
posts from last month; the ledger gets one REPLIED per reply to someone else's post, through
`interaction_record` with the reply as source, as the service does. The featured member's
inbox gets their recent mentions and replies, already delivered (no email).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.notifications.models import EmailState, Notification
from rapport.notifications.types import NotificationType
from rapport.people.models import Membership, Person

from .models import Mention, Post, Reaction, Reply

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan
    from rapport.people.models import Organization

TOTAL = 150
HISTORY_DAYS = 120

# {name} is replaced by an @mention of a colleague who can read the post.
WINS = (
    (
        "The client signed off the new onboarding flow on the first review. Thanks {name} for the "
        "late-night copy pass."
    ),
    "Release went out at 10:02 with zero rollbacks. Small thing, big relief.",
    (
        "Our usability sessions this week found three issues before a single line of code. {name} "
        "ran them beautifully."
    ),
    "Closed the last open ticket from the spring backlog. It only took four months.",
    "New joiner shipped their first change today, with a test. Proud of the whole team.",
    "The accessibility audit came back with no critical findings. {name}, your checklist paid off.",
    "We finally have a shared glossary for the billing project. Meetings got shorter overnight.",
    "Landed the renewal with our oldest client, and they asked for a second team.",
    (
        "Page load on the dashboard is down from four seconds to under one. {name} found the slow "
        "query."
    ),
    "Ran my first retro as facilitator. People actually talked, and we agreed on two changes.",
    "The office plants survived the heatwave. Thanks {name} for the watering rota.",
    "Migrated the last service off the old servers. The pager has been quiet for a week.",
    "Our pitch deck made it to the final round. {name} turned the numbers into a story.",
    "Hiring loop for the design role is done: a great candidate said yes.",
    "Wrote down how deployments work, and two people used it the same afternoon.",
    "The workshop with the research panel was fully booked in a day.",
    "Invoice backlog cleared before month end, for the first time this year.",
    "Paired with {name} on the flaky test. It was a timezone bug all along.",
    "Customer satisfaction score for support went up eight points this quarter.",
    "We moved the weekly status meeting to a written update and gave everyone an hour back.",
)
CHALLENGES = (
    (
        "The search redesign is slipping: we keep finding edge cases in the filters. Could use a "
        "second pair of eyes."
    ),
    (
        "Struggling to get time with the client's legal team before the contract deadline. Ideas "
        "welcome."
    ),
    "Two of us are out next week and the release is on Thursday. Anyone free to help with testing?",
    (
        "I'm finding it hard to keep up with review requests on top of my own work. How do others "
        "pace this?"
    ),
    (
        "Our data import fails on files over 2 GB and I can't reproduce it locally. {name}, have "
        "you seen this before?"
    ),
    "The brand guidelines contradict each other on colour contrast. Not sure who decides.",
    "Onboarding the new tool is taking longer than planned; half the team is still on the old one.",
    "Feeling stretched across three projects this month. Trying to say no more often.",
    "The estimate for the mobile app doubled after discovery. Preparing to tell the client.",
    "Recruiting for the platform role has stalled: no candidates past the second interview.",
    "Our on-call rota has gaps in August. Looking for swaps.",
    "I need to learn the reporting tool by Friday. Anyone willing to spend 30 minutes with me?",
    "The test environment keeps running out of disk. {name}, could we look at it together?",
    "Getting feedback from five stakeholders on one document is turning into weeks. Tips?",
    "Budget approval for the research trip is stuck. Not sure which form I'm missing.",
)
REPLIES = (
    "Well deserved, congratulations!",
    "This is great to hear.",
    "Happy to help, I'll message you.",
    "I had the same problem last year; let's grab 20 minutes.",
    "Thank you for sharing this so openly.",
    "I can take Thursday afternoon if that helps.",
    "Brilliant work, everyone.",
    "Could you share the notes? We'd like to try the same.",
    "Sending you a link to what worked for us.",
    "You're not alone in this one.",
    "Nice! How long did it take in the end?",
    "I've got some room next week, count me in.",
)


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-feed")
    people = {
        p.email: p
        for p in Person.objects.in_organization(organization)
        .exclude(status=Person.Status.LEFT)
        .select_related("user")
    }
    planned = {p.email: p for p in plan.people}
    teams_of: dict[int, list[int]] = {}
    members_of: dict[int, list[int]] = {}
    current = {p.pk for p in people.values()}
    for person_id, member_team in (
        Membership.objects.filter(team__organization=organization, person_id__in=current)
        .order_by("pk")
        .values_list("person_id", "team_id")
    ):
        teams_of.setdefault(person_id, []).append(member_team)
        members_of.setdefault(member_team, []).append(person_id)
    by_id = {p.pk: p for p in people.values()}
    featured = [people[a.email] for a in plan.accounts if a.email in people]
    everyone = sorted(by_id)
    if len(everyone) < 3:
        return
    now = timezone.now()
    start = datetime.combine(plan.today - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)

    def present(person: Person, day: int) -> bool:
        plan_person = planned.get(person.email)
        away = plan_person.away if plan_person else None
        return not (away and away[0] <= day < away[1])

    posts: list[Post] = []
    mentions: list[tuple[int, int]] = []  # (index of post, person id)
    for n in range(TOTAL):
        # Featured accounts write about one post in eight; the rest come from anyone.
        if featured and n % 8 == 0:
            author = featured[(n // 8) % len(featured)]
        else:
            author = by_id[rng.choice(everyone)]
        day = min(HISTORY_DAYS - 1, int(HISTORY_DAYS * (rng.random() ** 0.7)))
        if not present(author, day):
            day = HISTORY_DAYS - 1 - rng.randrange(5)
        created = start + timedelta(days=day, hours=rng.randint(7, 17), minutes=rng.randrange(60))
        if created.weekday() >= 5:
            created -= timedelta(days=created.weekday() - 4)
        created = min(created, now - timedelta(minutes=30 + n))
        kind = Post.Kind.CHALLENGE if rng.random() < 0.4 else Post.Kind.WIN
        teams = teams_of.get(author.pk, [])
        to_team = bool(teams) and rng.random() < 0.55
        team_id: int | None = rng.choice(teams) if to_team else None
        readers = members_of[team_id] if team_id else everyone
        text = rng.choice(CHALLENGES if kind == Post.Kind.CHALLENGE else WINS)
        if "{name}" in text:
            others = [pk for pk in readers if pk != author.pk]
            # Mention a featured account now and then, so their inbox has something.
            wanted = [f.pk for f in featured if f.pk in others]
            mentioned = rng.choice(wanted) if wanted and rng.random() < 0.3 else rng.choice(others)
            text = text.replace("{name}", "@" + by_id[mentioned].display_name)
            mentions.append((n, mentioned))
        posts.append(
            Post(
                organization=organization,
                author=author,
                kind=kind,
                audience=Post.Audience.TEAM if team_id else Post.Audience.ORGANIZATION,
                team_id=team_id,
                body=text,
                created_at=created,
            )
        )
    Post.objects.bulk_create(posts)
    Mention.objects.bulk_create(
        Mention(organization=organization, post=posts[i], person_id=pk) for i, pk in mentions
    )

    replies: list[Reply] = []
    reactions: list[Reaction] = []
    for post in posts:
        readers = members_of[post.team_id] if post.team_id else everyone
        others = [pk for pk in readers if pk != post.author_id]
        if not others:
            continue
        count = rng.choice((0, 0, 1, 1, 2, 3)) + (1 if post.kind == Post.Kind.CHALLENGE else 0)
        for i, replier in enumerate(rng.sample(others, k=min(count, len(others)))):
            at = min(post.created_at + timedelta(minutes=20 + 90 * i + rng.randrange(240)), now)
            replies.append(
                Reply(
                    organization=organization,
                    post=post,
                    author_id=replier,
                    body=rng.choice(REPLIES),
                    created_at=at,
                )
            )
        for reactor in rng.sample(others, k=min(rng.randrange(7), len(others))):
            reaction = rng.choice(
                ["celebrate", "thanks", "insight"]
                if post.kind == Post.Kind.WIN
                else ["support", "support", "insight"]
            )
            reactions.append(
                Reaction(
                    organization=organization,
                    post=post,
                    person_id=reactor,
                    kind=reaction,
                    created_at=post.created_at + timedelta(hours=1),
                )
            )
    Reply.objects.bulk_create(replies)
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    for reply in replies:
        interaction_record(
            actor=by_id[reply.author_id],
            other=by_id[reply.post.author_id],
            kind=Kind.REPLIED,
            occurred_at=reply.created_at,
            source=reply,
        )
    _featured_inbox(featured, posts, replies, mentions, by_id, now)


def _featured_inbox(
    featured: list[Person],
    posts: list[Post],
    replies: list[Reply],
    mentions: list[tuple[int, int]],
    by_id: dict[int, Person],
    now: datetime,
) -> None:
    """What the featured accounts were told lately: mentions, and replies to their posts."""
    featured_ids = {f.pk for f in featured}
    notes: list[Notification] = []
    for i, pk in mentions:
        post = posts[i]
        if pk in featured_ids:
            notes.append(
                _note(
                    by_id[pk],
                    NotificationType.MENTIONED,
                    f"{post.author.display_name} mentioned you in a "
                    f"{post.get_kind_display().lower()}",
                    post.body,
                    reverse("feed:post", args=[post.pk]),
                    f"feed:mention:{post.pk}",
                    post.created_at,
                    now,
                )
            )
    for reply in replies:
        owner = reply.post.author_id
        if owner in featured_ids:
            notes.append(
                _note(
                    by_id[owner],
                    NotificationType.POST_ACTIVITY,
                    f"{by_id[reply.author_id].display_name} replied to your "
                    f"{reply.post.get_kind_display().lower()}",
                    reply.body,
                    reverse("feed:post", args=[reply.post_id]) + f"#reply-{reply.pk}",
                    f"feed:reply:{reply.pk}",
                    reply.created_at,
                    now,
                )
            )
    Notification.objects.bulk_create(notes, ignore_conflicts=True)


def _note(
    recipient: Person,
    type_: str,
    title: str,
    body: str,
    url: str,
    key: str,
    at: datetime,
    now: datetime,
) -> Notification:
    return Notification(
        recipient=recipient,
        type=type_,
        title=title[:200],
        body=body[:500],
        url=url,
        dedupe_key=key,
        created_at=at,
        # Anything older than two days has been read; the recent ones wait in the inbox.
        read_at=at + timedelta(hours=3) if at < now - timedelta(days=2) else None,
        email_state=EmailState.SKIPPED,
    )
