"""Writes for kudos: giving thanks, reacting, replying, the organisation's values and
settings, and flagging thanks that look traded.

Every write validates everything first and runs in one transaction, so bad input changes
nothing. Giving thanks records one ledger interaction per receiver and tells them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from rapport.audit.actions import Action
from rapport.audit.services import audit_record
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Organization, Person

from . import trading
from .models import (
    MAX_RECEIVERS,
    MESSAGE_MAX_LENGTH,
    VALUE_NAME_MAX_LENGTH,
    Audience,
    Kudos,
    KudosReaction,
    KudosReceiver,
    KudosReply,
    KudosSettings,
    KudosValue,
    Reaction,
    TradingFlag,
)

logger = logging.getLogger(__name__)


# --- checks shared by the services ---------------------------------------------------------


def clean_message(message: str, *, field: str = "message", what: str = "message") -> str:
    """The message trimmed, or a ValidationError that says what is wrong with it."""
    text = (message or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: f"Write a few words: an empty {what} says nothing."})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                field: f"Keep it to {MESSAGE_MAX_LENGTH} characters; this one has {len(text)}.",
            }
        )
    if "\x00" in text:
        raise ValidationError({field: "The text contains a character we cannot store."})
    return text


def local_day_start(person: Person, now: datetime) -> datetime:
    """Midnight of the person's own current day, as an aware datetime (DST-safe)."""
    local = now.astimezone(person.tz)
    return datetime.combine(local.date(), time(0, 0), tzinfo=person.tz)


