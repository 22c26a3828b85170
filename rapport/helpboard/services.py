"""Writes for the help board: capacity signals, requests, offers, and the suggestions that
let people offer help before they are asked.

Every rule a person can break (a date in the past, an offer on their own request, on a
closed one, accepting someone else's offers, too much text, too many skills) is refused
with a sentence that says what to do, before anything is saved. Services that change a
request lock its row, so an offer cannot land on a request that is being closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapport.feed.models import Post
from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.notifications.services import SILENT_STATUSES, notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Membership, Person, Team

from .models import (
    MAX_PERSON_SKILLS,
    MAX_REQUEST_SKILLS,
    Audience,
    Capacity,
    CapacityStatus,
    HelpRequest,
    Offer,
    OfferState,
    RequestSkill,
    RequestState,
)
from .skills import skills_get_or_create, skills_normalise

# --- time ----------------------------------------------------------------------------------


def local_today(person: Person, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(person.tz).date()


def week_end(person: Person, now: datetime | None = None) -> datetime:
    """The end of the person's local ISO week (next Monday 00:00 where they are), in UTC.

    Built from the local calendar date, so a DST change during the week moves the instant
    with the wall clock, as the person would expect.
    """
    today = local_today(person, now)
    next_monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(next_monday, time(0, 0), tzinfo=person.tz).astimezone(UTC)


def week_key(person: Person, now: datetime | None = None) -> str:
    year, week, _ = local_today(person, now).isocalendar()
    return f"{year}-W{week:02d}"


# --- capacity ------------------------------------------------------------------------------


def capacity_update(
    *,
    person: Person,
    status: str,
    skills: str | list[str],
    suggestions_off: bool = False,
    now: datetime | None = None,
) -> Capacity:
    """Set how much room the person has this week, their skills and whether they want
    suggestions. Turning to "swamped" tells teammates who have room (once a week each)."""
    now = now or timezone.now()
    if status not in CapacityStatus.values:
        raise ValidationError({"status": "Choose swamped, steady or have capacity this week."})
    names = skills_normalise(skills, limit=MAX_PERSON_SKILLS)
    with transaction.atomic():
        capacity = _capacity_locked(person)
        became_swamped = status == CapacityStatus.SWAMPED and (
            capacity.pk is None or capacity.status != CapacityStatus.SWAMPED
        )
        capacity.organization_id = person.organization_id
        capacity.status = status
        capacity.available_until = (
            week_end(person, now) if status == CapacityStatus.AVAILABLE else None
        )
        capacity.suggestions_off = suggestions_off
        capacity.updated_at = now
        capacity.full_clean(exclude=["person", "organization", "skills"], validate_unique=False)
        capacity.save()
        capacity.skills.set(skills_get_or_create(organization=person.organization, names=names))
        if became_swamped:
            swamped_suggest(person=person, now=now)
    return capacity


def _capacity_locked(person: Person) -> Capacity:
    """The person's capacity row, locked, or a new unsaved one."""
    found = Capacity.objects.select_for_update().filter(person=person).first()
    return found or Capacity(person=person, organization_id=person.organization_id)


def teammates_with_room(
    *, person: Person, now: datetime | None = None, team: Team | None = None
) -> list[Person]:
    """People who share a team with `person` (or are in `team`, when given), have capacity
    this week and want suggestions."""
    now = now or timezone.now()
    teams = (
        Membership.objects.filter(person=person).values("team_id") if team is None else [team.pk]
    )
    return list(
        Person.objects.filter(
            organization_id=person.organization_id,
            memberships__team_id__in=teams,
            erased_at__isnull=True,
            help_capacity__status=CapacityStatus.AVAILABLE,
            help_capacity__available_until__gt=now,
            help_capacity__suggestions_off=False,
        )
        .exclude(pk=person.pk)
        .exclude(status__in=SILENT_STATUSES)
        .distinct()
        .order_by("pk")
    )


def swamped_suggest(*, person: Person, now: datetime | None = None) -> int:
    """Tell teammates with room that `person` is swamped; once per teammate per week."""
    now = now or timezone.now()
    sent = 0
    for teammate in teammates_with_room(person=person, now=now):
        notification = notify(
            recipient=teammate,
            type=NotificationType.HELP_SUGGESTION,
            title=f"{person.display_name} is swamped this week",
            body=(
                "You said you have some room this week. A short note asking what would help "
                "can take a lot off their plate."
            ),
            url=reverse("people:detail", args=[person.pk]),
            dedupe_key=f"help_suggestion:swamped:{person.pk}:{week_key(teammate, now)}",
            now=now,
        )
        sent += notification is not None
    return sent


