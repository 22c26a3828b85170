"""The privacy gate's log of figures released to a person. It records which groups'
figures they saw, not anything about them, so the export says how many; a person who is
erased can never view again, so their log goes."""

from __future__ import annotations

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Release


def _export(person: Person) -> dict[str, int]:
    return {"group_figures_shown_to_you": Release.objects.filter(viewer=person).count()}


def _erase(person: Person) -> None:
    Release.objects.filter(viewer=person).delete()


register("privacy", export=_export, erase=_erase)