def kudos_given_today(*, giver: Person, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Kudos.objects.filter(giver=giver, created_at__gte=local_day_start(giver, now)).count()


def _require_admin(actor: Person, organization: Organization | None = None) -> None:
    if not actor.is_org_admin:
        raise PermissionDenied("Only org admins can change the organisation's kudos settings.")
    if organization is not None and actor.organization_id != organization.pk:
        raise PermissionDenied("Only org admins of this organisation can change this.")


def settings_for(*, organization: Organization) -> KudosSettings:
    """The organisation's settings row, or an unsaved one with the defaults."""
    found = KudosSettings.objects.filter(organization=organization).first()
    return found if found is not None else KudosSettings(organization=organization)


# --- giving thanks -------------------------------------------------------------------------


def kudos_give(
    *,
    giver: Person,
    receivers: Sequence[Person],
    message: str,
    value: KudosValue | None = None,
    audience: str = Audience.TEAM,
    now: datetime | None = None,
) -> Kudos:
    """Thank `receivers` (1 to 10 colleagues) for something, publicly or privately.

    Refused, with nothing saved: thanking yourself, someone of another organisation or who
    has left, an empty or overlong message, a value of another organisation or a retired
    one, and going over the organisation's daily limit (the giver's own day).
    """
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        text = clean_message(message)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    unique: dict[int, Person] = {}
    for person in receivers:
        unique.setdefault(person.pk, person)
    people = list(unique.values())
    if not people:
        errors["receivers"] = "Choose at least one person to thank."
    elif len(people) > MAX_RECEIVERS:
        errors["receivers"] = (
            f"Thank at most {MAX_RECEIVERS} people at once; you chose {len(people)}."
        )
    elif giver.pk in unique:
        errors["receivers"] = "Thanking yourself is kind, but kudos are for other people."
    elif any(p.organization_id != giver.organization_id for p in people):
        errors["receivers"] = "You can only thank people in your own organisation."
    elif any(p.status == Person.Status.LEFT or p.erased_at is not None for p in people):
        gone = [p.display_name for p in people if p.status == Person.Status.LEFT or p.erased_at]
        verb = "has" if len(gone) == 1 else "have"
        errors["receivers"] = (
            f"{', '.join(gone)} {verb} left the organisation, so cannot be thanked here."
        )
    if audience not in Audience.values:
        errors["audience"] = "Choose who can see it: only them, their teams or everyone."
    if value is not None:
        if value.organization_id != giver.organization_id:
            errors["value"] = "Choose one of your organisation's values."
        elif value.is_retired:
            errors["value"] = f"“{value.name}” has been retired; choose another value or none."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Lock the giver so two thank-yous sent at once can't both slip under the limit.
        Person.objects.select_for_update().filter(pk=giver.pk).first()
        limit = settings_for(organization=giver.organization).daily_limit
        if limit is not None and kudos_given_today(giver=giver, now=now) >= limit:
            raise ValidationError(
                f"You have given {limit} thank-you{'s' if limit != 1 else ''} today, the "
                "most your organisation allows in a day. Save this one for tomorrow.",
                code="daily_limit",
            )
        kudos = Kudos(
            organization_id=giver.organization_id,
            giver=giver,
            message=text,
            value=value,
            audience=audience,
            created_at=now,
        )
        kudos.full_clean(exclude=["organization", "giver", "value"])
        kudos.save()
        KudosReceiver.objects.bulk_create(
            [KudosReceiver(kudos=kudos, person=person) for person in people]
        )
        url = reverse("kudos:detail", args=[kudos.pk])
        title = f"{giver.display_name} thanked you"
        if value is not None:
            title += f" for “{value.name}”"
        body = "" if kudos.is_private else Truncator(text).chars(200)
        for person in people:
            interaction_record(
                actor=giver, other=person, kind=Kind.KUDOS, occurred_at=now, source=kudos
            )
            notify(
                recipient=person,
                type=NotificationType.KUDOS_RECEIVED,
                title=title,
                body=body,
                url=url,
                dedupe_key=f"kudos:{kudos.pk}:received",
            )
        transaction.on_commit(partial(_check_trading_safely, kudos.pk))
    return kudos


def _check_trading_safely(kudos_id: int) -> None:
    # The thanks are already saved; a failure to check must not turn into an error page.
    try:
        trading_check(kudos_id=kudos_id)
    except Exception:
        logger.exception("Checking kudos %s for traded thanks failed", kudos_id)


def _people_around(kudos: Kudos, *, besides: Person) -> list[Person]:
    """The giver and the receivers, except `besides` (who just did something)."""
    people = [kudos.giver, *(r.person for r in kudos.receipts.select_related("person"))]
    return [p for p in people if p.pk != besides.pk]


def kudos_react(*, kudos: Kudos, person: Person, kind: str) -> bool:
    """Toggle one reaction of `person` on `kudos`; True when it is now on."""
    if kind not in Reaction.values:
        raise ValidationError(
            {"kind": f"Choose one of the reactions: {', '.join(Reaction.values)}."}
        )
    with transaction.atomic():
        deleted, _ = KudosReaction.objects.filter(kudos=kudos, person=person, kind=kind).delete()
        if deleted:
            return False
        KudosReaction.objects.get_or_create(kudos=kudos, person=person, kind=kind)
        label = Reaction(kind)
        for someone in _people_around(kudos, besides=person):
            notify(
                recipient=someone,
                type=NotificationType.KUDOS_ACTIVITY,
                title=f"{person.display_name} reacted {label.emoji} to a thank-you",
                url=reverse("kudos:detail", args=[kudos.pk]),
                # Toggling off and on again tells nobody twice.
                dedupe_key=f"kudos:{kudos.pk}:reaction:{person.pk}:{kind}",
            )
    return True


def kudos_reply(*, kudos: Kudos, author: Person, message: str) -> KudosReply:
    text = clean_message(message, what="reply")
    with transaction.atomic():
        reply = KudosReply(kudos=kudos, author=author, message=text)
        reply.full_clean(exclude=["kudos", "author"])
        reply.save()
        for someone in _people_around(kudos, besides=author):
            notify(
                recipient=someone,
                type=NotificationType.KUDOS_ACTIVITY,
                title=f"{author.display_name} replied to a thank-you",
                body="" if kudos.is_private else Truncator(text).chars(200),
                url=reverse("kudos:detail", args=[kudos.pk]) + f"#reply-{reply.pk}",
                dedupe_key=f"kudos:{kudos.pk}:reply:{reply.pk}",
            )
    return reply


# --- values and settings (org admins) ------------------------------------------------------


def _clean_value_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError({"name": "A value needs a name, like “Help first”."})
    if len(text) > VALUE_NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Keep a value's name to {VALUE_NAME_MAX_LENGTH} characters."}
        )
    if "\x00" in text:
        raise ValidationError({"name": "The name contains a character we cannot store."})
    return text


