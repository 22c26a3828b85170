"""Demo history for each capability: every app that has something to show adds a
`demo.py` with

    def seed(*, organization: Organization, plan: OrganizationPlan) -> None

which creates that capability's believable history for the freshly created demo
organisation (the people, teams and ledger exist by then). Seeds run in the order below,
inside the demo's one transaction, so an app may build on what an earlier one made. Each
must be deterministic: derive its random numbers from `plan.seed`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapport.people.models import Organization

    from .generator import OrganizationPlan

ORDER = (
    "checkins",
    "kudos",
    "feed",
    "helpboard",
    "guides",
    "commitments",
    "roadblocks",
    "pairing",
    "care",
)


def seed_capabilities(*, organization: Organization, plan: OrganizationPlan) -> None:
    for app in ORDER:
        try:
            module = importlib.import_module(f"rapport.{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"rapport.{app}.demo":
                raise
            continue
        module.seed(organization=organization, plan=plan)
