"""Every action the audit log knows. A new sensitive action is one line here and no
migration: the column is a plain string, and `audit_record` accepts only these values."""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    # Access: who may do what
    ROLE_CHANGED = "role_changed", "Role changed"
    ROSTER_IMPORTED = "roster_imported", "Roster imported"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    SIGNED_IN = "signed_in", "Signed in"
    PERSON_ERASED = "person_erased", "Person erased"
    # Settings and what leaves Rapport
    SHARING_CHANGED = "sharing_changed", "Sharing settings changed"
    SETTINGS_CHANGED = "settings_changed", "Organisation settings changed"
    DATA_EXPORTED = "data_exported", "Data exported"
    AUDIT_EXPORTED = "audit_exported", "Audit log exported"
    # What the organisation tells its people
    KUDOS_VALUES_CHANGED = "kudos_values_changed", "Kudos values or limit changed"
    KUDOS_FLAG_REVIEWED = "kudos_flag_reviewed", "Traded thanks looked at"
    GUIDE_EDITED = "guide_edited", "Guide edited"
    GUIDE_RESET = "guide_reset", "Guide reset to default"
    PAIRING_PROGRAM_CHANGED = "pairing_program_changed", "Pairing programme changed"
    BUDDY_REASSIGNED = "buddy_reassigned", "Buddy reassigned"
