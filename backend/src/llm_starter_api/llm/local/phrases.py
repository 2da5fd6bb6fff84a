"""Key phrases: the short noun-like word runs of a sentence, ranked by salience in the text."""

import re
from collections import Counter
from collections.abc import Set

from llm_starter_api.llm.local.tokens import STOPWORDS, stem

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[\w'\u2019-]+|[^\w\s]")
DETERMINERS = frozenset(
    ("the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her")
)
# Without a part-of-speech tagger, verbs are told by their neighbours: the word after a modal
# or "to" is one ("can write", "to move"), and so is the word before an object pronoun
# ("kept us", "reminds you").
_BEFORE_VERBS = frozenset(("to", "can", "could", "will", "would", "should", "may", "might", "must"))
_OBJECT_PRONOUNS = frozenset(("us", "you", "them", "him", "me", "it"))
_VERB_ENDINGS = ("ed", "ing", "ly")
# A lower-case "-s" word after a lower-case noun is taken for a verb ("the milk frother works
# well") unless a verb, conjunction or relative pronoun follows, as after a plural noun.
# fmt: off
_AFTER_PLURALS = frozenset((
    "are", "were", "have", "had", "do", "did", "and", "or", "can", "will", "that", "which",
    "who", "where", "whose",
))
# fmt: on
# fmt: off
_NUMBER_WORDS = frozenset((
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twice", "once",
))
# fmt: on
_MAX_WORDS = 3
# Endings of common nouns, which a sentence capitalises only at its start ("Construction").
_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship")
# A run right after an article or a preposition is surely a noun phrase: prefer it.
_INTRODUCERS = DETERMINERS | frozenset(
    ("in", "on", "at", "of", "for", "with", "from", "by", "about", "into", "through", "under")
)
_INTRODUCED_BONUS = 2


def key_phrases(sentence: str, salience: Counter[str], lowercase: Set[str]) -> list[str]:
    """Up to three-word phrases of the sentence, those whose terms recur most in the text first."""
    tokens = _TOKEN.findall(sentence)
    scored: list[tuple[int, int, str]] = []
    for start, end in _runs(tokens):
        while end - start > 1 and tokens[end - 1].lower() in _NUMBER_WORDS:
            end -= 1
        # English puts the head noun last, so a long run keeps its last words.
        first = max(start, end - _MAX_WORDS)
        words = tokens[first:end]
        if all(word.lower() in _NUMBER_WORDS or not word.isalpha() for word in words):
            continue
        phrase = " ".join(words)
        if first == start and start > 0 and tokens[start - 1].lower() in DETERMINERS:
            phrase = f"the {phrase}"
        score = sum(salience[stem(word.lower())] for word in words) + len(words)
        if start > 0 and tokens[start - 1].lower() in _INTRODUCERS:
            score += _INTRODUCED_BONUS
        scored.append((-score, start, phrase))
    unique = dict.fromkeys(noun_phrase(phrase, lowercase) for *_, phrase in sorted(scored))
    return list(unique)


def noun_phrase(phrase: str, lowercase: Set[str]) -> str:
    """The phrase as it reads mid-sentence: "A barrier" becomes "the barrier"."""
    first, _, rest = phrase.partition(" ")
    if first.lower() in {"a", "an"} and rest:
        return f"the {rest}"
    # "City Hall" stays a name even in a text that also says "the city".
    is_name = rest[:1].isupper()
    common = first.lower() in lowercase or first.lower().endswith(_NOUN_SUFFIXES)
    if first.lower() in DETERMINERS or (common and not is_name):
        first = first.lower()
    return f"{first} {rest}".strip()


def lowercase_words(text: str) -> frozenset[str]:
    """Words the text writes in lower case, to tell "Construction" from "Strauss"."""
    return frozenset(token for token in _TOKEN.findall(text) if token.islower())


def _runs(tokens: list[str]) -> list[tuple[int, int]]:
    """Start and end of each run of consecutive phrase words."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index in range(len(tokens) + 1):
        if index < len(tokens) and _is_phrase_word(tokens, index):
            start = index if start is None else start
        elif start is not None:
            runs.append((start, index))
            start = None
    return runs


def _is_phrase_word(tokens: list[str], index: int) -> bool:
    """Whether the token can be part of a noun phrase, judged from its form and neighbours."""
    token = tokens[index]
    lowered = token.lower()
    if lowered in STOPWORDS or not token[0].isalnum():
        return False
    if not token.islower():
        return True
    previous = tokens[index - 1] if index else "."
    following = tokens[index + 1].lower() if index + 1 < len(tokens) else "."
    return not (
        lowered.endswith(_VERB_ENDINGS)
        or previous.lower() in _BEFORE_VERBS
        or following in _OBJECT_PRONOUNS
        or (
            lowered.endswith("s")
            and not lowered.endswith(("ss", "us", "is"))
            and _is_third_person_verb(previous, following)
        )
    )


def _is_third_person_verb(previous: str, following: str) -> bool:
    """Tell "the frother works well" and "takes 71 minutes" from "study rooms that" by context."""
    if following[0].isdigit() or following in _NUMBER_WORDS:
        return True
    return (
        previous.islower()
        and previous not in STOPWORDS
        and previous not in _NUMBER_WORDS
        and following[0].isalnum()
        and following not in _AFTER_PLURALS
        and not following.endswith("ed")
    )