def challenge_posted_suggest(
    *, author: Person, post_url: str, team: Team | None = None, now: datetime | None = None
) -> int:
    """A teammate shared a challenge (the feed calls this): tell their teammates who have
    room this week, linking to the post; once per teammate per author per week. A challenge
    shared with one team (`team`) is told only to that team, who can read it. Returns how
    many were told."""
    now = now or timezone.now()
    sent = 0
    for teammate in teammates_with_room(person=author, now=now, team=team):
        notification = notify(
            recipient=teammate,
            type=NotificationType.HELP_SUGGESTION,
            title=f"{author.display_name} shared a challenge",
            body="You have some room this week; maybe you can lend a hand.",
            url=post_url,
            dedupe_key=f"help_suggestion:challenge:{author.pk}:{week_key(teammate, now)}",
            now=now,
        )
        sent += notification is not None
    return sent


# --- requests ------------------------------------------------------------------------------


def _request_team(*, requester: Person, audience: str, team: Team | None) -> Team | None:
    if audience != Audience.TEAM:
        return None
    my_teams = list(Team.objects.filter(memberships__person=requester).order_by("name", "id"))
    if team is None:
        if len(my_teams) == 1:
            return my_teams[0]
        if not my_teams:
            raise ValidationError(
                {"audience": "You are not in a team yet; ask the whole organisation instead."},
                code="no_team",
            )
        raise ValidationError({"team": "Choose which of your teams should see this."})
    if team not in my_teams:
        raise ValidationError({"team": "Choose one of your own teams."}, code="not_your_team")
    return team


def help_request_create(
    *,
    requester: Person,
    title: str,
    description: str = "",
    skills: str | list[str] = "",
    effort: str,
    needed_by: date,
    audience: str = Audience.ORGANIZATION,
    team: Team | None = None,
    source_post: Post | None = None,
    now: datetime | None = None,
) -> HelpRequest:
    """Ask for a hand. `source_post` is the requester's own challenge in the feed this
    request comes from (the caller looked it up with `feed.access.get_post_for`): the
    request and the post then link to each other."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if needed_by < local_today(requester, now):
        errors["needed_by"] = "That date has passed; choose today or a later day."
    if audience not in Audience.values:
        errors["audience"] = "Choose your team or the whole organisation."
    if source_post is not None and not can_ask_from(requester=requester, post=source_post):
        errors["from_post"] = "Only a challenge you shared yourself can become your request."
    if errors:
        raise ValidationError(errors, code="invalid")
    names = skills_normalise(skills, limit=MAX_REQUEST_SKILLS)
    request = HelpRequest(
        organization_id=requester.organization_id,
        requester=requester,
        title=title.strip(),
        description=description.strip(),
        effort=effort,
        needed_by=needed_by,
        audience=audience,
        team=_request_team(requester=requester, audience=audience, team=team),
        source_post=source_post,
        created_at=now,
    )
    request.full_clean(exclude=["organization", "requester", "skills"])
    with transaction.atomic():
        request.save()
        request.skills.set(skills_get_or_create(organization=requester.organization, names=names))
    return request


def can_ask_from(*, requester: Person, post: Post) -> bool:
    """Whether `requester` may turn `post` into a request: only its author, only a
    challenge."""
    return post.author_id == requester.pk and post.kind == Post.Kind.CHALLENGE


def _locked(request: HelpRequest) -> HelpRequest:
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    request.state, request.done_at, request.closed_at = (
        locked.state,
        locked.done_at,
        locked.closed_at,
    )
    return request


def _no_longer_open(request: HelpRequest) -> None:
    RequestSkill.objects.filter(request=request).update(is_open=False)


def _only_requester(request: HelpRequest, person: Person, what: str) -> None:
    if request.requester_id != person.pk:
        raise PermissionDenied(f"Only the person who asked for help can {what}.")


def _must_be_open(request: HelpRequest) -> None:
    if request.state != RequestState.OPEN:
        raise ValidationError(
            f"This request is {request.get_state_display().lower()} already.", code="not_open"
        )


def help_request_close(
    *, request: HelpRequest, by: Person, now: datetime | None = None
) -> HelpRequest:
    """The requester no longer needs a hand."""
    _only_requester(request, by, "close the request")
    with transaction.atomic():
        _locked(request)
        _must_be_open(request)
        request.state = RequestState.CLOSED
        request.closed_at = now or timezone.now()
        request.save(update_fields=["state", "closed_at"])
        _no_longer_open(request)
    return request


def help_request_done(
    *, request: HelpRequest, by: Person, now: datetime | None = None
) -> HelpRequest:
    """The requester got the help: every accepted helper is recorded as having helped them
    (one ledger entry per offer, so a retry records nothing twice) and told."""
    now = now or timezone.now()
    _only_requester(request, by, "mark it done")
    with transaction.atomic():
        _locked(request)
        _must_be_open(request)
        accepted = list(request.offers.filter(state=OfferState.ACCEPTED).select_related("helper"))
        if not accepted:
            raise ValidationError(
                "Accept the offer of whoever helped before marking this done, or close the "
                "request if you no longer need a hand.",
                code="nobody_accepted",
            )
        request.state = RequestState.DONE
        request.done_at = now
        request.save(update_fields=["state", "done_at"])
        _no_longer_open(request)
        url = reverse("helpboard:request_detail", args=[request.pk])
        for offer in accepted:
            interaction_record(
                actor=offer.helper,
                other=request.requester,
                kind=Kind.HELPED,
                occurred_at=now,
                source=offer,
            )
            notify(
                recipient=offer.helper,
                type=NotificationType.HELP_UPDATE,
                title=f"{request.requester.display_name} marked “{request.title}” done",
                body="Thank you for lending a hand.",
                url=url,
                dedupe_key=f"help_done:{offer.pk}",
                now=now,
            )
    return request


def help_requests_close_expired(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Close open requests whose needed-by date has passed where the requester lives, and
    tell them. Safe to run again: closed requests are skipped, notifications deduplicated."""
    now = now or timezone.now()
    # Nobody's local date is more than a day ahead of UTC's, so this finds every candidate.
    candidates = (
        HelpRequest.objects.open()
        .filter(needed_by__lte=now.astimezone(UTC).date())
        .select_related("requester")
        .order_by("needed_by", "pk")[:limit]
    )
    closed = 0
    for request in candidates:
        if request.needed_by >= local_today(request.requester, now):
            continue
        with transaction.atomic():
            _locked(request)
            if request.state != RequestState.OPEN:
                continue
            request.state = RequestState.CLOSED
            request.closed_at = now
            request.closed_automatically = True
            request.save(update_fields=["state", "closed_at", "closed_automatically"])
            _no_longer_open(request)
            notify(
                recipient=request.requester,
                type=NotificationType.HELP_UPDATE,
                title=f"“{request.title}” closed after its date",
                body="Still need a hand? Ask again with a new date.",
                url=reverse("helpboard:request_detail", args=[request.pk]),
                dedupe_key=f"help_expired:{request.pk}",
                now=now,
            )
        closed += 1
    return closed


