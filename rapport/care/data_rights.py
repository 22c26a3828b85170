"""A member's care data: exported to the member only (their own export), erased with them.

Session notes are the therapist's and stay out of the client's export; they go when the
booking goes.
"""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Booking
from .services import care_data_erase


def care_export(person: Person) -> dict[str, Any]:
    bookings = Booking.objects.filter(client=person).select_related("therapist", "session_type")
    return {
        "appointments": [
            {
                "therapist": b.therapist.display_name,
                "session": b.session_type.name,
                "starts_at": b.starts_at.isoformat(),
                "ends_at": b.ends_at.isoformat(),
                "status": b.status,
                "funded": b.funded,
                "what_brings_you": b.intake_reason,
                "how_to_reach_you": b.intake_contact,
                "booked_at": b.created_at.isoformat(),
                "cancelled_at": b.cancelled_at.isoformat() if b.cancelled_at else None,
            }
            for b in bookings.order_by("starts_at", "id")
        ]
    }


register("care", export=care_export, erase=lambda person: care_data_erase(person=person))
