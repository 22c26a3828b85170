"""Demo history for the help board: most people have said how their week looks (some long
ago, so a few signals are stale), and about forty requests from the last five weeks in
every state, with offers, accepted helpers and the help they gave recorded in the ledger.
The featured accounts take part: the member has capacity and matching requests waiting,
asked for help themselves (once from a challenge they shared in the feed) and helped
others; the lead is swamped this week. Requests asked soon after the asker shared a
challenge remember that post.

Rows are written directly (not through the services) so the demo sends no notifications
or emails; the ledger is written through its service, once per accepted offer.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rapport.feed.models import Post
from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.people.models import Person, Team

from .models import (
    Audience,
    Capacity,
    CapacityStatus,
    Effort,
    HelpRequest,
    Offer,
    OfferState,
    RequestSkill,
    RequestState,
    Skill,
)
from .services import week_end

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan, PersonPlan
    from rapport.people.models import Organization

SKILLS_BY_DEPARTMENT = {
    "Studio Leadership": ["strategy", "mentoring", "hiring", "budgeting", "presentations"],
    "Design": [
        "figma",
        "user research",
        "accessibility",
        "prototyping",
        "copywriting",
        "illustration",
        "design systems",
    ],
    "Engineering": ["python", "django", "react", "typescript", "code review", "testing", "sql"],
    "Platform": [
        "kubernetes",
        "terraform",
        "postgresql",
        "security",
        "observability",
        "sql",
        "incident response",
    ],
    "Client Services": [
        "presentations",
        "client workshops",
        "estimation",
        "negotiation",
        "copywriting",
        "spreadsheets",
    ],
    "People & Operations": [
        "interviewing",
        "onboarding",
        "facilitation",
        "spreadsheets",
        "budgeting",
        "hiring",
    ],
}

# (title, description, skills, effort)
REQUESTS = [
    (
        "A second pair of eyes on the onboarding flow",
        "Five screens in Figma. I keep missing things because I have stared at them too long.",
        ["figma", "user research"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Check my survey questions for leading wording",
        "Twelve questions for the customer study going out on Friday.",
        ["user research", "copywriting"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Pair on a slow report query",
        "The monthly report takes four minutes. I suspect a missing index but I'm not sure.",
        ["sql", "postgresql"],
        Effort.HALF_A_DAY,
    ),
    (
        "Someone to run the retro while I'm out",
        "The team retro is on Thursday and I'm at the client all day.",
        ["facilitation"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Review a Terraform change before it goes live",
        "Moves the staging database to the new network. Rolling back would be painful.",
        ["terraform", "security"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Help estimating the Harbour project",
        "First estimate for a new client; I'd love someone who has done one like it.",
        ["estimation", "client workshops"],
        Effort.HALF_A_DAY,
    ),
    (
        "Accessibility pass on the pricing page",
        "Colour contrast and keyboard order, mostly. Happy to learn as we go.",
        ["accessibility"],
        Effort.HALF_A_DAY,
    ),
    (
        "Interview panel: one more person for Tuesday",
        "Frontend candidate, 45 minutes, questions prepared.",
        ["interviewing", "react"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Untangle our flaky end-to-end tests",
        "About one in ten runs fails for no reason. I could use someone patient.",
        ["testing", "python"],
        Effort.DAY_OR_MORE,
    ),
    (
        "Practise a pitch with me",
        "Twenty minutes of slides for the Lantern renewal; honest questions welcome.",
        ["presentations", "negotiation"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Set up alerts for the new queue",
        "We only notice backlogs when customers do. I'd like to fix that together.",
        ["observability", "kubernetes"],
        Effort.HALF_A_DAY,
    ),
    (
        "Proofread the quarterly client update",
        "Two pages. Typos and anything that sounds like jargon.",
        ["copywriting"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Walk a new joiner through our design system",
        "Someone who knows where the bodies are buried, ideally.",
        ["design systems", "onboarding"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Budget spreadsheet that adds up differently each time",
        "Formulas inherited from three people. Probably one broken reference.",
        ["spreadsheets", "budgeting"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "Code review on the billing refactor",
        "About 600 lines, mostly moves. Tests pass.",
        ["code review", "django"],
        Effort.HALF_A_DAY,
    ),
    (
        "Sketch three icon ideas for the app launch",
        "Rough is fine; I need something to react to.",
        ["illustration"],
        Effort.HALF_A_DAY,
    ),
    (
        "Cover the on-call handover on Friday",
        "I have a medical appointment; it's a quiet week so far.",
        ["incident response"],
        Effort.UNDER_AN_HOUR,
    ),
    (
        "TypeScript types for the new API client",
        "Generating them from the OpenAPI file half works.",
        ["typescript"],
        Effort.HALF_A_DAY,
    ),
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _recent_challenge(posts: list[Post], asked: datetime, used: set[int]) -> Post | None:
    """The asker's latest challenge of the week before `asked` not yet turned into a
    request (the feed's demo runs first), if any."""
    for post in reversed(posts):
        recent = post.created_at <= asked and asked - post.created_at <= timedelta(days=7)
        if recent and post.pk not in used:
            used.add(post.pk)
            return post
    return None


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}:helpboard")
    now = datetime.combine(plan.today, time(12, 0), tzinfo=UTC)
    people_by_email = {
        p.user.email: p for p in Person.objects.in_organization(organization).select_related("user")
    }
    teams_by_name = {t.name: t for t in Team.objects.in_organization(organization)}
    team_plan = {t.key: t for t in plan.teams}

    def person_of(planned: PersonPlan) -> Person:
        return people_by_email[planned.email]

    def department(planned: PersonPlan) -> str:
        return team_plan[planned.team].department.name

    current = [p for p in plan.people if p.status in (Person.Status.ACTIVE, "returning")]
    featured = {p.demo_account: p for p in plan.people if p.demo_account}

    # The organisation's skill tags.
    names = sorted({n for skills in SKILLS_BY_DEPARTMENT.values() for n in skills})
    Skill.objects.bulk_create([Skill(organization=organization, name=n) for n in names])
    skills = {s.name: s for s in Skill.objects.in_organization(organization)}

    # Capacity for most people: a third with room this week, a few stale from last week.
    capacities: list[tuple[Capacity, list[str]]] = []
    for planned in current:
        if rng.random() > 0.85 and not planned.demo_account:
            continue
        person = person_of(planned)
        pool = SKILLS_BY_DEPARTMENT.get(department(planned), names)
        roll = rng.random()
        said = now - timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 6))
        if roll < 0.33:
            status, until = CapacityStatus.AVAILABLE, week_end(person, said)
        elif roll < 0.43:
            said = now - timedelta(days=rng.randint(8, 20))
            status, until = CapacityStatus.AVAILABLE, week_end(person, said)
        elif roll < 0.82:
            status, until = CapacityStatus.STEADY, None
        else:
            status, until = CapacityStatus.SWAMPED, None
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
        if planned.demo_account == "member":
            status, until = CapacityStatus.AVAILABLE, week_end(person, now)
            chosen = ["figma", "user research", "accessibility"]
        elif planned.demo_account == "lead":
            status, until = CapacityStatus.SWAMPED, None
            chosen = ["design systems", "mentoring", "figma"]
        elif planned.demo_account == "admin":
            status, until = CapacityStatus.STEADY, None
            chosen = ["interviewing", "onboarding", "facilitation"]
        capacity = Capacity(
            organization=organization,
            person=person,
            status=status,
            available_until=until,
            updated_at=said,
        )
        capacities.append((capacity, chosen))
    Capacity.objects.bulk_create([c for c, _ in capacities])
    through = Capacity.skills.through
    through.objects.bulk_create(
        [
            through(capacity_id=c.pk, skill_id=skills[n].pk)
            for c, chosen in capacities
            for n in chosen
        ]
    )

    # About forty requests over the last five weeks. The member asks twice, the lead and
    # the admin once each; everyone else is drawn at random.
    # Some began as a challenge the asker had shared in the feed a few days before.
    challenges: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.filter(organization=organization, kind=Post.Kind.CHALLENGE)
        .only("id", "author_id", "created_at")
        .order_by("created_at", "id")
    ):
        challenges[post.author_id].append(post)
    used_posts: set[int] = set()
    askers = [featured["member"], featured["member"], featured["lead"], featured["admin"]]
    askers += [rng.choice(current) for _ in range(36)]
    for i, asker_plan in enumerate(askers):
        asker = person_of(asker_plan)
        title, description, wanted, effort = REQUESTS[(i * 7 + rng.randint(0, 3)) % len(REQUESTS)]
        if i == 0:
            title, description, wanted, effort = REQUESTS[3]  # open, with offers waiting
        elif i == 1:
            title, description, wanted, effort = REQUESTS[2]  # done, thanks to give
        elif i == 2:
            title, description, wanted, effort = REQUESTS[0]  # matches the member's skills
        elif i == 3:
            title, description, wanted, effort = REQUESTS[7]
        age = 1 if i < 4 and i != 1 else 12 if i == 1 else rng.randint(0, 34)
        created = _at(plan.today - timedelta(days=age), rng.randint(8, 17))
        needed_by = created.date() + timedelta(days=rng.randint(2, 10))
        if i in (0, 2, 3):
            needed_by = plan.today + timedelta(days=rng.randint(3, 8))
        teammates = [p for p in plan.people_in(asker_plan.team) if p is not asker_plan]
        audience = (
            Audience.TEAM if rng.random() < 0.3 and i not in (0, 1) else Audience.ORGANIZATION
        )
        team = (
            teams_by_name.get(team_plan[asker_plan.team].name)
            if audience == Audience.TEAM
            else None
        )
        if team is None:
            audience = Audience.ORGANIZATION
        if i == 0:
            # The member's open request began as a challenge they shared that morning.
            source_post: Post | None = Post.objects.create(
                organization=organization,
                author=asker,
                kind=Post.Kind.CHALLENGE,
                audience=Post.Audience.ORGANIZATION,
                body=f"{description} Could someone step in?",
                created_at=created - timedelta(hours=2),
            )
        else:
            source_post = _recent_challenge(challenges.get(asker.pk, []), created, used_posts)
        request = HelpRequest.objects.create(
            organization=organization,
            requester=asker,
            title=title,
            description=description,
            effort=effort,
            needed_by=needed_by,
            audience=audience,
            team=team,
            source_post=source_post,
            created_at=created,
        )
        request.skills.set([skills[n] for n in wanted])

        # Offers: teammates and, for organisation-wide requests, anyone.
        candidates = [
            p
            for p in (teammates if audience == Audience.TEAM else current)
            if p is not asker_plan and p.status == Person.Status.ACTIVE
        ]
        helpers = rng.sample(candidates, k=min(len(candidates), rng.randint(0, 3)))
        if i == 0 or i == 1:
            helpers = [p for p in helpers if p.demo_account is None][:2] or candidates[:1]
        if i >= 4 and rng.random() < 0.25 and asker_plan is not featured["member"]:
            helpers = [featured["member"], *[h for h in helpers if h is not featured["member"]]]
        offers = []
        for n, helper_plan in enumerate(helpers):
            offers.append(
                Offer.objects.create(
                    request=request,
                    helper=person_of(helper_plan),
                    message=rng.choice(
                        [
                            "I can take this tomorrow morning.",
                            "Happy to help; free after lunch.",
                            "Done this before, give me a shout.",
                            "I have an hour on Thursday if that works.",
                            "",
                        ]
                    ),
                    created_at=created + timedelta(hours=2 + 5 * n),
                )
            )

        past = needed_by < plan.today
        if i == 0 or (not past and i != 1):
            continue  # still open
        if offers and (i == 1 or rng.random() < 0.75):
            accepted = offers[: rng.randint(1, len(offers))] if i != 1 else offers[:1]
            done_at = min(now, created + timedelta(days=rng.randint(1, 4)))
            for offer in accepted:
                offer.state = OfferState.ACCEPTED
                offer.accepted_at = offer.created_at + timedelta(hours=1)
                offer.save(update_fields=["state", "accepted_at"])
                interaction_record(
                    actor=offer.helper,
                    other=asker,
                    kind=Kind.HELPED,
                    occurred_at=done_at,
                    source=offer,
                )
            request.state, request.done_at = RequestState.DONE, done_at
            request.save(update_fields=["state", "done_at"])
            RequestSkill.objects.filter(request=request).update(is_open=False)
        else:
            request.state = RequestState.CLOSED
            request.closed_at = _at(needed_by + timedelta(days=1), 1)
            request.closed_automatically = rng.random() < 0.8
            request.save(update_fields=["state", "closed_at", "closed_automatically"])
            RequestSkill.objects.filter(request=request).update(is_open=False)
