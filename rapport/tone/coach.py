"""The tone coach: flags wording in a draft that tends to put the reader on the defensive.

`check(text)` reads a draft (a check-in note, a kudos, a post, a reply, the opener of a
roadblock conversation) and returns a `ToneReport`: flags, each with the span it is about,
a kind and a reason in plain words, and an observation-first rewrite of the draft.

Five kinds, each from the "ask, don't assume" practice:

* ``absolute``: "you always…", "he never…", "every time you…": a pattern claimed about a
  person, which the reader can disprove with one counter-example and stop listening.
* ``mind_reading``: "you obviously…", "you must think…", "you don't care…": a guess about
  someone's thoughts or motives stated as a fact.
* ``blame``: "why didn't you…", "it's your fault", "you should have…".
* ``label``: "you're lazy", "he's a micromanager": a judgement of the person where a
  description of the behaviour would do.
* ``negative``: strongly negative wording about someone or their work ("garbage",
  "a disaster", shouting), scored with a small lexicon of our own.

It is pure Python (no Django, no model, nothing downloaded) so that it is explainable
(every flag names the rule that raised it), deterministic, and fast enough to run on every
keystroke. The rules are deliberately narrow: a coach that nags about "never mind" or
"always happy to help" gets switched off, so precision matters more than catching every
sharp sentence. Text inside quotation marks (and chat lines quoted with ">") is someone
else's words and is never flagged.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

KINDS = ("absolute", "mind_reading", "blame", "label", "negative")

#: drafts longer than this are refused: the coach is for messages, not documents
MAX_DRAFT_CHARS = 5000


class DraftTooLong(ValueError):
    """The draft is longer than MAX_DRAFT_CHARS characters."""


@dataclass(frozen=True, slots=True)
class Flag:
    start: int
    end: int
    kind: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ToneReport:
    text: str
    flags: tuple[Flag, ...]
    #: an observation-first rewrite of the draft; None when nothing was flagged
    suggestion: str | None

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def kinds(self) -> set[str]:
        return {flag.kind for flag in self.flags}

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "flagged": self.flagged,
            "flags": [flag.as_dict() for flag in self.flags],
            "suggestion": self.suggestion,
        }


# --- words ------------------------------------------------------------------------------

# Apostrophes come straight or curly; patterns below say A for either.
A = "['\u2019]"
# People a complaint can be about. Second and third person only: "I never…" and "we
# always…" are the writer talking about themselves, which is fine.
PRONOUN = rf"(?:you(?: guys| people| all| two)?|y{A}all|he|she|they)"
ROLE = (
    r"(?:(?:the|my|our|your|this|that|their|his|her)\s+(?:new\s+|whole\s+|other\s+)?"
    r"(?:\w+\s+)?(?:guy|girl|person|manager|boss|lead|colleague|coworker|intern|team|"
    r"teams|department|designer|engineer|developer|client|folks)|management|marketing|"
    r"sales|finance|legal|engineering|product|ops|hr)"
)
# A capitalised word is taken for a name ("Priya always…"): case-sensitive inside an
# otherwise case-insensitive pattern. Words that merely start a sentence are excluded.
NOT_NAMES = (
    "I|It|Its|This|That|These|Those|The|We|Our|My|There|Their|What|When|Why|How|Who|"
    "Which|If|So|And|But|Or|Just|Honestly|Frankly|Thanks|Thank|Please|Hey|Hi|Ugh|Once|"
    "Every|Each|Nobody|Everyone|Everybody|Someone|Nothing|Everything|Never|Always|Not|"
    "Monday|Mondays|Tuesday|Tuesdays|Wednesday|Wednesdays|Thursday|Thursdays|Friday|"
    "Fridays|Saturday|Saturdays|Sunday|Sundays|Today|Tomorrow|Yesterday|Lunch|Coffee"
)
NAME = rf"(?-i:(?!(?:{NOT_NAMES})\b)[A-Z][a-z]+)"
SUBJECT = rf"(?:{PRONOUN}|{ROLE}|{NAME})"
BE = rf"(?:{A}re|{A}s|{A}ve|{A}ll|{A}d|\s+are|\s+is|\s+was|\s+were|\s+has|\s+have|\s+will)"

ABSOLUTE_WORDS = r"always|never|constantly|continually|forever"
# "You never fail to…", "she's always there for us": absolutes that are compliments.
COMPLIMENT_AFTER = {
    "never": re.compile(
        r"\s*(?:fail|fails|complain|complains|let (?:me|us|anyone) down|disappoint|"
        r"hesitate|stop|have to apologi[sz]e|need to apologi[sz]e|forget to thank|guess)\b",
        re.IGNORECASE,
    ),
    "always": re.compile(
        r"\s*(?:there|around|available|willing|ready|happy|glad|kind|patient|so patient|"
        r"helpful|generous|on point|up for|make|makes|bring|brings|ask|asks|find|finds)\b",
        re.IGNORECASE,
    ),
}

LABEL_WORDS = (
    r"lazy|incompetent|useless|rude|selfish|careless|sloppy|stupid|idiot|idiotic|moron|"
    r"moronic|clueless|hopeless|arrogant|difficult(?: to work with)?|toxic|unprofessional|"
    r"unreliable|disorgani[sz]ed|irresponsible|inconsiderate|dramatic|too sensitive|"
    r"oversensitive|so negative|passive[- ]aggressive|condescending|dismissive|bossy|"
    r"annoying|defensive|controlling|slacker|liar|jerk|control freak|micromanager|"
    r"drama queen|know[- ]it[- ]all|amateurs?|diva|prima donna|snowflake|pathetic|"
    r"incapable|insufferable|impossible|entitled|whiny|petty|immature|two[- ]faced|"
    r"(?:terrible|awful|horrible|bad|lousy|poor|useless) (?:listener|manager|leader|"
    r"teammate|colleague|engineer|developer|communicator|person|boss|writer)"
)
LABEL_FILLER = (
    r"(?:so|such|really|very|completely|totally|just|too|a|an|the|most|utterly|"
    r"absolutely|incredibly|total|complete|real|bit|kind of|pretty|quite|honestly|"
    r"being|always|actually|literally|seriously|genuinely|simply)"
)

# A small sentiment lexicon of our own, tuned for workplace messages. Negative weights
# of -3 are contempt: they read as harsh whoever they are about.
LEXICON: dict[str, float] = {
    # contempt
    "garbage": -3, "trash": -3, "rubbish": -3, "pathetic": -3, "ridiculous": -3,
    "unacceptable": -3, "disgusting": -3, "insulting": -3, "toxic": -3, "useless": -3,
    "shambles": -3, "worst": -3, "crap": -3, "crappy": -3, "shit": -3, "shitty": -3,
    "wtf": -3, "disrespectful": -3, "incompetent": -3, "stupid": -3, "idiotic": -3,
    "laughable": -3, "joke": -2, "embarrassing": -2, "hate": -3, "despise": -3,
    # harsh
    "awful": -2, "terrible": -2, "horrible": -2, "disaster": -2, "nightmare": -2,
    "waste": -2, "wasting": -2, "sloppy": -2, "nasty": -2, "rude": -2, "lazy": -2,
    "mess": -2, "careless": -2, "annoying": -2, "disappointing": -2, "disappointed": -2,
    "angry": -2, "furious": -3, "clueless": -2, "fed": -1, "sick": -1, "lame": -2,
    "damn": -1, "mistakes": -1, "mistake": -1, "wrong": -1, "broken": -1, "bad": -1,
    "poor": -1, "confusing": -1, "frustrating": -1, "frustrated": -1, "upset": -1,
    "excuses": -2, "shortcuts": -1, "ugh": -1, "sad": -1, "tired": -1, "exhausted": -1,
    "stressed": -1, "stressful": -1, "overwhelmed": -1, "rough": -1, "tough": -1,
    "brutal": -1, "harsh": -1, "anxious": -1, "worried": -1, "worries": -1, "bummer": -1,
    "problem": -1, "fail": -1, "failed": -1, "failure": -1, "late": -1, "die": -1,
    # positive
    "great": 2, "good": 1, "thanks": 2, "thank": 2, "appreciate": 2, "love": 2,
    "lovely": 2, "awesome": 2, "brilliant": 2, "amazing": 2, "excellent": 2, "happy": 2,
    "glad": 2, "kind": 1, "helpful": 2, "help": 1, "support": 1, "welcome": 1, "fun": 1,
    "congrats": 2, "kudos": 2, "proud": 2, "inspiring": 2, "patient": 1, "calm": 1,
    "clear": 1, "strong": 1, "nice": 1, "care": 1, "effort": 1, "right": 1, "fair": 1,
    "best": 2, "legend": 2, "grateful": 2, "constructive": 1, "earned": 1, "fixed": 1,
    "win": 1, "deserved": 1, "better": 1, "impressive": 2, "fantastic": 2, "perfect": 2,
    "smooth": 1, "cool": 1, "grace": 1, "generous": 2, "thoughtful": 2, "learn": 1,
    "okay": 1, "ok": 1, "fine": 1, "well": 1, "enjoy": 2, "enjoyed": 2, "wonderful": 2,
}  # fmt: skip
# Phrases scored as one word (checked before single words).
PHRASES: dict[str, float] = {
    "waste of time": -3, "waste of my time": -3, "waste of our time": -3,
    "waste of everyone's time": -3, "train wreck": -3, "sick of": -3, "fed up": -3,
    "can't stand": -3, "cannot stand": -3, "a joke": -3, "full of mistakes": -3,
    "no worries": 1, "no problem": 1, "not bad": 1, "well done": 2, "thank you": 2,
    "shout-out": 2, "shout out": 2,
}  # fmt: skip
# Feelings about one's own day ("I hate Mondays", "sick of this cold") are fine in a
# check-in; these count as harsh only when aimed at someone.
FEELING_WORDS = {"hate", "despise", "sick of", "fed up", "can't stand", "cannot stand"}
INTENSIFIERS = {
    "so", "really", "very", "extremely", "completely", "totally", "absolutely", "utterly",
    "incredibly", "such", "complete", "total", "truly", "seriously", "frankly",
}  # fmt: skip
NEGATORS = {"not", "no", "never", "without", "hardly", "isn't", "wasn't", "aren't"}
TARGET = re.compile(r"\b(?:you|your|yours|you're|he|his|him|she|her|they|their|them)\b", re.I)
FIRST_PERSON = re.compile(rf"\b(?:I|I{A}m|I{A}ve|me|my|myself)\b")
WORD = re.compile(rf"[A-Za-z][A-Za-z{A[1:-1]}-]*")
PHRASE_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    reason: str
    #: which group's span is flagged (0: the whole match)
    group: int | str = 0
    #: extra test on (text, match, sentence span): False skips the match
    accept: Callable[[str, re.Match[str], tuple[int, int]], bool] | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


QUESTION_LEAD = {
    "do", "does", "did", "are", "is", "was", "were", "would", "will", "can", "could",
    "if", "when", "what", "how", "whether", "unless", "should", "have", "has",
}  # fmt: skip


def _word_before(text: str, start: int, sentence_start: int) -> str:
    words = WORD.findall(text[max(sentence_start, start - 40) : start])
    return words[-1].lower() if words else ""


#: how far after a match the coach looks for warmth ("you always make us feel welcome")
REST_CHARS = 160


def _not_asked(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    """ "Do you think we could…", "if you want…", "are you avoiding…?" ask; they don't assume."""
    return _word_before(text, match.start(), sentence[0]) not in QUESTION_LEAD