def _check_name_free(organization: Organization, name: str, *, exclude: int | None = None) -> None:
    taken = KudosValue.objects.in_organization(organization).filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": f"There is already a value called “{name}”."})


def kudos_value_create(*, actor: Person, name: str, ip: str | None = None) -> KudosValue:
    _require_admin(actor)
    text = _clean_value_name(name)
    with transaction.atomic():
        _check_name_free(actor.organization, text)
        value = KudosValue(organization=actor.organization, name=text)
        value.full_clean(exclude=["organization"])
        value.save()
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.KUDOS_VALUES_CHANGED,
            target=value,
            details={"change": "kudos_value_added"},
            ip=ip,
        )
    return value


def kudos_value_rename(
    *, actor: Person, value: KudosValue, name: str, ip: str | None = None
) -> KudosValue:
    _require_admin(actor, value.organization)
    text = _clean_value_name(name)
    if text == value.name:
        return value
    with transaction.atomic():
        _check_name_free(actor.organization, text, exclude=value.pk)
        previous = value.name
        value.name = text
        value.save(update_fields=["name"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.KUDOS_VALUES_CHANGED,
            target=value,
            details={"change": "kudos_value_renamed", "previous_name": previous},
            ip=ip,
        )
    return value


def kudos_value_set_retired(
    *, actor: Person, value: KudosValue, retired: bool, ip: str | None = None
) -> KudosValue:
    """Retire a value (no new thanks can use it; old ones keep it) or bring it back."""
    _require_admin(actor, value.organization)
    if value.is_retired == retired:
        return value
    with transaction.atomic():
        value.retired_at = timezone.now() if retired else None
        value.save(update_fields=["retired_at"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.KUDOS_VALUES_CHANGED,
            target=value,
            details={"change": "kudos_value_retired" if retired else "kudos_value_restored"},
            ip=ip,
        )
    return value


def kudos_settings_update(
    *, actor: Person, daily_limit: int | None, ip: str | None = None
) -> KudosSettings:
    _require_admin(actor)
    with transaction.atomic():
        settings, _ = KudosSettings.objects.select_for_update().get_or_create(
            organization=actor.organization
        )
        if settings.daily_limit == daily_limit:
            return settings
        previous = settings.daily_limit
        settings.daily_limit = daily_limit
        settings.full_clean(exclude=["organization"])
        settings.save(update_fields=["daily_limit"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.KUDOS_VALUES_CHANGED,
            target=settings,
            target_label="Kudos settings",
            details={
                "change": "kudos_daily_limit",
                "previous_limit": previous,
                "daily_limit": daily_limit,
            },
            ip=ip,
        )
    return settings


# --- traded thanks -------------------------------------------------------------------------


def trading_pair_check(
    *, organization: Organization, a: Person, b: Person, now: datetime | None = None
) -> TradingFlag | None:
    """Check one pair against `trading` and flag it (and tell the admins) if it trades.

    Idempotent: a pair has one flag, updated on each check; admins hear about a pair at
    most once per ISO week.
    """
    now = now or timezone.now()
    since = now - trading.TRADING_WINDOW
    first, second = (a, b) if a.pk < b.pk else (b, a)
    thanks = [
        trading.Thanks(at=at, forward=giver_id == first.pk)
        for at, giver_id in KudosReceiver.objects.filter(
            Q(kudos__giver=first, person=second) | Q(kudos__giver=second, person=first),
            kudos__organization=organization,
            kudos__created_at__gte=since,
            kudos__created_at__lte=now,
        ).values_list("kudos__created_at", "kudos__giver_id")
    ]
    found = trading.exchanges(thanks)
    if len(found) < trading.MIN_EXCHANGES:
        return None
    others = (
        Interaction.objects.in_organization(organization)
        .filter(
            Q(actor=first, other=second) | Q(actor=second, other=first),
            occurred_at__gte=since,
            occurred_at__lte=now,
        )
        .exclude(kind=Kind.KUDOS)
        .count()
    )
    if not trading.is_trading(found, other_interactions=others):
        return None
    with transaction.atomic():
        flag, created = TradingFlag.objects.select_for_update().get_or_create(
            organization=organization,
            person_a=first,
            person_b=second,
            defaults={
                "exchanges": len(found),
                "first_exchange_at": found[0].first,
                "last_exchange_at": found[-1].answer,
                "flagged_at": now,
            },
        )
        if not created:
            flag.exchanges = min(len(found), 32767)
            flag.last_exchange_at = max(flag.last_exchange_at, found[-1].answer)
            if flag.reviewed_at is not None and flag.last_exchange_at > flag.reviewed_at:
                # Trading went on after an admin looked: it needs another look.
                flag.reviewed_at, flag.reviewed_by = None, None
                flag.flagged_at = now
            flag.save()
        if flag.reviewed_at is None:
            year, week, _ = now.isocalendar()
            admins = Person.objects.in_organization(organization).filter(is_org_admin=True)
            for admin in admins.exclude(pk__in=[first.pk, second.pk]).current():
                notify(
                    recipient=admin,
                    type=NotificationType.KUDOS_REVIEW,
                    title="Two people may be trading thanks",
                    body=(
                        "Thanks went back and forth between two colleagues with nothing else "
                        "between them. Have a look when you have a moment."
                    ),
                    url=reverse("kudos:review"),
                    dedupe_key=f"kudos_review:{first.pk}:{second.pk}:{year}-W{week:02d}",
                    now=now,
                )
    return flag


def trading_check(*, kudos_id: int, now: datetime | None = None) -> list[TradingFlag]:
    """Check the giver of this kudos against each of its receivers."""
    kudos = Kudos.objects.select_related("giver", "organization").filter(pk=kudos_id).first()
    if kudos is None:
        return []
    flags = []
    for receipt in kudos.receipts.select_related("person"):
        flag = trading_pair_check(
            organization=kudos.organization, a=kudos.giver, b=receipt.person, now=now
        )
        if flag is not None:
            flags.append(flag)
    return flags


def trading_scan(*, organization: Organization, now: datetime | None = None) -> int:
    """Check every pair that thanked each other both ways in the window; returns flags.

    The safety net behind the check that runs after each kudos (which a crash between the
    commit and the check could skip).
    """
    now = now or timezone.now()
    since = now - trading.TRADING_WINDOW
    directed = set(
        KudosReceiver.objects.filter(
            kudos__organization=organization, kudos__created_at__gte=since
        ).values_list("kudos__giver_id", "person_id")
    )
    pairs = {(min(g, r), max(g, r)) for g, r in directed if (r, g) in directed}
    people = Person.objects.in_organization(organization).in_bulk(
        {p for pair in pairs for p in pair}
    )
    flagged = 0
    for a, b in sorted(pairs):
        if trading_pair_check(organization=organization, a=people[a], b=people[b], now=now):
            flagged += 1
    return flagged


def trading_flag_resolve(*, actor: Person, flag: TradingFlag) -> TradingFlag:
    """An admin has looked at the pair; it leaves the list unless the trading goes on."""
    _require_admin(actor, flag.organization)
    if flag.reviewed_at is None:
        with transaction.atomic():
            flag.reviewed_at = timezone.now()
            flag.reviewed_by = actor
            flag.save(update_fields=["reviewed_at", "reviewed_by"])
            # Who looked at which pair: an admin's judgement about two people is on record.
            audit_record(
                organization=flag.organization,
                actor=actor,
                action=Action.KUDOS_FLAG_REVIEWED,
                target=flag,
                details={"people": [flag.person_a_id, flag.person_b_id]},
            )
    return flag


# --- data rights ---------------------------------------------------------------------------


def kudos_erase_author(*, person: Person) -> None:
    """Blank everything the person wrote and remove their reactions; the thanks stay."""
    Kudos.objects.filter(giver=person).update(message="")
    KudosReply.objects.filter(author=person).update(message="")
    KudosReaction.objects.filter(person=person).delete()


def receivers_in_organization(*, viewer: Person, ids: Iterable[int]) -> list[Person]:
    """The people with these ids in the viewer's organisation, or a ValidationError."""
    wanted = list(dict.fromkeys(ids))
    people = list(Person.objects.in_organization(viewer.organization).filter(pk__in=wanted))
    if len(people) != len(wanted):
        raise ValidationError({"receivers": "You can only thank people in your own organisation."})
    by_id = {p.pk: p for p in people}
    return [by_id[pk] for pk in wanted]
