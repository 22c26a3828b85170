"""A person's pairing data: their groups and answers, their choices, their private
"don't pair me with" list and their buddies. Exported whole; on erasure their own choices
go, while past groups stay (others' history and the meeting rate are made of them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Buddy, DontPair, GroupMember, Participation


def _export(person: Person) -> dict[str, Any]:
    groups = (
        GroupMember.objects.filter(person=person)
        .select_related("group__round__program")
        .prefetch_related("group__members__person")
        .order_by("group__round__held_on", "group_id")
    )
    return {
        "groups": [
            {
                "programme": m.group.round.program.name,
                "round": m.group.round.held_on.isoformat(),
                "with": [
                    o.person.display_name for o in m.group.members.all() if o.person_id != person.pk
                ],
                "suggested_times_utc": m.group.suggested_times,
                "answer": m.answer or None,
                "answered": m.answered_at.isoformat() if m.answered_at else None,
            }
            for m in groups
        ],
        "choices": [
            {
                "programme": p.program.name,
                "taking_part": p.opted_in,
                "snoozed_until": p.snoozed_until.isoformat() if p.snoozed_until else None,
                "quiet_rounds": p.ignored_rounds,
                "asked_to_opt_back_in": p.needs_opt_back_in,
            }
            for p in Participation.objects.filter(person=person).select_related("program")
        ],
        "dont_pair_with": [
            e.other.display_name
            for e in DontPair.objects.filter(person=person).select_related("other")
        ],
        "buddies": [
            {
                "newcomer": b.newcomer.display_name,
                "buddy": b.buddy.display_name,
                "reason": b.reason,
                "from": b.started_on.isoformat(),
                "until": b.ends_on.isoformat(),
            }
            for b in Buddy.objects.filter(Q(newcomer=person) | Q(buddy=person)).select_related(
                "newcomer", "buddy"
            )
        ],
    }


def _erase(person: Person) -> None:
    DontPair.objects.filter(Q(person=person) | Q(other=person)).delete()
    Participation.objects.filter(person=person).delete()
    Buddy.objects.filter(Q(newcomer=person) | Q(buddy=person)).delete()
    GroupMember.objects.filter(person=person).update(introduction=[])
    # What others were told about them (team, location, skills) goes too.
    told = list(GroupMember.objects.filter(group__members__person=person).exclude(person=person))
    for member in told:
        member.introduction = [r for r in member.introduction if r.get("other_id") != person.pk]
    GroupMember.objects.bulk_update(told, ["introduction"], batch_size=500)


register("pairing", export=_export, erase=_erase)
