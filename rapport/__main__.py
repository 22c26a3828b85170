"""`rapport` (or `python -m rapport`): Django's management commands under friendlier names.

`rapport demo`, `rapport serve`, `rapport worker`, `rapport import-roster roster.csv`,
`rapport migrate`, ... Dashes in a command name are read as underscores.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"worker": "rapport_worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "rapport"
    if len(args) > 1 and not args[1].startswith("-"):
        name = args[1].replace("-", "_")
        args[1] = ALIASES.get(name, name)
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
