"""Walk EVERY URL pattern as a signed-in person of another organisation.

Each route must be listed in COVERAGE below (the test fails on any route that is not):
routes that name an object get ids of the first organisation's objects and must answer
404; routes without an object must answer without showing anything of the first
organisation. API operations are walked the same way in test_api_walk.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rapport.accounts.models import Invitation
from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record

from ..conftest import client_for
from ..factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

SECRET_NAMES = ("Zelda Secretname", "Hidden Team Xyzzy", "zelda@first.example")


@dataclass
class World:
    """The first organisation, full of things the outsider must never see."""

    person: Any
    admin: Any
    team: Any
    invitation: Any


@pytest.fixture
def world() -> World:
    org = OrganizationFactory(name="First Org", slug="first")
    team = TeamFactory(organization=org, name="Hidden Team Xyzzy")
    person = PersonFactory(
        organization=org, display_name="Zelda Secretname", user__email="zelda@first.example"
    )
    MembershipFactory(person=person, team=team)
    admin = PersonFactory(organization=org, display_name="First Admin", is_org_admin=True)
    interaction_record(actor=person, other=admin, kind=Kind.KUDOS)
    from rapport.accounts.services import invitation_send

    invitation_send(inviter=admin, email="newbie@first.example", display_name="Newbie First")
    return World(person=person, admin=admin, team=team, invitation=Invitation.objects.get())


def _object_route(
    build: Callable[[World], dict[str, Any]],
) -> tuple[str, Callable[[World], dict[str, Any]]]:
    return ("object", build)


PAGE = ("page", None)  # no object in the URL: must not leak the first organisation
SHELL = ("page", None)

# Every named route, by its namespaced name. A new route without an entry fails the walk.
COVERAGE: dict[str, tuple[str, Callable[[World], dict[str, Any]] | None]] = {
    "today": PAGE,
    "email_managed_by_roster": PAGE,
    "settings": PAGE,
    "coming_soon": ("static", lambda w: {"slug": "kudos"}),
    "people:directory": PAGE,
    "people:detail": _object_route(lambda w: {"pk": w.person.pk}),
    "people:erase": _object_route(lambda w: {"pk": w.person.pk}),
    "people:export": PAGE,
    "people:teams": PAGE,
    "people:team": _object_route(lambda w: {"pk": w.team.pk}),
    "people:admin_members": PAGE,
    "people:admin_member_roles": _object_route(lambda w: {"pk": w.person.pk}),
    "people:roster_import": PAGE,
    "accounts:invite": PAGE,
    # The link's token is the secret itself; the outsider can only guess one.
    "accounts:accept_invitation": _object_route(lambda w: {"token": "not-a-real-token"}),
    "accounts:invitation_resend": _object_route(lambda w: {"pk": w.invitation.pk}),
    "accounts:tokens": PAGE,
    "audit:log": PAGE,
    "audit:export": PAGE,
    "notifications:inbox": PAGE,
    "notifications:read_all": PAGE,
    "notifications:read": _object_route(lambda w: {"pk": _first_org_notification(w)}),
    "notifications:open": _object_route(lambda w: {"pk": _first_org_notification(w)}),
    "notifications:preferences": PAGE,
    "notifications:send_test": PAGE,
    # The link's token is the credential itself; an outsider can only guess one.
    "notifications:unsubscribe": ("static", lambda w: {"token": "not-a-real-token"}),
    "accounts:token_revoke": _object_route(lambda w: {"pk": _first_org_token(w)}),
}


# Each capability app lists its own routes in `tests/<app>/tenancy.py` (ROUTES, same format
# as above; builders may create the first organisation's objects they need from `World`).
CAPABILITY_APPS = (
    "checkins",
    "kudos",
    "feed",
    "helpboard",
    "guides",
    "commitments",
    "roadblocks",
    "tone",
    "pairing",
    "care",
)


def capability_module(app: str) -> Any | None:
    """`tests.<app>.tenancy`, or None while that app has no routes yet."""
    try:
        return importlib.import_module(f"tests.{app}.tenancy")
    except ModuleNotFoundError as error:
        if error.name != f"tests.{app}.tenancy":
            raise
        return None


for _app in CAPABILITY_APPS:
    _module = capability_module(_app)
    if _module is not None:
        COVERAGE.update(getattr(_module, "ROUTES", {}))


def _first_org_notification(w: World) -> int:
    from rapport.notifications.services import notify

    return notify(recipient=w.person, type="system", title="For Zelda Secretname", url="/").pk


def _first_org_token(w: World) -> int:
    from rapport.accounts import tokens

    token, _secret = tokens.token_create(user=w.person.user, name="walk")
    return token.pk


def iter_routes(
    patterns: list[Any] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, list[str], Any]]:
    """(qualified name, route text, parameter names, callback) for every named route."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from iter_routes(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            params = list(p.pattern.regex.groupindex)
            yield (f"{namespace}{p.name}" if p.name else "", route, params, p.callback)


def _owned_by(callback: Any, *prefixes: str) -> bool:
    module = getattr(callback, "__module__", "") or ""
    return module.startswith(prefixes)


def project_routes() -> list[tuple[str, str, list[str], Any]]:
    return [
        r
        for r in iter_routes()
        if not r[1].startswith(("api/v1/", "django-admin/"))
        and not _owned_by(r[3], "allauth.", "django.")
    ]


def test_every_project_route_is_covered():
    missing = sorted({name or route for name, route, _, _ in project_routes()} - COVERAGE.keys())
    assert not missing, f"Add these routes to COVERAGE in {__file__}: {missing}"


def test_an_outsider_gets_404_or_nothing_for_every_route(world, outsider):
    client = client_for(outsider)
    answered_404: set[str] = set()
    for name, _route, _params, _ in project_routes():
        kind, build = COVERAGE[name]
        url = reverse(name, kwargs=build(world) if build else {})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url} -> {response.status_code}"
            if kind == "object":
                # 405: the route doesn't take this method; the other one must be a 404.
                assert response.status_code in (404, 405), where
                if response.status_code == 404:
                    answered_404.add(name)
            else:
                assert response.status_code < 500, where
            body = response.content.decode(errors="replace")
            for secret in SECRET_NAMES:
                assert secret not in body, f"{where} shows {secret!r}"
    object_routes = {name for name, (kind, _) in COVERAGE.items() if kind == "object"}
    assert answered_404 == object_routes


def test_an_outsider_sees_nothing_of_the_first_organisation_in_auth_and_admin_pages(
    world, outsider
):
    client = client_for(outsider)
    for _name, route, params, callback in iter_routes():
        if not (route.startswith("django-admin/") or _owned_by(callback, "allauth.")):
            continue
        if params:
            continue  # keyed links (reset keys): a guessed key opens nothing (tests/accounts)
        response = client.get("/" + route.replace("^", "").replace("$", ""))
        assert response.status_code < 500, route
        body = response.content.decode(errors="replace")
        for secret in SECRET_NAMES:
            assert secret not in body, f"{route} shows {secret!r}"


def test_the_walk_is_not_vacuous(world, outsider):
    """Sanity check of the walk itself: the first org's own admin does see the secrets."""
    client = client_for(world.admin)
    assert (
        "Zelda Secretname"
        in client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    )
    assert (
        client_for(outsider).get(reverse("people:detail", args=[world.person.pk])).status_code
        == 404
    )
