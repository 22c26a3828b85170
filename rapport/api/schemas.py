"""Input types shared by every Router: text that can be stored safely, ids in range."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from rapport.lib.forms import MAX_ID  # noqa: F401  (re-exported for the routers)


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL characters and no database stores lone surrogates (which JSON
    # escapes like "\ud800" can produce): turn both into a 422 instead of a database error.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("bad_unicode", "Text must be valid Unicode.") from None
    return value


#: Any text a person typed that will be stored or searched for.
Text = Annotated[str, AfterValidator(_storable)]

#: A search box: at most 100 characters, like the pages' search.
SearchQuery = Annotated[Text, Field(max_length=100, description="Search text")]
