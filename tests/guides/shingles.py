"""Fingerprints of the seed article, so the guides can be checked against it anywhere.

The article Rapport was conceived from (`shared/seed/article.txt`) lives outside the
repository, and its text must never be copied in. What the repository keeps instead is
`seed_shingles.txt`: the SHA-256 (hex) of every normalised 8-word window of the article,
sorted, one per line. A guide that repeats eight words in a row of the article hashes one
of its own windows to a line of that file.

Normalised means: Unicode NFKC, lower case, typographic apostrophes made plain, and the
text cut into words of letters and digits (an apostrophe inside a word stays: "you'd"),
so punctuation, dashes and line breaks never hide a copy. A window is its eight words
joined by single spaces.

Regenerate the file (only if the article ever changes) from the repository root, with
the article beside the checkout:

    .venv/bin/python -m tests.guides.shingles ../shared/seed/article.txt > SHINGLES

where SHINGLES is tests/guides/seed_shingles.txt.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

WINDOW = 8
SHINGLES_FILE = Path(__file__).resolve().parent / "seed_shingles.txt"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def words(text: str) -> list[str]:
    normal = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    return _WORD.findall(normal)


def windows(text: str, size: int = WINDOW) -> list[str]:
    """Every run of `size` consecutive words of the text, normalised."""
    found = words(text)
    return [" ".join(found[i : i + size]) for i in range(len(found) - size + 1)]


def fingerprint(window: str) -> str:
    return hashlib.sha256(window.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[str]:
    """The fingerprints of every window of the text."""
    return {fingerprint(w) for w in windows(text)}


def load(path: Path = SHINGLES_FILE) -> set[str]:
    return {line.strip() for line in path.read_text("ascii").splitlines() if line.strip()}


def copied_windows(text: str, fingerprints: Iterable[str]) -> list[str]:
    """The windows of `text` whose fingerprint is among `fingerprints`: what it copies."""
    known = set(fingerprints)
    return [w for w in windows(text) if fingerprint(w) in known]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for line in sorted(shingles(Path(argv[0]).read_text("utf-8"))):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
