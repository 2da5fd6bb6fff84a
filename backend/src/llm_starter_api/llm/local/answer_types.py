"""The kind of fact a question asks for, and whether a sentence states one.

"When" wants a date or time, "how much" an amount, "who" a person or an organisation, "where" a
place, "why" a reason. Told by patterns, not a tagger: the engine has no model to load.
"""

import re
from enum import StrEnum

from llm_starter_api.llm.local.tokens import STOPWORDS, tokenize


class AnswerType(StrEnum):
    """What a question asks for."""

    TIME = "time"
    MONEY = "money"
    QUANTITY = "quantity"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    "|forty|fifty|sixty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen"
    "|dozens|half|third|quarter|several|twice"
)
_NUMBER = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS})\b)"
_TIME = re.compile(
    rf"\b(?:{_MONTHS}|{_DAYS})\b"
    r"|\b(?:1[0-9]|20)\d{2}s?\b|\b\d{1,2}:\d{2}\b|\b\d{1,2} ?(?:a\.m\.|p\.m\.|am|pm)\b"
    r"|\b(?:today|tonight|tomorrow|yesterday|overnight|noon|midnight|o'clock|weekend"
    r"|spring|summer|autumn|winter|century|decade|morning|afternoon|evening)\b"
    r"|\b(?:next|last|this) (?:week|month|year|day|night)\b",
    re.IGNORECASE,
)
# A clause of time ("when the water warms", "after two weeks") answers "when" less surely.
_TIME_CLAUSE = re.compile(
    r"\b(?:when|whenever|once|after|before|until|since|during|within)\b", re.IGNORECASE
)
WEAK = 0.5
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:million|billion|m|bn|k)?\s?"
    r"(?:euros?|dollars?|pounds?|cents?|francs?|yen|usd|eur|gbp)\b"
    rf"|\b(?:{_NUMBER_WORDS}) (?:million |billion )?(?:euros?|dollars?|pounds?|cents?)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(_NUMBER, re.IGNORECASE)
_DURATION = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|generations?"
_LENGTH = r"km|kilomet(?:re|er)s?|metres?|meters?|miles?|feet|foot|centimet(?:re|er)s?"
# The unit a "how <adjective>" question expects; a number in another unit answers it weakly.
_UNITS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(rf"^\s*(?:{asked})\b", re.IGNORECASE), re.compile(rf"\b(?:{unit})\b", re.I))
    for asked, unit in (
        (r"how (?:hot|cold|warm)", r"degrees?"),
        (r"how (?:heavy|much \w+ \w+ weigh)", r"kilograms?|kg|tonnes?|tons?|grams?|pounds"),
        (r"how fast", r"an hour|per hour|km/h|mph|a second"),
        (r"how old", r"years?|year-old"),
        (r"how (?:far|tall|high|deep|wide)", _LENGTH),
        (r"how long", f"{_DURATION}|{_LENGTH}"),
        (r"how often", r"every|daily|weekly|monthly|times|a (?:day|week|month|year)"),
        (r"how many (?:hours|minutes|days|weeks|months|years)", _DURATION),
        (
            r"what (?:share|percentage|proportion|fraction)|how much of",
            r"percent|per cent|half"
            r"|third|quarter|two thirds",
        ),
    )
)
# Words that name people or bodies without a capital: "shop owners", "the coastguard".
# fmt: off
_GROUPS = frozenset((
    "owners", "residents", "people", "parents", "teachers", "students", "workers", "staff",
    "drivers", "union", "unions", "council", "government", "company", "companies", "firm",
    "police", "coastguard", "team", "group", "groups", "committee", "authority", "agency",
    "ministry", "minister", "mayor", "engineers", "scientists", "researchers", "critics",
    "campaigners", "officials", "investors", "founders", "volunteers", "doctor", "doctors",
    "manager", "director", "chief", "president", "colleague", "support", "opposition",
    "traders", "builders", "planners", "historian", "author", "writer", "teacher", "founder",
    "chemists", "voters", "citizens", "shopkeepers", "neighbours", "customers", "passengers",
))
# fmt: on
# Capitalised word runs; at a sentence's start the first word may just be capitalised there.
_CAPITALISED = re.compile(
    r"\b[A-Z][\w'\u2019-]*(?:\s+(?:(?:von|van|de|da|del|der|la|le)\s+)?[A-Z][\w'\u2019-]*)*"
)
_NOT_NAMES = frozenset((*_MONTHS.lower().split("|"), *_DAYS.lower().split("|"), "i"))
_PLACE = re.compile(
    r"\b(?:in|at|on|near|inside|outside|beside|behind|under|above|across|along|between"
    r"|from|into|opposite|next to|beneath|within|around|off)\s+(?:the\s+|a\s+|an\s+|our\s+)?"
    r"(?:[A-Z]\w+|(?:\w+\s+){0,3}?(?:street|road|avenue|square|station|site|building|floor"
    r"|room|hall|office|city|town|village|country|region|state|coast|harbour|harbor|river"
    r"|lake|sea|ocean|mountains?|hills?|valleys?|park|campus|centre|center|district|area"
    r"|island|airport|hospital|school|library|museum|market|kitchen|house|home|garden"
    r"|desert|reef|bay|plant|factory|warehouse|depot|port|continents?|galaxy|space|surface"
    r"|menus?|sofa|table|shelves|basement|terrace|reception|gate|dock|trails?|corner|edge"
    r"|edges|tissue|cells?|membranes?|stroma|arms|brain|air|water|ground|trees?|restaurant"
    r"|cafe|bar|shop|store|grill))\b"
)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|since|caused by|as a result|so that|in order to|reason"
    r"|which is why|that is why|thanks to|so they|so it|so the|arguing|means)\b",
    re.IGNORECASE,
)

