"""A first draft of how to open the conversation, built from the four parts of a roadblock.

Observation first, then the feeling, the need and a request framed as a question:

    I noticed the release notes went out without my section. I felt left out.
    I need to hear early when plans change. Could we check in before each release?

Pure string work (no Django), so it is easy to test and explain. People write the parts in
their own way ("I felt annoyed", "annoyed", "I was annoyed"), so each part is trimmed of the
words the template adds itself. The tone coach then reads the result: a draft built from
"you always ignore me" is still flagged, and the author edits it.
"""

from __future__ import annotations

import re

# Words that can start a clause in the middle of a sentence without a capital letter. A
# part starting with anything else (a name, "I", an acronym) keeps its capital.
# fmt: off
LOWER_STARTERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "there", "their", "they",
    "them", "he", "she", "his", "her", "him", "you", "your", "we", "our", "us", "my", "me",
    "during", "in", "on", "at", "after", "before", "when", "while", "since", "last",
    "yesterday", "today", "every", "some", "most", "all", "each", "one", "two", "three",
    "four", "five", "six", "several", "both", "no", "nobody", "none", "sometimes", "recently",
    "lately", "often", "again", "twice",
})
# fmt: on
#: People may write "Frustrated" or "To hear sooner": in the middle of a sentence those
#: are lower case. Only "I", acronyms and names keep their capital; names are only likely
#: in "what happened", which is lowered for everyday starting words alone.
_KEEPS_CAPITAL = re.compile(r"^(?:I\b|I['\u2019]|[A-Z]{2,}\b)")
_ASKS_OF_THEM = re.compile(r"\b(?:me|my|you|your)\b", re.I)

_LEADS = {
    "what_happened": re.compile(
        r"^(?:i\s+(?:have\s+)?noticed|i['\u2019]ve\s+noticed)\s+(?:that\s+)?", re.I
    ),
    "how_i_felt": re.compile(r"^(?:i\s+(?:felt|feel|was\s+feeling|am\s+feeling))\s+", re.I),
    "what_i_need": re.compile(r"^(?:i\s+need|what\s+i\s+need\s+is)\s+", re.I),
    "what_i_will_ask": re.compile(
        r"^(?:i(?:['\u2019]ll| will)\s+ask\s+(?:if\s+|whether\s+)?(?:we\s+could\s+)?|"
        r"could\s+we\s+|can\s+we\s+)",
        re.I,
    ),
}
_QUESTION_STARTS = re.compile(
    r"^(?:could|can|would|will|shall|may|might|do|does|is|are|how|what|when|where|who|why)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"^(?:i|i['\u2019]m|i['\u2019]ve|i['\u2019]d|my)\b", re.I)


def _clean(text: str) -> str:
    text = " ".join(text.split())  # one line, single spaces
    return text.strip().rstrip(".!?;:, ").strip()


def _lower_first(text: str) -> str:
    first = re.match(r"[A-Za-z]+", text)
    if first is None:
        return text
    word = first.group(0)
    acronym = len(word) > 1 and word.isupper()  # "IT", "QA"
    if word.lower() in LOWER_STARTERS and not acronym:
        return text[:1].lower() + text[1:]
    return text


def _lower(text: str) -> str:
    """Lower the first letter unless it is "I" or an acronym (for feelings, needs, asks)."""
    return text if _KEEPS_CAPITAL.match(text) else text[:1].lower() + text[1:]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _part(name: str, text: str) -> str:
    text = _clean(text)
    lead = _LEADS[name].match(text)
    return _clean(text[lead.end() :]) if lead else text


def opener_draft(
    *,
    what_happened: str,
    how_i_felt: str,
    what_i_need: str,
    what_i_will_ask: str,
    first_name: str = "",
) -> str:
    """The suggested opening lines; parts left empty are left out."""
    sentences: list[str] = []
    happened = _part("what_happened", what_happened)
    if happened:
        sentences.append(f"I noticed {_lower_first(happened)}.")
    felt_raw = _clean(how_i_felt)
    felt = _part("how_i_felt", how_i_felt)
    if felt:
        # "I was upset" stands as it is; "upset" becomes "I felt upset".
        if felt == felt_raw and _FIRST_PERSON.match(felt):
            sentences.append(f"{_capitalise(felt)}.")
        else:
            sentences.append(f"I felt {_lower(felt)}.")
    need = _part("what_i_need", what_i_need)
    if need:
        sentences.append(f"I need {_lower(need)}.")
    ask_raw = _clean(what_i_will_ask)
    ask = _part("what_i_will_ask", what_i_will_ask)
    if ask:
        if ask == ask_raw and _QUESTION_STARTS.match(ask):
            sentences.append(f"{_capitalise(ask)}?")
        else:
            # "give me a heads-up" is asked of them; "agree on a date" of both of us.
            who = "you" if _ASKS_OF_THEM.search(ask) else "we"
            sentences.append(f"Could {who} {_lower(ask)}?")
    body = " ".join(sentences)
    if first_name and body:
        return f"Hi {first_name}, {body}" if body.startswith("I ") else f"Hi {first_name}. {body}"
    return body
