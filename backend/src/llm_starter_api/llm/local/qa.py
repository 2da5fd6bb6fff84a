"""Extractive question answering: the sentence of the asked type that best matches the question.

Sentences that state the kind of fact the question asks for (a date for "when", an amount for
"how much", a name for "who", a place for "where") come first; BM25 overlap with the question,
helped a little by the neighbouring sentences, orders them. The answer is that sentence, verbatim,
with the sentence before it when it leans on it ("It will cost ...") or when a neighbour holds a
question term it lacks.
"""

import re
from collections import Counter

from llm_starter_api.llm.local.answer_types import (
    AnswerType,
    asks_about_future,
    question_type,
    states,
    states_future,
)
from llm_starter_api.llm.local.bm25 import bm25_scores
from llm_starter_api.llm.local.references import leans_on_previous
from llm_starter_api.llm.local.sentences import split_sentences
from llm_starter_api.llm.local.synonyms import related
from llm_starter_api.llm.local.tokens import content_terms, stem

NO_ANSWER = "The text does not appear to answer this question."
# The answer window must contain at least this share of the question's distinct content terms;
# one shared common word ("capital" in a text about bridges) is not an answer.
MIN_COVERAGE = 0.5
# A neighbour's overlap counts this much: "The line ... . The first trams run in 2027." answers
# "When will the line open?" though the second sentence never names the line.
CONTEXT_WEIGHT = 0.3
# A word related to a question word ("fought" for "opposed") counts this much of a match.
SYNONYM_WEIGHT = 0.5
# A topic word (one the lead sentence holds) counts this much of a match elsewhere.
TOPIC_WEIGHT = 0.5
# A sentence of the asked type wins unless its overlap is below this share of the best overlap.
TYPED_FLOOR = 0.2

# Words that frame a question about the text rather than ask for content, as stems.
_FRAME = frozenset(
    stem(word)
    for word in ("text", "say", "tell", "mention", "describe", "passage", "happen", "located", "go")
)
# "How long", "how much": the word after "how" names the question's type, not its content;
# "take place" asks where or when, as "happen" does.
_QUESTION_FRAME = re.compile(r"^\s*how \w+|\b(?:take|takes|took|taking) place\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def answer(text: str, question: str) -> str:
    """The sentence that best answers the question, verbatim, or NO_ANSWER when none does."""
    sentences = split_sentences(text)
    content = _QUESTION_FRAME.sub(" ", question)
    query = [term for term in dict.fromkeys(content_terms(content)) if term not in _FRAME]
    if not sentences or not query:
        return NO_ANSWER
    documents = [Counter(content_terms(sentence)) for sentence in sentences]
    # Question words the lead sentence already holds name the text's topic ("the headphones"
    # in a review of them): every sentence is about it, so they tell sentences apart less.
    topic = [term for term in query if term in documents[0]] if len(sentences) > 2 else []
    focus = [term for term in query if term not in topic] or query
    topic = [term for term in topic if term not in focus]
    expansion = sorted({other for term in focus for other in related(term)} - set(query))
    own = [
        exact + SYNONYM_WEIGHT * other + TOPIC_WEIGHT * lead
        for exact, other, lead in zip(
            bm25_scores(documents, focus),
            bm25_scores(documents, expansion),
            bm25_scores(documents, topic),
            strict=True,
        )
    ]
    # The lead sentence names what the text is about; later sentences may leave it unsaid.
    relevance = [
        score + CONTEXT_WEIGHT * max(_at(own, index - 1), _at(own, index + 1), own[0])
        for index, score in enumerate(own)
    ]
    best, typed = _best(sentences, relevance, question)
    if best is None:
        return NO_ANSWER
    window = _window(sentences, documents, query, best)
    # A fact of the asked type may leave the text's subject, named in its lead, unsaid.
    support = [*window, 0] if typed else window
    found = {term for index in support for term in query if _has(documents[index], term)}
    found |= set(topic)
    answer_text = " ".join(sentences[index] for index in sorted(window))
    if len(found) < MIN_COVERAGE * len(query) or not _numbers_present(question, answer_text):
        return NO_ANSWER
    return answer_text


def _at(scores: list[float], index: int) -> float:
    return scores[index] if 0 <= index < len(scores) else 0.0


def _best(sentences: list[str], relevance: list[float], question: str) -> tuple[int | None, bool]:
    """The typed sentence with the most relevance, else the most relevant sentence; and whether
    the sentence is of the asked type."""
    top = max(relevance)
    if top <= 0.0:
        return None, False
    kind = question_type(question)
    if kind is not None:
        typed = {
            index: score * strength
            for index, score in enumerate(relevance)
            if score >= TYPED_FLOOR * top and (strength := states(kind, sentences[index], question))
        }
        if kind is AnswerType.TIME:
            # "When will it open?" is answered by a sentence about the future, "when did it" by
            # one about the past: keep the sentences in the asked tense when there are any.
            future = asks_about_future(question)
            in_tense = {i: v for i, v in typed.items() if states_future(sentences[i]) == future}
            typed = in_tense or typed
        if typed:
            return max(typed, key=lambda index: (typed[index], -index)), True
    return max(range(len(sentences)), key=lambda index: (relevance[index], -index)), False


def _has(document: Counter[str], term: str) -> bool:
    return term in document or any(other in document for other in related(term))


def _window(
    sentences: list[str], documents: list[Counter[str]], query: list[str], best: int
) -> list[int]:
    """The best sentence with at most one neighbour: the one it leans on, or the one adding the
    most question terms when the best sentence alone holds too few of them."""
    if best > 0 and leans_on_previous(sentences[best]):
        return [best - 1, best]
    found = {term for term in query if _has(documents[best], term)}
    if len(found) >= MIN_COVERAGE * len(query):
        return [best]
    neighbours = [index for index in (best - 1, best + 1) if 0 <= index < len(sentences)]
    gains = {index: {t for t in query if _has(documents[index], t)} - found for index in neighbours}
    adding = [index for index in neighbours if gains[index]]
    if not adding:
        return [best]
    return [best, max(adding, key=lambda index: (len(gains[index]), -index))]


def _numbers_present(question: str, answer_text: str) -> bool:
    """Every number the question names appears in the answer ("... in 1971?" needs 1971)."""
    return all(number in answer_text for number in _NUMBER.findall(question))
