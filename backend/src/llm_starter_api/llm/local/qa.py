"""Extractive question answering: the BM25-best sentence, with the neighbours that add to it."""

import re
from collections import Counter

from llm_starter_api.llm.local.bm25 import bm25_scores
from llm_starter_api.llm.local.sentences import split_sentences
from llm_starter_api.llm.local.tokens import content_terms, stem

NO_ANSWER = "The text does not appear to answer this question."
# The answer window must contain at least this share of the question's distinct content terms;
# one shared common word ("capital" in a text about bridges) is not an answer.
MIN_COVERAGE = 0.5
# Sentences holding the kind of fact a "when" or "how many" question asks for score higher.
TYPE_BOOST = 1.25

# Words that frame a question about the text rather than ask for content, as stems.
_FRAME = frozenset(stem(word) for word in ("text", "say", "tell", "mention", "describe", "passage"))
_YEAR_OR_MONTH = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2}|January|February|March|April|May|June|July|August|September"
    r"|October|November|December)\b"
)
_DIGIT = re.compile(r"\d")
_WHEN = re.compile(r"^\s*(?:when|what (?:year|date|day|month|time))\b", re.IGNORECASE)
_HOW_MUCH = re.compile(
    r"^\s*how (?:many|much|long|tall|high|wide|deep|far|old|big|large|heavy|often)\b",
    re.IGNORECASE,
)


def answer(text: str, question: str) -> str:
    """The sentence that best answers the question, verbatim, or NO_ANSWER when none does."""
    sentences = split_sentences(text)
    query = [term for term in dict.fromkeys(content_terms(question)) if term not in _FRAME]
    if not sentences or not query:
        return NO_ANSWER
    documents = [Counter(content_terms(sentence)) for sentence in sentences]
    scores = bm25_scores(documents, query)
    fact = _expected_fact(question)
    if fact is not None:
        scores = [
            score * TYPE_BOOST if score and fact.search(sentence) else score
            for score, sentence in zip(scores, sentences, strict=True)
        ]
    best = max(range(len(sentences)), key=lambda index: (scores[index], -index))
    if scores[best] <= 0.0:
        return NO_ANSWER
    found = {term for term in query if term in documents[best]}
    window = [best]
    # A neighbour joins the answer when it holds a question term the best sentence lacks.
    for index in (best - 1, best + 1):
        if 0 <= index < len(sentences):
            extra = {term for term in query if term in documents[index]} - found
            if extra:
                window.append(index)
                found |= extra
    if len(found) < MIN_COVERAGE * len(query):
        return NO_ANSWER
    return " ".join(sentences[index] for index in sorted(window))


def _expected_fact(question: str) -> re.Pattern[str] | None:
    """The pattern of the fact the question asks for, if it is a date or a quantity."""
    if _WHEN.search(question):
        return _YEAR_OR_MONTH
    if _HOW_MUCH.search(question):
        return _DIGIT
    return None
