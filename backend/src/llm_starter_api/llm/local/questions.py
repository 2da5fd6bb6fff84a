"""Grounded questions: central sentences rewritten as questions they answer.

Every word of a question comes from its source sentence except the template's own words
("what", "when", "how many", "does the text say about", "happened"), so each question is
answerable from the text. A sentence that fits no pattern gives a question about its key
phrase. Fewer than num_questions come back only when the text has fewer distinct sentences
and key phrases than that (a one-line text cannot support ten distinct questions).
"""

import re
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field

from llm_starter_api.llm.local.answer_types import names
from llm_starter_api.llm.local.phrases import key_phrases, lowercase_words
from llm_starter_api.llm.local.question_facts import fact_question
from llm_starter_api.llm.local.question_patterns import clauses, pattern_question
from llm_starter_api.llm.local.rank import rank_sentences
from llm_starter_api.llm.local.sentences import unique_sentences
from llm_starter_api.llm.local.tokens import IRREGULAR_VERBS, content_terms

_ARTICLES = frozenset(("the", "a", "an"))
# Words that end a word run but no noun phrase ("electricity last year", "the noodle bar next").
# fmt: off
_TRAILING = frozenset((
    "next", "far", "instead", "together", "real", "relative", "last", "back", "not", "cannot",
    "again", "away", "ago", "later", "first", "long", "enough", "open", "close", "overnight",
    "happier", "better", "someone", "anyone", "everyone", "something", "anything",
))
# fmt: on
_LEADING = frozenset(("dear", "hi", "hello", "not", "cannot", "made", "make"))
# Greetings and sign-offs name people but say nothing to ask about.
_SALUTATION = re.compile(
    r"^(?:dear|hi|hello|thanks|thank you|best|regards|kind regards|cheers|warm wishes|yours)\b",
    re.IGNORECASE,
)


def questions(text: str, *, num_questions: int) -> list[str]:
    """Up to num_questions distinct questions, in the order of their sentences in the text."""
    if num_questions < 1:
        raise ValueError("num_questions must be at least 1")
    sentences = unique_sentences(text)
    ranking = rank_sentences(sentences)
    salience = Counter(term for sentence in sentences for term in content_terms(sentence))
    lowercase = lowercase_words(text)
    phrases = {
        index: _topics(sentences[index], key_phrases(sentences[index], salience, lowercase))
        for index in ranking
    }
    asked = _Questions(num_questions)
    # Round 0 asks about the facts of each sentence (its date, amount, count, place, speaker),
    # most central sentences first; round 1 asks about a name or key phrase of each sentence
    # still without a question; later rounds take each sentence's next topic until the count
    # is reached or topics run out.
    for index in ranking:
        if asked.is_full():
            break
        asked.add(index, 0, _sentence_question(sentences[index], lowercase))
    round_ = 1
    while not asked.is_full() and any(phrases.values()):
        for index in ranking:
            if asked.is_full():
                break
            if round_ > 1 or not asked.has(index):
                asked.add_about_phrase(index, round_, phrases[index])
        round_ += 1
    found = [question for _, _, question in sorted(asked.items)]
    # A text with no fact, name or phrase to ask about (digits, symbols) still gets a question.
    return found or [FALLBACK_QUESTION]


FALLBACK_QUESTION = "What is the text about?"


def _sentence_question(sentence: str, lowercase: Set[str]) -> str | None:
    """A question about the sentence's facts, else from its shape ("X is a Y"), else None."""
    for clause in clauses(sentence):
        if question := fact_question(clause, lowercase):
            return question
    return pattern_question(sentence, lowercase)


def _topics(sentence: str, phrases: list[str]) -> list[str]:
    """What a sentence can be asked about: its names first, then key phrases that read as nouns."""
    unfinished = sentence.rstrip()[-1:] not in ".!?"
    if unfinished and (_SALUTATION.match(sentence) or len(sentence.split()) <= 3):
        return []
    nouns = [phrase for phrase in phrases if _reads_as_noun(phrase)]
    # A one-word name inside a key phrase is part of a compound ("the Calvin cycle").
    found = [
        name
        for name in names(sentence)
        if len(name) > 1 and (" " in name or not any(name in phrase.split() for phrase in nouns))
    ]
    return list(dict.fromkeys(found + nouns))


def _reads_as_noun(phrase: str) -> bool:
    """Reject word runs that swallowed a verb or an adverb ("the mayor said", "the bar next")."""
    words = phrase.split()
    last = words[-1].lower()
    if last.endswith(("ed", "ing")) or any(word.lower() in _TRAILING for word in words):
        return False
    if any(word.lower() in IRREGULAR_VERBS for word in words):
        return False
    if words[0].lower() in _LEADING:
        return False
    # A capitalised name followed by a lower-case word is a subject and its verb
    # ("Elena Marsh tells"); a plural before another word is one too ("corals live").
    if words[0][:1].isupper() and words[-1].islower():
        return False
    return not any(
        word.lower().endswith("s") and not word.lower().endswith(("ss", "us", "is"))
        for word in words[:-1]
    )


@dataclass(slots=True)
class _Questions:
    """The questions chosen so far, keyed for document order and free of repeats."""

    limit: int
    items: list[tuple[int, int, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def is_full(self) -> bool:
        """Whether the requested number of questions has been reached."""
        return len(self.items) >= self.limit

    def add(self, index: int, round_: int, question: str | None) -> bool:
        """Keep the question unless it is missing or already asked."""
        if question is None or _key(question) in self.seen:
            return False
        self.seen.add(_key(question))
        self.items.append((index, round_, question))
        return True

    def has(self, index: int) -> bool:
        """Whether a question about the sentence was already asked."""
        return any(item[0] == index for item in self.items)

    def add_about_phrase(self, index: int, round_: int, phrases: list[str]) -> None:
        """Ask about the sentence's best unused key phrase, consuming phrases as it goes."""
        while phrases:
            if self.add(index, round_, f"What does the text say about {phrases.pop(0)}?"):
                return


def _key(question: str) -> str:
    """What makes two questions the same: "the coffee" and "coffee" are one topic."""
    return " ".join(word for word in question.casefold().split() if word not in _ARTICLES)
