"""Questions about a sentence's facts: its dates, amounts, counts, places and people.

Each template keeps the sentence's own subject and verb ("The library will hire four assistants"
gives "How many assistants will the library hire?"), so the question is grammatical and its
answer, of the type qa looks for first, is in the sentence it came from.
"""

import re
from collections.abc import Callable, Set

from llm_starter_api.llm.local.phrases import noun_phrase
from llm_starter_api.llm.local.question_patterns import (
    MONTH,
    NUMBER,
    SUBJECT,
    WORD,
    is_subject,
)

_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SEASON = r"(?:spring|summer|autumn|winter)"
_WHEN = (
    rf"(?:(?:the )?(?:{_DAY}|{MONTH}|\d{{1,2}} {MONTH}|(?:{MONTH} )?\d{{4}}|{_SEASON}"
    rf"(?: of \d{{4}}| \d{{4}})?|next (?:week|month|year)|the end of))"
)
_ABOUT = r"(?:about |nearly |almost |roughly |up to |more than |over |at least |some )?"
_FUTURE_DATE = re.compile(
    rf"^{SUBJECT} (?P<aux>will|is (?:due|expected|scheduled|set) to|are (?:due|expected"
    rf"|scheduled|set) to) (?P<rest>{WORD}(?: {WORD}){{0,6}}?) (?:in|on|from|by|at|before) "
    rf"{_WHEN}\b"
)
_AMOUNT = r"(?:[$€£]\s?\d|\d[\d,.]*(?: million| billion)? (?:euros|dollars|pounds)\b)"
# Money verbs in the past, with the base form a "did" question needs.
_PAST_MONEY = {"cost": "cost", "raised": "raise", "paid": "pay", "spent": "spend"}
_MONEY = re.compile(
    rf"^{SUBJECT} (?P<aux>will |would |could |has |have |had )?(?P<verb>cost|costs|spend"
    rf"|spent|raise|raised|pay|paid|receive|invest|charge|charges) {_ABOUT}{_AMOUNT}"
)
_PLURAL = r"(?P<noun>(?!of )(?:[a-z][\w-]* ){0,2}?[a-z][\w-]*[^s\W]s)"
_COUNT = re.compile(
    rf"^{SUBJECT} (?P<aux>will|can|could|would|may|must) (?P<verb>[a-z]+)"
    rf"(?P<particle> out| up| off)? {_ABOUT}{NUMBER} (?:of )?{_PLURAL}\b"
)
_THERE = re.compile(
    rf"^There (?P<aux>is|are|was|were|will be) {_ABOUT}{NUMBER} (?:of )?{_PLURAL}\b"
)
_PASSIVE_PLACE = re.compile(
    rf"^{SUBJECT} (?P<aux>will be|was|were|is|are) (?P<verb>[a-z]+ed|built|held|kept|shown|found)"
    r" (?:in|at|on|near|next to|inside|outside|beside|behind|under) "
    rf"(?!(?:the )?(?:{MONTH}|{_DAY}|{_SEASON}|\d|time\b|the (?:end|start|beginning)\b))"
)
_NAME = r"[A-Z][\w'\u2019-]+(?: (?:von |van |de )?[A-Z][\w'\u2019-]+)+"
_SPEECH = re.compile(
    rf"^(?P<speaker>(?:[A-Z][a-z]+ )?(?:[a-z]+ )?{_NAME}) (?P<verb>said|says|told|warned|believes"
    r"|argued|explained)\b"
)
_APPOSITIVE = re.compile(
    rf"^(?:The|A|An|Our|Their|Its) [a-z]+(?: [a-z]+){{0,2}}, (?P<name>{_NAME}),"
)
_SPEECH_FORMS = {
    "said": "did {0} say",
    "told": "did {0} say",
    "warned": "did {0} warn",
    "argued": "did {0} argue",
    "explained": "did {0} explain",
    "says": "does {0} say",
    "believes": "does {0} believe",
}

type _Rule = Callable[[re.Match[str], str], str]


def _future(match: re.Match[str], subject: str) -> str:
    aux = match["aux"]
    if aux == "will":
        return f"When will {subject} {match['rest']}?"
    be, _, purpose = aux.partition(" ")
    return f"When {be} {subject} {purpose} {match['rest']}?"


def _money(match: re.Match[str], subject: str) -> str:
    aux, verb = (match["aux"] or "").strip(), match["verb"]
    if aux:
        return f"How much {aux} {subject} {verb}?"
    if verb.endswith("s"):
        return f"How much does {subject} {verb[:-1]}?"
    return f"How much did {subject} {_PAST_MONEY.get(verb, verb)}?"


def _count(match: re.Match[str], subject: str) -> str:
    particle = match["particle"] or ""
    return f"How many {match['noun']} {match['aux']} {subject} {match['verb']}{particle}?"


def _place(match: re.Match[str], subject: str) -> str:
    aux = match["aux"]
    if aux == "will be":
        return f"Where will {subject} be {match['verb']}?"
    return f"Where {aux} {subject} {match['verb']}?"


_SUBJECT_RULES: tuple[tuple[re.Pattern[str], _Rule], ...] = (
    (_MONEY, _money),
    (_COUNT, _count),
    (_FUTURE_DATE, _future),
    (_PASSIVE_PLACE, _place),
)


def fact_question(clause: str, lowercase: Set[str]) -> str | None:
    """A question about the clause's date, amount, count, place or person, else None."""
    if speech := _SPEECH.match(clause):
        return f"What {_SPEECH_FORMS[speech['verb']].format(speech['speaker'])}?"
    if appositive := _APPOSITIVE.match(clause):
        return f"Who is {appositive['name']}?"
    if there := _THERE.match(clause):
        aux = {"will be": "will there be"}.get(there["aux"], f"{there['aux']} there")
        return f"How many {there['noun']} {aux}?"
    for pattern, rule in _SUBJECT_RULES:
        match = pattern.match(clause)
        if match and is_subject(match["subject"]):
            return rule(match, noun_phrase(match["subject"], lowercase))
    return None
