"""Demo roadblocks for the featured accounts, in every state: one still to talk about, one
talked through, one let go, one where help is needed, and invitations to talk in both
directions (the member receives one from their lead, and has sent one to a teammate)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from rapport.people.models import Person

from . import services
from .models import InvitationStatus, Outcome

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan
    from rapport.people.models import Organization


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-roadblocks")
    roles = {account.role: account.email for account in plan.accounts}
    if not {"member", "team lead", "org admin"} <= roles.keys():
        return
    people = {
        p.user.email: p for p in Person.objects.in_organization(organization).select_related("user")
    }
    member, lead, admin = (people[roles[r]] for r in ("member", "team lead", "org admin"))
    available = [
        p
        for p in plan.people
        if p.status == Person.Status.ACTIVE and p.away is None and p.email not in roles.values()
    ]

    team = next(p.team for p in plan.people if p.email == member.email)

    def colleague(*, same_team: bool) -> Person:
        pool = [p for p in available if (p.team == team) == same_team]
        chosen = rng.choice(pool or available)
        available.remove(chosen)
        return people[chosen.email]

    noon = datetime.combine(plan.today, time(11, 0), tzinfo=UTC)

    def ago(days: float) -> datetime:
        return noon - timedelta(days=days)

    # The member: a tension with a teammate, invitation sent and a time proposed back.
    teammate = colleague(same_team=True)
    critique = services.roadblock_create(
        author=member,
        person=teammate,
        what_happened=(
            "In Tuesday's critique, two of my screens were swapped for new versions before "
            "I had walked the group through them."
        ),
        how_i_felt="Sidelined, and a little embarrassed in front of the team.",
        what_i_need="To hear about changes to my work before the room does.",
        what_i_will_ask="give me a quick heads-up when you want to rework something I made",
        now=ago(2),
    )
    invitation = services.roadblock_invite(
        roadblock=critique,
        message=critique.opener + " Would a coffee this week work for you?",
        now=ago(1.9),
    )
    services.invitation_respond(
        invitation=invitation,
        status=InvitationStatus.PROPOSED,
        proposed_time=noon + timedelta(days=1, hours=3),
        note="Of course. Sorry, I didn't realise. Thursday afternoon?",
        now=ago(1.5),
    )
    engineer = colleague(same_team=False)
    handoff = services.roadblock_create(
        author=member,
        person=engineer,
        what_happened="The build I was promised for the usability test arrived the evening before.",
        how_i_felt="Rushed; I had to cut half of the test plan.",
        what_i_need="A day of slack before sessions with participants.",
        what_i_will_ask="agree on a cut-off date for test builds",
        now=ago(24),
    )
    services.roadblock_record_outcome(
        roadblock=handoff, outcome=Outcome.TALKED_RESOLVED, now=ago(20)
    )
    letting_go = services.roadblock_create(
        author=member,
        situation="Feedback rounds with the client",
        what_happened="The last three feedback rounds each added a new stakeholder.",
        how_i_felt="Tired of starting over.",
        what_i_need="A fixed group of reviewers per project.",
        what_i_will_ask="raise it at the next project retro",
        remind_after_days=7,
        now=ago(40),
    )
    services.roadblock_record_outcome(roadblock=letting_go, outcome=Outcome.LET_GO, now=ago(33))

    # The lead: an open roadblock with the member, the invitation waiting for an answer;
    # and a conversation held, still being worked on.
    one_to_ones = services.roadblock_create(
        author=lead,
        person=member,
        what_happened="Our last two one-to-ones were moved at short notice, both times by you.",
        how_i_felt="Unsure whether the time still works for you.",
        what_i_need="A regular slot we both protect.",
        what_i_will_ask="find a time that works for both of us",
        now=ago(1),
    )
    services.roadblock_invite(roadblock=one_to_ones, message=one_to_ones.opener, now=ago(0.9))
    designer = colleague(same_team=True)
    scope = services.roadblock_create(
        author=lead,
        person=designer,
        what_happened="The brand refresh grew by four deliverables after the kick-off.",
        how_i_felt="Worried about the team's evenings.",
        what_i_need="Changes in scope to come through me.",
        what_i_will_ask="route new requests through the weekly planning",
        now=ago(12),
    )
    services.roadblock_record_outcome(roadblock=scope, outcome=Outcome.TALKED_ONGOING, now=ago(9))

    # The org admin: a situation where help is needed, and one still to talk about.
    hiring = services.roadblock_create(
        author=admin,
        situation="Back-to-back hiring rounds",
        what_happened="Four hiring rounds ran in parallel this month, on top of onboarding.",
        how_i_felt="Stretched thin, and short with people.",
        what_i_need="Some rounds to move to next quarter.",
        what_i_will_ask="prioritise the roles together",
        now=ago(6),
    )
    services.roadblock_record_outcome(roadblock=hiring, outcome=Outcome.NEED_HELP, now=ago(5))
    services.roadblock_create(
        author=admin,
        person=colleague(same_team=False),
        what_happened="The onboarding checklist went out without the new laptop steps.",
        how_i_felt="Caught off guard when two new joiners asked me about it.",
        what_i_need="To review changes to the checklist before it is sent.",
        what_i_will_ask="add me as a reviewer on the checklist",
        remind_after_days=2,
        now=ago(4),
    )
