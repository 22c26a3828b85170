"""The capabilities of DESIGN.md, in the order the navigation shows them.

A capability whose app has not landed yet points at a "coming soon" page that says what it
will do; when its app lands, set `url_name` to the app's page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    slug: str
    name: str
    summary: str
    url_name: str | None = None  # None: not built yet, the coming-soon page stands in


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "checkins",
        "Check-ins",
        "A ten-second answer to how you are really doing today. Private unless you choose "
        "to share it with your team.",
        url_name="checkins:home",
    ),
    Capability(
        "kudos",
        "Kudos",
        "Say thank you for the small things, in public or just to the person, and notice "
        "the people whose help usually goes unseen.",
        url_name="kudos:home",
    ),
    Capability(
        "feed",
        "Wins & challenges",
        "Share what went well and what is hard right now. A challenge can ask for a hand.",
        url_name="feed:home",
    ),
    Capability(
        "helpboard",
        "Help board",
        "Say when you are swamped, offer help when you have room, and find the person whose "
        "skills fit.",
        url_name="helpboard:home",
    ),
    Capability(
        "commitments",
        "Commitments",
        "Keep track of what you promised and to whom; renegotiate early instead of "
        "quietly missing a date.",
        url_name="commitments:home",
    ),
    Capability(
        "roadblocks",
        "Roadblocks",
        "Note a tension privately, prepare an observation-first conversation, and have it "
        "sooner rather than later.",
        url_name="roadblocks:home",
    ),
    Capability(
        "pairing",
        "Pairing",
        "Coffee and lunch with colleagues you don't know well yet, and a buddy for "
        "new joiners and people coming back from leave.",
        url_name="pairing:home",
    ),
    Capability(
        "insights",
        "Insights",
        "Whether connection is growing across the organisation, shown only as "
        "privacy-safe figures about groups, never about one person.",
    ),
    Capability(
        "care",
        "Care",
        "A confidential path to a therapist, booked by you and seen only by you and them.",
        url_name="care:home",
    ),
    Capability(
        "guides",
        "Guides",
        "Short guides to each practice, in plain words, with your team's comments.",
        url_name="guides:home",
    ),
)

BY_SLUG = {c.slug: c for c in CAPABILITIES}


def capability_url(slug: str) -> str:
    """Where a capability lives: its page once built, its coming-soon page until then.

    Link to another capability through this (or the `capability_url` template tag), so the
    link is right before and after that capability lands.
    """
    from django.urls import reverse

    capability = BY_SLUG[slug]
    if capability.url_name:
        return reverse(capability.url_name)
    return reverse("coming_soon", args=[slug])