_QUESTION_TYPES: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (
        re.compile(r"^\s*(?:when|since when|until when|what (?:year|date|day|month|time))\b", re.I),
        AnswerType.TIME,
    ),
    (
        re.compile(
            r"^\s*how much\b.*\b(?:cost|costs|pay|paid|price|spend|spent|raise|raised|fee|salary"
            r"|budget|charge|worth|money|invest|earn)\b|^\s*what (?:is|was|will be) the"
            r" (?:cost|price|salary|fee|budget)\b",
            re.I,
        ),
        AnswerType.MONEY,
    ),
    (
        re.compile(
            r"^\s*(?:how (?:many|much|long|tall|high|wide|deep|far|old|big|large|heavy|often|fast"
            r"|hot|cold|warm|massive)|what (?:share|percentage|proportion|fraction))\b",
            re.I,
        ),
        AnswerType.QUANTITY,
    ),
    (
        re.compile(
            r"^\s*(?:who|whom|whose|which (?:company|person|organisation|organization))\b", re.I
        ),
        AnswerType.PERSON,
    ),
    (
        re.compile(r"^\s*(?:where|from where|in which (?:city|country|town|place))\b", re.I),
        AnswerType.PLACE,
    ),
    (re.compile(r"^\s*why\b", re.I), AnswerType.REASON),
)
_FUTURE_QUESTION = re.compile(r"^\s*(?:when|how \w+) (?:will|is|are|should)\b", re.I)
_FUTURE = re.compile(
    r"\b(?:will|'ll|due to|expected to|scheduled|planned|plans to|is to|are to|going to"
    r"|next|from (?:\d|" + _MONTHS + r"|" + _DAYS + r"))\b",
    re.IGNORECASE,
)


def question_type(question: str) -> AnswerType | None:
    """The type of fact the question asks for, or None for an open question ("what", "how")."""
    for pattern, kind in _QUESTION_TYPES:
        if pattern.search(question):
            return kind
    return None


def asks_about_future(question: str) -> bool:
    """Whether the question asks about something still to come ("When will ...")."""
    return _FUTURE_QUESTION.search(question) is not None


def states_future(sentence: str) -> bool:
    """Whether the sentence speaks of something still to come."""
    return _FUTURE.search(sentence) is not None


def states(kind: AnswerType, sentence: str, question: str) -> float:
    """How surely the sentence states a fact of the kind the question does not already give.

    1.0 for a fact (a date, an amount, a name), WEAK for a clause of time, 0.0 for none.
    """
    match kind:
        case AnswerType.TIME:
            found = [m.group().lower() for m in _TIME.finditer(sentence)]
            if not _is_new(found, question):
                return WEAK if _TIME_CLAUSE.search(sentence) else 0.0
        case AnswerType.MONEY:
            found = _matches(_MONEY, sentence)
        case AnswerType.QUANTITY:
            found = _matches(_QUANTITY, sentence)
            unit = _expected_unit(question)
            if unit is not None and _is_new(found, question) and not unit.search(sentence):
                return WEAK
        case AnswerType.PERSON:
            found = _names(sentence)
            found += [w for w in re.findall(r"[a-z]+", sentence.lower()) if w in _GROUPS]
        case AnswerType.PLACE:
            found = _matches(_PLACE, sentence)
        case AnswerType.REASON:
            return 1.0 if _REASON.search(sentence) else 0.0
    return 1.0 if _is_new(found, question) else 0.0


def _expected_unit(question: str) -> re.Pattern[str] | None:
    for asked, unit in _UNITS:
        if asked.search(question):
            return unit
    return None


def _matches(pattern: re.Pattern[str], sentence: str) -> list[str]:
    return [match.group().lower() for match in pattern.finditer(sentence)]


def _is_new(facts: list[str], question: str) -> bool:
    """Whether a fact is not already in the question ("What happened in 1937?" has its year)."""
    asked = set(tokenize(question))
    return any(tokenize(fact)[-1:] and tokenize(fact)[-1] not in asked for fact in facts)


def _names(sentence: str) -> list[str]:
    return [name.lower() for name in names(sentence)]


def names(sentence: str) -> list[str]:
    """Capitalised runs that can name someone or something: not a lone capital opening it."""
    found: list[str] = []
    for match in _CAPITALISED.finditer(sentence):
        words = match.group().split()
        opens = match.start() == 0 or sentence[: match.start()].rstrip().endswith(('"', "\u201c"))
        if opens and (words[0].lower() in STOPWORDS or len(words) == 1):
            words = words[1:]
        words = [word for word in words if word.lower() not in _NOT_NAMES]
        if words:
            found.append(" ".join(words))
    return found
