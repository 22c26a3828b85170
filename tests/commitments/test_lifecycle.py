"""Every way a promise can end, played once through the pages and once through the API:
the same moves give the same state, the same record and the same ledger interactions.

    open -> done (confirmed by the receiver, with or without a delivery)
    open -> delivered -> done (nobody objected for three days)
    open -> renegotiated before the due time -> done   (renegotiated early: keeps trust)
    open -> renegotiated after the due time -> done    (late)
    open -> missed (the sweep) -> renegotiated -> done (late)
    open -> released
    open -> missed

And the refusals of the issue, in words, through both: a due time in the past, a promise to
someone outside the organisation, a move by someone who isn't a party, renegotiating a
closed promise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rapport.commitments import services
from rapport.commitments.models import Commitment
from rapport.commitments.selectors import follow_through
from rapport.commitments.states import Outcome, State
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from tests.api import API, bearer
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

#: A Tuesday in May: no daylight-saving change anywhere near.
START = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)


class Channel:
    """Makes promises and moves them as a person would: through the pages or the API."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def promise(self, promiser, receiver, *, due_at: datetime, text: str = "ship the notes"):
        if self.kind == "api":
            response = Client(headers=bearer(promiser)).post(
                f"{API}/commitments",
                {"text": text, "receiver_ids": [receiver.pk], "due_at": due_at.isoformat()},
                content_type="application/json",
            )
            return response.status_code, response.content.decode()
        local = due_at.astimezone(promiser.tz)
        response = client_for(promiser).post(
            reverse("commitments:new"),
            {
                "text": text,
                "receiver_ids": [receiver.pk],
                "due_date": local.date().isoformat(),
                "due_time": local.strftime("%H:%M"),
            },
        )
        return response.status_code, response.content.decode()

    def act(self, person, commitment: Commitment, action: str, **data: Any) -> tuple[int, str]:
        if self.kind == "api":
            body = dict(data)
            if "due_at" in body:
                body["due_at"] = body["due_at"].isoformat()
            response = Client(headers=bearer(person)).post(
                f"{API}/commitments/{commitment.pk}/{action}",
                body,
                content_type="application/json",
            )
            return response.status_code, response.content.decode()
        form: dict[str, str] = {}
        for key, value in data.items():
            if key == "due_at":
                local = value.astimezone(person.tz)
                form[f"{action}-due_date"] = local.date().isoformat()
                form[f"{action}-due_time"] = local.strftime("%H:%M")
            else:
                form[f"{action}-{key}"] = value
        response = client_for(person).post(
            reverse(f"commitments:{action}", kwargs={"pk": commitment.pk}), form, follow=True
        )
        return response.status_code, response.content.decode()

    def shows(self, person, commitment: Commitment) -> str:
        """What the person is shown about the promise's state."""
        if self.kind == "api":
            body = Client(headers=bearer(person)).get(f"{API}/commitments/{commitment.pk}").json()
            return f"{body['state']}:{body['outcome'] or ''}"
        return (
            client_for(person)
            .get(reverse("commitments:detail", kwargs={"pk": commitment.pk}))
            .content.decode()
        )


@pytest.fixture(params=["page", "api"])
def channel(request) -> Channel:
    return Channel(request.param)


def made(channel: Channel, promiser, receiver, *, due_in=timedelta(days=2)) -> Commitment:
    status, body = channel.promise(promiser, receiver, due_at=START + due_in)
    assert status in (201, 302), body
    return Commitment.objects.get()


def ledger() -> list[str]:
    return sorted(Interaction.objects.values_list("kind", flat=True))


def settled(c: Commitment) -> tuple[str, str]:
    c.refresh_from_db()
    return c.state, c.outcome


def ok(result: tuple[int, str]) -> None:
    status, body = result
    assert status == 200, body


