"""`unread_count` for the navigation's inbox badge.

Counted lazily, with one indexed COUNT capped at 100 rows, and only if a template shows it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from rapport.people.models import Person

from .selectors import UNREAD_CAP, unread_count


class UnreadCount:
    def __init__(self, person: Person) -> None:
        self.person = person

    @cached_property
    def value(self) -> int:
        return unread_count(person=self.person)

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return f"{UNREAD_CAP}+" if self.value > UNREAD_CAP else str(self.value)


def inbox(request: HttpRequest) -> dict[str, Any]:
    person = getattr(request, "person", None)
    if person is None:
        return {}
    return {"unread_count": UnreadCount(person)}
