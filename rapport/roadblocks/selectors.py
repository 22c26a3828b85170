"""Reads for roadblocks. Every lookup goes through `get_roadblock_for` or
`get_invitation_for`, which answer 404 to anyone but the roadblock's author or the
invitation's recipient: org admins and team leads included."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from rapport.lib.tenancy import get_for
from rapport.people.models import Person

from .models import InvitationStatus, Roadblock, TalkInvitation


def roadblocks_of(*, author: Person) -> QuerySet[Roadblock]:
    """The author's roadblocks: open ones first, then newest first."""
    return (
        Roadblock.objects.visible_to(author)
        .select_related("person", "invitation")
        .annotate(
            closed=Case(
                When(outcome="", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "-created_at", "-id")
    )


def get_roadblock_for(viewer: Person, pk: int) -> Roadblock:
    """The viewer's own roadblock, or 404 (for anyone else's, whoever is asking)."""
    return get_for(viewer, Roadblock.objects.select_related("person", "author"), pk=pk)


def invitation_of(*, roadblock: Roadblock) -> TalkInvitation | None:
    return TalkInvitation.objects.filter(roadblock=roadblock).first()


def invitations_received(*, person: Person, pending_only: bool = False) -> QuerySet[TalkInvitation]:
    invitations = TalkInvitation.objects.visible_to(person).select_related("sender")
    if pending_only:
        invitations = invitations.filter(status=InvitationStatus.PENDING)
    return invitations.order_by("-created_at", "-id")


def get_invitation_for(viewer: Person, pk: int) -> TalkInvitation:
    """An invitation the viewer received, or 404 (the sender too: theirs is the roadblock)."""
    return get_for(viewer, TalkInvitation.objects.select_related("sender"), pk=pk)
