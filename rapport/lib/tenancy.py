"""Tenancy, enforced in one place.

Every tenant-owned model uses a queryset derived from TenantQuerySet, which knows the path
from the row to its organisation and, by default, lets a viewer see rows of their own
organisation only. Models narrow `visible_to` further when a row is private to some people.
Every lookup of an object named in a request goes through `get_for`, which answers 404 for
"does not exist" and "not yours" alike, so ids of other organisations reveal nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from rapport.people.models import Organization, Person

M = TypeVar("M", bound=models.Model)


class TenantQuerySet(models.QuerySet[M]):
    #: lookup path from the model to its Organization
    organization_path = "organization"

    def in_organization(self, organization: Organization) -> Self:
        return self.filter(**{self.organization_path: organization})

    def visible_to(self, viewer: Person) -> Self:
        """Rows the viewer may see; models with private rows override this."""
        return self.in_organization(viewer.organization)


def get_for(viewer: Person, source: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """The object matching `lookup` that `viewer` may see, or 404."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    if not isinstance(queryset, TenantQuerySet):
        raise TypeError(f"{queryset.model.__name__} is not tenant-scoped")
    try:
        return queryset.visible_to(viewer).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} here") from exc