def test_confirmed_without_a_delivery_is_kept_on_time(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        ok(channel.act(colleague, c, "confirm"))
    assert settled(c) == (State.DONE, Outcome.ON_TIME)
    assert ledger() == [Kind.COMMITMENT_KEPT]
    shown = channel.shows(member, c)
    assert shown == "done:on_time" if channel.kind == "api" else ">Done</span>" in shown


def test_delivered_then_confirmed_is_kept_on_time(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        ok(channel.act(member, c, "deliver", note="Sent by email"))
        assert c.__class__.objects.get(pk=c.pk).state == State.DELIVERED
        ok(channel.act(colleague, c, "confirm"))
    assert settled(c) == (State.DONE, Outcome.ON_TIME)
    assert ledger() == [Kind.COMMITMENT_KEPT]


def test_a_delivery_nobody_objects_to_is_done_after_three_days(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        ok(channel.act(member, c, "deliver"))
    with time_machine.travel(START + timedelta(days=2, hours=23), tick=False):
        assert services.commitments_auto_confirm() == 0
        assert settled(c) == (State.DELIVERED, "")
    with time_machine.travel(START + timedelta(days=3, minutes=1), tick=False):
        assert services.commitments_auto_confirm() == 1
        shown = channel.shows(colleague, c)
    assert settled(c) == (State.DONE, Outcome.ON_TIME)
    assert ledger() == [Kind.COMMITMENT_KEPT]
    if channel.kind == "api":
        assert shown == "done:on_time"
    else:
        assert "counted as done after three days" in shown


def test_renegotiated_before_the_due_time_keeps_trust(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        ok(
            channel.act(
                member, c, "renegotiate", due_at=START + timedelta(days=5), message="Data is late"
            )
        )
        assert settled(c) == (State.OPEN, "")
        ok(channel.act(member, c, "deliver"))
        ok(channel.act(colleague, c, "confirm"))
    assert settled(c) == (State.DONE, Outcome.RENEGOTIATED_EARLY)
    assert ledger() == sorted([Kind.COMMITMENT_RENEGOTIATED, Kind.COMMITMENT_KEPT])
    assert follow_through(person=member, now=START + timedelta(days=2)).kept_trust == 1


def test_renegotiated_after_the_due_time_is_late(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
    # The due time has passed, before the sweep had a chance to mark it missed.
    with time_machine.travel(START + timedelta(days=2, minutes=1), tick=False):
        ok(
            channel.act(
                member, c, "renegotiate", due_at=START + timedelta(days=4), message="Sorry, Friday"
            )
        )
        assert c.__class__.objects.get(pk=c.pk).renegotiated_late
        ok(channel.act(member, c, "deliver"))
        ok(channel.act(colleague, c, "confirm"))
    assert settled(c) == (State.DONE, Outcome.LATE)
    assert ledger() == [Kind.COMMITMENT_LATE]  # no renegotiated-early credit


def test_missed_then_renegotiated_and_kept_is_late(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
    with time_machine.travel(START + timedelta(days=2, minutes=5), tick=False):
        assert services.commitments_mark_missed() == 1
        assert services.commitments_mark_missed() == 0
        shown = channel.shows(colleague, c)
        assert shown == "missed:missed" if channel.kind == "api" else ">Missed</span>" in shown
        ok(
            channel.act(
                member, c, "renegotiate", due_at=START + timedelta(days=3), message="Tomorrow"
            )
        )
        assert settled(c) == (State.OPEN, "")
        ok(channel.act(colleague, c, "confirm"))
    assert settled(c) == (State.DONE, Outcome.LATE)
    # Missed when it was missed, late when it was kept: both stay in the ledger.
    assert ledger() == sorted([Kind.COMMITMENT_MISSED, Kind.COMMITMENT_LATE])
    record = follow_through(person=member, now=START + timedelta(days=3))
    assert (record.late, record.missed) == (1, 0)


def test_released_lets_the_promiser_off(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        ok(channel.act(colleague, c, "release", note="Not needed any more"))
    assert settled(c) == (State.RELEASED, "")
    assert ledger() == []
    assert follow_through(person=member, now=START).total == 0


def test_missed_stays_missed_in_the_record(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
    with time_machine.travel(START + timedelta(days=2, minutes=5), tick=False):
        services.commitments_mark_missed()
        ok(channel.act(colleague, c, "release"))
    assert settled(c) == (State.RELEASED, Outcome.MISSED)
    assert ledger() == [Kind.COMMITMENT_MISSED]
    assert follow_through(person=member, now=START + timedelta(days=3)).missed == 1


# --- refusals ------------------------------------------------------------------------------


def test_a_due_time_in_the_past_is_refused(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        status, body = channel.promise(member, colleague, due_at=START - timedelta(hours=1))
    assert status in (200, 422)
    assert "already passed" in body
    assert not Commitment.objects.exists()


def test_a_promise_to_someone_outside_the_organisation_is_refused(channel, member, outsider):
    with time_machine.travel(START, tick=False):
        status, body = channel.promise(member, outsider, due_at=START + timedelta(days=1))
    assert status in (200, 422)
    assert "Only people in your organisation" in body or "Select a valid choice" in body
    assert outsider.display_name not in body
    assert not Commitment.objects.exists()


def test_nobody_but_the_parties_can_change_it(channel, member, colleague, third, admin, lead):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        for stranger in (third, admin, lead):
            for action, data in [
                ("confirm", {}),
                ("release", {}),
                ("deliver", {}),
                ("renegotiate", {"due_at": START + timedelta(days=4), "message": "x"}),
            ]:
                status, _ = channel.act(stranger, c, action, **data)
                assert status == 404, (stranger, action)
        # The promiser can't confirm their own promise: told who may.
        status, body = channel.act(member, c, "confirm")
        assert "Only the people this promise is for" in body
    assert settled(c) == (State.OPEN, "")
    assert ledger() == []


def test_renegotiating_a_closed_promise_is_refused(channel, member, colleague):
    with time_machine.travel(START, tick=False):
        c = made(channel, member, colleague)
        ok(channel.act(colleague, c, "confirm"))
        status, body = channel.act(
            member, c, "renegotiate", due_at=START + timedelta(days=6), message="More time"
        )
    assert "so it can&#x27;t be renegotiated any more" in body or (
        status == 422 and "so it can't be renegotiated any more" in body
    )
    c.refresh_from_db()
    assert c.renegotiations == 0 and c.due_at == START + timedelta(days=2)
