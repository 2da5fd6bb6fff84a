"""Sentence-to-question patterns; every question word but the template's comes from the sentence."""

import re
from collections.abc import Callable, Set

from llm_starter_api.llm.local.phrases import DETERMINERS, noun_phrase
from llm_starter_api.llm.local.tokens import STOPWORDS

WORD = r"[\w'\u2019-]+"
# The noun phrase opening a clause: up to seven words and no commas, shortest first, so the
# first "is"/"was" after it is the verb.
SUBJECT = rf"(?P<subject>{WORD}(?: {WORD}){{0,6}}?)"
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = rf"(?:{MONTH} (?:\d{{1,2}}, )?)?\d{{4}}"
NUMBER = (
    r"(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|forty|fifty|hundreds|thousands|dozens)"
)
_PASSIVE_AGENT = re.compile(rf"^{SUBJECT} (?P<aux>was|were) (?P<verb>[a-z]+ed) by (?P<agent>\S)")
_PASSIVE_DATE = re.compile(
    rf"^{SUBJECT} (?P<aux>was|were) (?P<rest>[a-z]+ed(?: {WORD}){{0,4}}?) (?:in|on) {_DATE}\b"
)
_MEASURE = re.compile(
    rf"^{SUBJECT} (?P<aux>is|are|was|were) (?:about |nearly |almost |over )?{NUMBER} {WORD} "
    r"(?P<adjective>long|tall|high|wide|deep|old|heavy)\b"
)
_COUNT = re.compile(rf"^{SUBJECT} (?P<verb>has|have|had) {NUMBER} (?P<noun>[a-z][\w-]*)")
_DEFINITION = re.compile(
    rf"^{SUBJECT} (?P<aux>is|are|was|were) (?:a|an|the|one of the) (?P<complement>[\w\s'-]+)"
)
_DATE_ANYWHERE = re.compile(rf"\b(?P<preposition>in|on) (?P<date>{_DATE})\b")
# A short introductory phrase ("At the time, ...") hides the subject from the patterns.
_INTRODUCTION = re.compile(rf"^{WORD}(?: {WORD}){{0,3}}, ")
# fmt: off
_PERSON_NOUNS = frozenset((
    "engineer", "architect", "designer", "author", "writer", "poet", "painter", "artist",
    "composer", "musician", "singer", "actor", "actress", "scientist", "physicist", "chemist",
    "inventor", "founder", "president", "minister", "king", "queen", "politician", "mayor",
    "director", "manager", "professor", "doctor", "explorer", "player", "coach",
))
# fmt: on
# fmt: off
_CLAUSE_WORDS = frozenset((
    "say", "says", "said", "think", "thinks", "believe", "believes", "expect", "expects",
    "hope", "hopes", "warn", "warns", "warned", "argue", "argued", "claim", "claims", "it",
    "they", "he", "she", "we", "i", "you", "that", "who", "which",
))
# fmt: on
_TERMINAL = ".!?\u2026\u3002\uff01\uff1f\"')\u201d\u2019"

type _Rule = Callable[[re.Match[str], str], str]


def clauses(sentence: str) -> list[str]:
    """The sentence without closing punctuation, first without a short introduction if any."""
    clause = sentence.rstrip(_TERMINAL)
    introduction = _INTRODUCTION.match(clause)
    return [clause[introduction.end() :], clause] if introduction else [clause]


def pattern_question(sentence: str, lowercase: Set[str]) -> str | None:
    """A question the sentence answers, from the first pattern it fits, else None."""
    clause = sentence.rstrip(_TERMINAL)
    for text in clauses(sentence):
        for pattern, rule in _RULES:
            match = pattern.match(text)
            if match and is_subject(match["subject"]):
                return rule(match, noun_phrase(match["subject"], lowercase))
    date = _DATE_ANYWHERE.search(clause)
    if date:
        return f"What happened {date['preposition']} {date['date']}?"
    return None


def _who_or_what(match: re.Match[str], subject: str) -> str:
    """Who for a named agent ("by Joseph Strauss"), what for a thing ("by a bond issue")."""
    asker = "Who" if match["agent"].isupper() else "What"
    return f"{asker} {match['verb']} {subject}?"


def _definition(match: re.Match[str], subject: str) -> str:
    """Who for a named person ("Strauss was an engineer"), what for anything else."""
    head_words = match["complement"].lower().split()[:4]
    is_person = subject[:1].isupper() and any(word in _PERSON_NOUNS for word in head_words)
    return f"{'Who' if is_person else 'What'} {match['aux']} {subject}?"


def _count(match: re.Match[str], subject: str) -> str:
    """How many of the counted noun the subject has, in the sentence's tense."""
    auxiliary = {"has": "does", "have": "do", "had": "did"}[match["verb"]]
    return f"How many {match['noun']} {auxiliary} {subject} have?"


_RULES: tuple[tuple[re.Pattern[str], _Rule], ...] = (
    (_PASSIVE_AGENT, _who_or_what),
    (_PASSIVE_DATE, lambda match, subject: f"When {match['aux']} {subject} {match['rest']}?"),
    (_MEASURE, lambda match, subject: f"How {match['adjective']} {match['aux']} {subject}?"),
    (_COUNT, _count),
    (_DEFINITION, _definition),
)


def is_subject(subject: str) -> bool:
    """A noun phrase naming something: not "It", "There" or "In its place there"."""
    words = [word.lower() for word in re.findall(WORD, subject)]
    if words[0] in STOPWORDS and words[0] not in DETERMINERS:
        return False
    # "Supporters say it", "The mayor said the plant": a clause, not a noun phrase.
    if any(word in _CLAUSE_WORDS for word in words[1:]):
        return False
    return any(word not in STOPWORDS for word in words)