def _not_negated(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    before = text[max(sentence[0], match.start() - REST_CHARS) : match.start()].lower()
    return not re.search(
        r"(?:not|n['\u2019]t)\s+(?:think|say|saying|said|mean|believe)\b[^.!?]*$|\bnot\s*$",
        before,
    )


def _rest_not_positive(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    """False when the clause after the match is warm ("you clearly put so much care…")."""
    # The clause that follows, not the whole paragraph: keeps the cost per match bounded.
    rest = text[match.end() : min(sentence[1], match.end() + REST_CHARS)]
    return _score(rest)[0] <= 0


def _absolute_accept(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    after = text[match.end() : sentence[1]]
    compliment = COMPLIMENT_AFTER.get(match.group("word").lower())
    if compliment is not None and compliment.match(after):
        return False
    before = text[max(sentence[0], match.start() - 20) : match.start()].lower()
    if re.search(r"(?:\bnot|n['\u2019]t)\s*$", before):  # "not always", "isn't always"
        return False
    # "Do you always work this late?" asks; "why do you always…" does not.
    lead = WORD.findall(text[sentence[0] : min(match.start(), sentence[0] + REST_CHARS)])
    if (
        lead
        and lead[0].lower() in QUESTION_LEAD
        and "why" not in (w.lower() for w in lead)
        and text[sentence[0] : sentence[1]].rstrip().endswith("?")
    ):
        return False
    return _rest_not_positive(text, match, sentence)


def _both(
    *tests: Callable[[str, re.Match[str], tuple[int, int]], bool],
) -> Callable[[str, re.Match[str], tuple[int, int]], bool]:
    return lambda text, match, sentence: all(test(text, match, sentence) for test in tests)


def _names_someone(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    return bool(TARGET.search(text, sentence[0], sentence[1]))


def _names_someone_not_positive(text: str, match: re.Match[str], sentence: tuple[int, int]) -> bool:
    return _names_someone(text, match, sentence) and _score(text[sentence[0] : sentence[1]])[0] <= 0


RULES: tuple[Rule, ...] = (
    # absolute ------------------------------------------------------------------------
    Rule(
        "absolute",
        _rx(
            rf"\b{SUBJECT}(?:{BE})?(?:\s+(?:just|literally|seriously|really|basically|"
            rf"simply|still|also|do|does|did|can|could|would|will|even))?\s+"
            rf"(?P<word>{ABSOLUTE_WORDS})\b(?:\s+(?:ever|once))?"
        ),
        "An absolute about a person: one counter-example and the point is lost. "
        "Say when it happened instead.",
        "word",
        _absolute_accept,
    ),
    Rule(
        "absolute",
        _rx(r"\b(?:nobody|no one|no-one|nothing)\s+ever\b|\bnone of (?:you|them|us)\b"),
        "A sweeping claim about everyone; name the times you mean.",
    ),
    Rule(
        "absolute",
        _rx(r"\bis it always\b|\bwhy (?:do|does) (?:I|we) always\b"),
        "An absolute: \u201calways\u201d turns one frustration into a verdict.",
    ),
    Rule(
        "absolute",
        _rx(
            r"\b(?:every (?:single )?time|all the time|as always|as usual|once again|"
            r"yet again|for once|24/7)\b"
        ),
        "Points at a pattern rather than at one moment; describe the moment instead.",
        accept=_names_someone_not_positive,
    ),
    # mind reading ----------------------------------------------------------------------
    Rule(
        "mind_reading",
        _rx(
            rf"\b{SUBJECT}(?:{BE})?\s+(?:obviously|clearly|apparently|evidently)\b|"
            rf"\b(?:obviously|clearly|apparently|evidently),?\s+{PRONOUN}\b|"
            rf"\bit{A}?s (?:obvious|clear) (?:that )?{PRONOUN}\b"
        ),
        "States a guess about someone as a fact. Ask instead: what did you notice?",
        accept=_rest_not_positive,
    ),
    Rule(
        "mind_reading",
        _rx(
            rf"\b{PRONOUN}\s+(?:must|probably|obviously|clearly|really|just|only)\s+"
            rf"(?:think|thinks|believe|believes|assume|assumes|want|wants|wanted)\b|"
            rf"\b{SUBJECT}\s+(?:think|thinks)\s+(?:that\s+)?(?:you{A}re|you are|he{A}s|"
            rf"she{A}s|they{A}re|I{A}m|I am|this is|it{A}s|nobody|no one|everyone)"
        ),
        "Mind-reading: you can't know what someone thinks or wants. Ask them.",
        accept=_not_asked,
    ),
    Rule(
        "mind_reading",
        _rx(
            rf"\b{SUBJECT}\s+(?:clearly\s+|obviously\s+|just\s+)?(?:don{A}t|doesn{A}t|do not|"
            rf"does not|didn{A}t|did not|never|no longer)\s+(?:even\s+|really\s+)?"
            rf"(?:care|cared|respect|value|trust|want|wanted|like)\b|"
            rf"\bcouldn{A}t care less\b|\b(?:only|just) cares? about\b|"
            rf"\b{PRONOUN} (?:want|wants|wanted) (?:me|us|them) to (?:fail|look bad|quit|leave)\b"
        ),
        "Assumes how someone feels or what they value; that's theirs to say.",
        accept=_both(_not_asked, _not_negated),
    ),
    Rule(
        "mind_reading",
        _rx(
            rf"\b{SUBJECT}(?:{BE})?\s+(?:just\s+|clearly\s+|obviously\s+|deliberately\s+|"
            rf"keep\s+|keeps\s+)?(?:trying to|pretending|ignoring|avoiding|out to|"
            rf"doing (?:this|it|that) to)\b"
        ),
        "Reads intent into behaviour; describe the behaviour and ask about the intent.",
        accept=_not_asked,
    ),
    Rule(
        "mind_reading",
        _rx(
            r"\bon purpose\b|\bdeliberately\b|\bintentionally\b|\bI bet (?:you|he|she|they)\b|"
            r"\bI can tell\b|\bdidn['\u2019]t (?:even )?bother\b|"
            rf"\b{PRONOUN}\s+(?:\w+\s+)?(?:even\s+)?bother(?:ed|s)?\b|"
            rf"\b{PRONOUN}\s+(?:probably\s+|clearly\s+|obviously\s+)?(?:didn{A}t|don{A}t|"
            rf"did not|do not|never) even\b|"
            rf"\b{PRONOUN}(?:{BE})? (?:mad|angry|upset|annoyed|pissed|furious) (?:at|with) me\b|"
            rf"\bwhat {PRONOUN} (?:really|actually) (?:mean|meant|want|wanted|think)\b|"
            rf"\b{SUBJECT} acts? like\b|\bdo whatever {PRONOUN} want\b|"
            rf"\b{PRONOUN}{A}ll do what {PRONOUN} want\b|"
            rf"\b{PRONOUN} (?:had|have|has) better things to do\b|"
            rf"\b{PRONOUN} (?:have|has) no idea\b"
        ),
        "A guess about someone's motives or thoughts; check it with them first.",
        accept=_both(_not_asked, _names_someone),
    ),
    # blame -----------------------------------------------------------------------------
    Rule(
        "blame",
        _rx(
            rf"\bwhy\s+(?:didn{A}t|haven{A}t|hasn{A}t|won{A}t|can{A}t|couldn{A}t|wouldn{A}t|"
            rf"aren{A}t|weren{A}t|hadn{A}t|doesn{A}t|did not|have not|cannot|can not)\s+"
            rf"(?:{SUBJECT}|anyone|anybody|nobody)\b|"
            rf"\bwhy\s+(?:don{A}t|do not)\s+{SUBJECT}\s+(?:ever|just|even|listen|answer|reply|"
            rf"respond|read|check|follow|care|understand|update)\b|"
            rf"\bwhy\s+(?:wasn{A}t|weren{A}t)\s+(?:I|we)\s+(?:told|informed|included|invited|"
            rf"asked|consulted|copied|cc{A}?d|looped in)\b|"
            rf"\bwhy\s+(?:do|did|would|are|were|does)\s+{SUBJECT}\s+(?:always|never|even|keep|"
            rf"insist|bother|ever|constantly)\b|\bwhy would {PRONOUN}\b|"
            r"\bwhy (?:on earth|the hell|the heck|in the world)\b"
        ),
        "A \u201cwhy didn't you\u2026\u201d question reads as an accusation. Start with what "
        "you noticed, then ask what got in the way.",
    ),
    Rule(
        "blame",
        _rx(
            rf"\b(?:it{A}s|it is|that{A}s|that is|this is|it was|that was)\s+(?:all\s+)?"
            rf"(?:your|his|her|their|{NAME}{A}s) fault\b|\bbecause of (?:you|him|her|them)\b|"
            rf"\bthanks to (?:you|him|her|them|your)\b|\b{SUBJECT}(?:{BE})? the reason\b"
        ),
        "Assigns fault to a person; describe what happened and its effect instead.",
        accept=_rest_not_positive,
    ),
    Rule(
        "blame",
        _rx(
            rf"\b{SUBJECT}\s+(?:just\s+|totally\s+|completely\s+|really\s+)?(?:broke|ruined|"
            rf"messed up|screwed up|botched|wrecked|derailed|sabotaged|blew it|"
            rf"dropped the ball|failed to|caused|let (?:me|us|everyone|them|the\s+\w+|"
            rf"the whole \w+) down|made (?:us|me|everyone|the team) (?:miss|late|look|redo|"
            rf"stay|wait))\b"
        ),
        "Blames a person for an outcome; say what happened and how it affected you.",
    ),
    Rule(
        "blame",
        _rx(
            rf"\b{PRONOUN}\s+(?:should|shouldn{A}t|should not|ought to)\s+have\s+(?:told|"
            rf"asked|checked|known|said|done|tested|warned|listened|thought|read|waited|"
            rf"flagged|called|let|promised|mentioned|sent|included|informed|looped|run|"
            rf"caught|noticed|reviewed|agreed|committed|shipped|merged)\b|"
            rf"\b{PRONOUN}\s+(?:were|was)\s+supposed\s+to\b|\b{PRONOUN} had one job\b"
        ),
        "Hindsight blame; say what you need next time instead.",
    ),
    Rule(
        "blame",
        _rx(
            r"\bhow many times (?:do|have|must|should|did) (?:I|we)\b|\bhow could (?:you|he|"
            r"she|they)\b|\bwhat were (?:you|they) thinking\b|\bif (?:you|he|she|they) "
            r"(?:had|['\u2019]d) (?:just|only)\b|\bdo your job\b|\bget your act together\b|"
            r"\bwho (?:approved|allowed|broke|deleted|merged|signed off on) (?:this|that)\b"
        ),
        "An accusing question; describe the situation and ask how to fix it together.",
        accept=_rest_not_positive,
    ),
    # label -----------------------------------------------------------------------------
    Rule(
        "label",
        _rx(
            rf"\b{SUBJECT}(?:{BE})(?:\s+{LABEL_FILLER}){{0,4}}\s+"
            rf"(?P<label>{LABEL_WORDS})\b"
        ),
        "Labels the person rather than describing what they did; describe the behaviour.",
        "label",
        _not_negated,
    ),
    Rule(
        "label",
        _rx(
            rf"\bstop being\s+(?:so\s+|such\s+an?\s+|an?\s+)?(?P<label>{LABEL_WORDS}|"
            r"negative|sensitive|emotional)\b|\bwhat an? (?P<label2>idiot|moron|clown|joke)\b|"
            r"\bbunch of (?:amateurs|clowns|idiots|children|kids)\b|\b(?:idiot|moron)s?\b"
        ),
        "Name-calling; describe the behaviour and how it affected you.",
    ),
)

BACKHANDED = _rx(r"\b(?:thanks|thank you|kudos|props)\b[^.!?]{0,80}?\b(?P<dig>finally|for once)\b")
SHOUT_WORD = re.compile(r"\b[A-Z]{2,}\b")


# --- sentences, quotes, scoring ---------------------------------------------------------

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)|[.!?]+")
QUOTED = re.compile(
    r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u2018[^\u2019\n]*\u2019(?![a-z])|`[^`\n]*`|"
    r"(?m:^[ \t]*>.*$)"
)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end


@functools.lru_cache(maxsize=512)
def _score(fragment: str) -> tuple[float, tuple[tuple[int, int, str, float], ...]]:
    """The sentiment of a fragment and the words that carried it (offsets in fragment).

    Intensifiers ("so", "completely") scale the next scored word by 1.5; a negator within
    the three words before flips it and halves it ("not bad" is mildly good).
    """
    scored: list[tuple[int, int, str, float]] = []
    taken: list[tuple[int, int]] = []
    for match in PHRASE_RE.finditer(fragment):
        phrase = match.group(0).lower().replace("\u2019", "'")
        scored.append((match.start(), match.end(), phrase, PHRASES[phrase]))
        taken.append(match.span())
    words = [(m.start(), m.end(), m.group(0).lower().replace("\u2019", "'")) for m in
             WORD.finditer(fragment)]  # fmt: skip
    for index, (start, end, word) in enumerate(words):
        if any(s <= start < e for s, e in taken):
            continue
        weight = LEXICON.get(word)
        if weight is None:
            continue
        previous = [w for _, _, w in words[max(0, index - 3) : index]]
        if previous and previous[-1] in INTENSIFIERS:
            weight *= 1.5
        if any(w in NEGATORS or w.endswith("n't") for w in previous):
            weight = -weight / 2
        scored.append((start, end, word, weight))
    scored.sort()
    return sum(weight for *_, weight in scored), tuple(scored)


def _negative_flag(
    text: str, sentence: tuple[int, int], quoted: list[tuple[int, int]]
) -> Flag | None:
    start, end = sentence
    fragment = text[start:end]
    # Quoted words are someone else's: blank them out, keeping offsets.
    for q_start, q_end in quoted:
        if q_end > start and q_start < end:
            a, b = max(q_start, start) - start, min(q_end, end) - start
            fragment = fragment[:a] + " " * (b - a) + fragment[b:]
    total, scored = _score(fragment)
    targeted = bool(TARGET.search(fragment))
    negatives = [item for item in scored if item[3] < 0]
    contempt = [
        item for item in negatives if item[3] <= -3 and (targeted or item[2] not in FEELING_WORDS)
    ]
    letters = [c for c in fragment if c.isalpha()]
    shouting = (
        len(SHOUT_WORD.findall(fragment)) >= 3
        and len(letters) >= 10
        and sum(c.isupper() for c in letters) / len(letters) > 0.8
    )
    if shouting:
        reason = "Written in capitals, which reads as shouting."
        return Flag(start, end, "negative", reason)
    about_self = bool(FIRST_PERSON.search(fragment)) and not targeted
    if not negatives or total > -2:
        return None
    if not (contempt or (targeted and total <= -2) or (not about_self and total <= -3)):
        return None
    words = ", ".join(f"\u201c{word}\u201d" for _, _, word, _ in negatives)
    return Flag(
        start + negatives[0][0],
        start + negatives[-1][1],
        "negative",
        f"Strongly negative wording ({words}). Say how it affected you and what you need.",
    )


def _sentence_at(
    sentences: list[tuple[int, int]], starts: list[int], offset: int, length: int
) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    if index >= 0 and offset < sentences[index][1]:
        return sentences[index]
    return (0, length)


def _inside(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < q_end and q_start < span[1] for q_start, q_end in spans)


def check(text: str) -> ToneReport:
    """Flag problem wording in one draft and suggest an observation-first rewrite."""
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftTooLong(f"a draft is at most {MAX_DRAFT_CHARS} characters")
    quoted = [m.span() for m in QUOTED.finditer(text)]
    sentences = list(_sentences(text))
    starts = [start for start, _ in sentences]
    found: list[Flag] = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            span = match.span(rule.group)
            if span[0] == span[1] or _inside(span, quoted):
                continue
            sentence = _sentence_at(sentences, starts, span[0], len(text))
            if rule.accept is not None and not rule.accept(text, match, sentence):
                continue
            found.append(Flag(span[0], span[1], rule.kind, rule.reason))
    for match in BACKHANDED.finditer(text):
        span = match.span("dig")
        if not _inside(span, quoted):
            found.append(
                Flag(
                    *span,
                    "negative",
                    "A thank-you with a dig in it (\u201cfinally\u201d, "
                    "\u201cfor once\u201d) lands as criticism; keep the thanks plain.",
                )
            )
    for sentence in sentences:
        flag = _negative_flag(text, sentence, quoted)
        if flag is not None:
            found.append(flag)
    flags = _without_overlaps(found)
    suggestion = _suggest(text, flags, sentences) if flags else None
    return ToneReport(text=text, flags=flags, suggestion=suggestion)


def _without_overlaps(flags: list[Flag]) -> tuple[Flag, ...]:
    """One flag per stretch of text and kind: the earliest, longest one wins."""
    kept: list[Flag] = []
    for flag in sorted(flags, key=lambda f: (f.start, -(f.end - f.start), KINDS.index(f.kind))):
        if any(k.kind == flag.kind and k.start < flag.end and flag.start < k.end for k in kept):
            continue
        kept.append(flag)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, KINDS.index(f.kind))))


# --- suggestions ------------------------------------------------------------------------

SOFTER_ABSOLUTE = [
    (_rx(r"\bnever\s+(?:ever|once)\b"), "rarely"),
    (_rx(r",?\s*\b(?:as always|as usual|once again|yet again|for once)\b"), ""),
    (_rx(r"\bevery (?:single )?time\b"), "sometimes when"),
    (_rx(r"\ball the time\b"), "often"),
    (_rx(r"\b(?:always|constantly|continually)\b"), "often"),
    (_rx(r"\bnever\b"), "rarely"),
    (_rx(r"\b(?:nobody|no one|no-one) ever\b"), "hardly anyone"),
    (_rx(r"\bnone of you\b"), "few of you"),
]
ASSUMING_WORDS = _rx(
    r"\s*\b(?:obviously|clearly|apparently|evidently|probably|deliberately|on purpose|"
    r"even|just|literally|seriously)\b,?"
)
WHY_NOT = _rx(
    rf"^(?:\w+,\s*)?why\s+(?P<aux>(?:didn{A}t|haven{A}t|hasn{A}t|won{A}t|can{A}t|"
    rf"couldn{A}t|wouldn{A}t|aren{A}t|weren{A}t|wasn{A}t|don{A}t|doesn{A}t))\s+"
    rf"(?P<who>\w+)\s+(?P<rest>[^?]*)\??$"
)
WHY_ALWAYS = _rx(r"^why\s+(?:do|does)\s+(?P<who>you|he|she|they)\s+(?P<rest>[^?]*)\??$")
SHOULD_HAVE = _rx(rf"\b(?P<who>you|he|she|they)\s+should(?P<neg>n{A}t| not)?\s+have\b")
GREETING = _rx(r"^(?:hi|hey|hello|dear)\s+[^,.!?]{1,40},\s*")
SUPPOSED = _rx(r"\b(?P<who>you|he|she|they)\s+(?:were|was)\s+supposed\s+to\b")


def _suggest(text: str, flags: tuple[Flag, ...], sentences: list[tuple[int, int]]) -> str:
    """Rewrite each flagged sentence observation-first; leave the others as written.

    The rewrite is mechanical where the grammar allows ("why didn't you send it?" becomes
    "I noticed you didn't send it. What got in the way?"); where it can't know what
    happened (a label, contempt) it offers the shape to fill in.
    """
    parts: list[str] = []
    cursor = 0
    for start, end in sentences:
        kinds = {f.kind for f in flags if start <= f.start < end}
        if not kinds:
            continue
        parts.append(text[cursor:start])
        parts.append(_rewrite_sentence(text[start:end], kinds))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts).strip()


def _rewrite_sentence(sentence: str, kinds: set[str]) -> str:
    s = sentence
    if dig := BACKHANDED.search(s):
        s = (s[: dig.start("dig")].rstrip() + " " + s[dig.end("dig") :].lstrip()).strip()
        s = re.sub(r"\s+([,.!?])", r"\1", s)
        if kinds == {"negative"} and _score(s)[0] > -2:
            return _capitalise(s)
    for pattern, replacement in SOFTER_ABSOLUTE:
        s = pattern.sub(replacement, s)
    s = ASSUMING_WORDS.sub("", s).strip()
    s = re.sub(r"\s{2,}", " ", s)
    if match := WHY_NOT.match(s):
        who = (
            match["who"].lower()
            if match["who"].lower() in ("you", "he", "she", "they")
            else match["who"]
        )
        return (
            f"I noticed {who} {match['aux'].lower()} {match['rest'].strip()}. "
            "Is something getting in the way?"
        )
    if match := WHY_ALWAYS.match(s):
        return f"I noticed {match['who'].lower()} {match['rest'].strip()}. Could we talk about it?"
    if SHOULD_HAVE.search(s):
        s = SHOULD_HAVE.sub(
            lambda m: (
                f"it would have helped me if {m['who'].lower()} had" + (" not" if m["neg"] else "")
            ),
            s,
        )
        return _capitalise(s.rstrip(".!") + ". Could we agree on that for next time?")
    if SUPPOSED.search(s):
        s = SUPPOSED.sub(lambda m: f"I understood {m['who'].lower()} were going to", s)
        return _capitalise(s.rstrip(".!") + ". What happened?")
    if kinds & {"label", "negative"} or ("blame" in kinds):
        return (
            "I noticed [what happened, as a camera would see it], and I felt "
            "[how it affected you]. Could we [what you'd like instead]?"
        )
    if "mind_reading" in kinds:
        core = s.rstrip(".!? ")
        core = (
            core[0].lower() + core[1:] if core[:1].isupper() and not core.startswith("I ") else core
        )
        return f"It seemed to me that {core}. Did I read that right?"
    if kinds == {"absolute"}:
        # A greeting stays in front ("Hi Sam, I noticed…" must not become "I've noticed that
        # hi Sam, I noticed…"); what follows it is what gets reworded.
        greeting = GREETING.match(s)
        lead, rest = (s[: greeting.end()], s[greeting.end() :]) if greeting else ("", s)
        if not rest.lower().startswith(("i ", "i'", "i\u2019")):
            # Said as something you noticed, it becomes one person's view, not a verdict.
            return f"{lead}I've noticed that {rest[:1].lower()}{rest[1:]}"
        if lead:
            return _capitalise(lead) + rest
    return _capitalise(s)


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]
