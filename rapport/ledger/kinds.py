"""The kinds of interaction the ledger records, and how much each says about a tie.

Each capability adds its kinds here, in one place, so tie strength, pairing and insights
read one vocabulary. Weights are relative: a conversation through a tension or a meeting
says more about two people than a quick reaction.
"""

from django.db import models


class Kind(models.TextChoices):
    KUDOS = "kudos", "Thanked"
    HELPED = "helped", "Helped"
    MET = "met", "Met"
    CHECKED_ON = "checked_on", "Checked in on"
    REPLIED = "replied", "Replied"
    TALKED = "talked", "Talked it through"
    COMMITMENT_KEPT = "commitment_kept", "Kept a promise"
    COMMITMENT_RENEGOTIATED = "commitment_renegotiated", "Renegotiated a promise early"
    COMMITMENT_LATE = "commitment_late", "Kept a promise late"
    COMMITMENT_MISSED = "commitment_missed", "Missed a promise"
    COLLABORATED = "collaborated", "Worked together"


DEFAULT_WEIGHTS: dict[str, float] = {
    Kind.KUDOS: 1.0,
    Kind.HELPED: 2.0,
    Kind.MET: 2.0,
    Kind.CHECKED_ON: 1.5,
    Kind.REPLIED: 0.5,
    Kind.TALKED: 2.5,
    Kind.COMMITMENT_KEPT: 1.5,
    Kind.COMMITMENT_RENEGOTIATED: 1.0,
    Kind.COMMITMENT_LATE: 0.5,
    Kind.COMMITMENT_MISSED: 0.25,
    Kind.COLLABORATED: 1.0,
}
