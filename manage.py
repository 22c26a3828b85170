#!/usr/bin/env python
"""Django's command-line utility; `rapport` (rapport/__main__.py) wraps the same commands."""

from rapport.__main__ import main

if __name__ == "__main__":
    main()
