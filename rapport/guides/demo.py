"""Demo comments on the guides: a few colleagues saying what worked for their team, the
featured member among them. Guides themselves need no demo data: the defaults ship with
Rapport."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from rapport.people.models import Person

from .models import GuideComment

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan
    from rapport.people.models import Organization

COMMENTS = (
    (
        "checkins",
        (
            "We check in right after stand-up. Sharing with the team on hard days changed how "
            "people ask about each other."
        ),
    ),
    ("checkins", "I like that there are no streaks. I skip weekends and don't feel bad about it."),
    (
        "ask-dont-assume",
        (
            "Tried the observation-first opener with a colleague who'd gone quiet. Turned out "
            "they were covering two roles."
        ),
    ),
    (
        "helpboard",
        (
            "Marking myself as having capacity on Fridays got me three interesting requests in a "
            "month."
        ),
    ),
    ("feed", "Our team posts one challenge every Monday. It made asking for help feel normal."),
    (
        "kudos",
        (
            "Being specific is the trick. 'Your notes saved me a day' got a bigger smile than any "
            "'great job'."
        ),
    ),
    ("kudos", "We now close every retro with two minutes of kudos. Quick and it works."),
    ("commitments", "Renegotiating early felt awkward the first time, and then completely normal."),
    (
        "roadblocks",
        (
            "Writing down the observation separately from my interpretation calmed me down before "
            "the talk."
        ),
    ),
    (
        "pairing",
        (
            "My pairing lunch was with someone from Finance. We now fix budget questions in five "
            "minutes."
        ),
    ),
    ("today", "I do the suggestion before opening email. Most days it takes two minutes."),
    ("care", "Good to know this is fully private. Shared the page with my team without any fuss."),
)


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-guides")
    people = list(
        Person.objects.in_organization(organization)
        .exclude(status=Person.Status.LEFT)
        .select_related("user")
        .order_by("pk")
    )
    if not people:
        return
    member_email = plan.accounts[0].email if plan.accounts else ""
    member = next((p for p in people if p.email == member_email), people[0])
    now = timezone.now()
    start = datetime.combine(plan.today - timedelta(days=90), time(0), tzinfo=UTC)
    comments = []
    for n, (slug, text) in enumerate(COMMENTS):
        author = member if n in (4, 8) else rng.choice(people)
        at = start + timedelta(days=rng.randrange(90), hours=rng.randint(8, 17))
        comments.append(
            GuideComment(
                organization=organization,
                guide_slug=slug,
                author=author,
                body=text,
                created_at=min(at, now - timedelta(hours=n + 1)),
            )
        )
    GuideComment.objects.bulk_create(comments)