# --- offers --------------------------------------------------------------------------------


def offer_create(
    *, request: HelpRequest, helper: Person, message: str = "", now: datetime | None = None
) -> Offer:
    now = now or timezone.now()
    if request.requester_id == helper.pk:
        raise ValidationError(
            "This is your own request: others can offer to help with it.", code="own_request"
        )
    offer = Offer(request=request, helper=helper, message=message.strip(), created_at=now)
    offer.full_clean(exclude=["request", "helper"], validate_unique=False)
    with transaction.atomic():
        _locked(request)
        if request.state != RequestState.OPEN:
            raise ValidationError(
                "This request is no longer open, so it can't take offers.", code="not_open"
            )
        if Offer.objects.filter(request=request, helper=helper).exists():
            raise ValidationError("You have already offered to help with this.", code="offered")
        offer.save()
        notify(
            recipient=request.requester,
            type=NotificationType.HELP_OFFER,
            title=f"{helper.display_name} offered to help with “{request.title}”",
            body=offer.message,
            url=reverse("helpboard:request_detail", args=[request.pk]),
            dedupe_key=f"help_offer:{offer.pk}",
            now=now,
        )
    return offer


def offer_accept(*, offer: Offer, by: Person, now: datetime | None = None) -> Offer:
    """The requester takes up an offer (they may accept several). Accepting twice is a no-op."""
    now = now or timezone.now()
    request = offer.request
    _only_requester(request, by, "accept offers")
    with transaction.atomic():
        _locked(request)
        _must_be_open(request)
        offer = Offer.objects.select_for_update().select_related("helper").get(pk=offer.pk)
        offer.request = request
        if offer.state == OfferState.ACCEPTED:
            return offer
        offer.state = OfferState.ACCEPTED
        offer.accepted_at = now
        offer.save(update_fields=["state", "accepted_at"])
        notify(
            recipient=offer.helper,
            type=NotificationType.HELP_UPDATE,
            title=f"{by.display_name} accepted your offer on “{request.title}”",
            body="Time to get in touch and lend that hand.",
            url=reverse("helpboard:request_detail", args=[request.pk]),
            dedupe_key=f"help_accepted:{offer.pk}",
            now=now,
        )
    return offer
