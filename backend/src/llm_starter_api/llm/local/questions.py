"""Grounded questions: central sentences rewritten as questions they answer.

Every word of a question comes from its source sentence except the template's own words
("what", "when", "how many", "does the text say about", "happened"), so each question is
answerable from the text. A sentence that fits no pattern gives a question about its key
phrase. Fewer than num_questions come back only when the text has fewer distinct sentences
and key phrases than that (a one-line text cannot support ten distinct questions).
"""

from collections import Counter
from dataclasses import dataclass, field

from llm_starter_api.llm.local.phrases import key_phrases, lowercase_words
from llm_starter_api.llm.local.question_patterns import pattern_question
from llm_starter_api.llm.local.rank import rank_sentences
from llm_starter_api.llm.local.sentences import unique_sentences
from llm_starter_api.llm.local.tokens import content_terms

_ARTICLES = frozenset(("the", "a", "an"))


def questions(text: str, *, num_questions: int) -> list[str]:
    """Up to num_questions distinct questions, in the order of their sentences in the text."""
    if num_questions < 1:
        raise ValueError("num_questions must be at least 1")
    sentences = unique_sentences(text)
    ranking = rank_sentences(sentences)
    salience = Counter(term for sentence in sentences for term in content_terms(sentence))
    lowercase = lowercase_words(text)
    phrases = {index: key_phrases(sentences[index], salience, lowercase) for index in ranking}
    asked = _Questions(num_questions)
    # Round 0 asks one question per sentence, most central sentences first; later rounds ask
    # about each sentence's next key phrase until the count is reached or phrases run out.
    for index in ranking:
        if asked.is_full():
            break
        if not asked.add(index, 0, pattern_question(sentences[index], lowercase)):
            asked.add_about_phrase(index, 0, phrases[index])
    round_ = 1
    while not asked.is_full() and any(phrases.values()):
        for index in ranking:
            if asked.is_full():
                break
            asked.add_about_phrase(index, round_, phrases[index])
        round_ += 1
    return [question for _, _, question in sorted(asked.items)]


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

    def add_about_phrase(self, index: int, round_: int, phrases: list[str]) -> None:
        """Ask about the sentence's best unused key phrase, consuming phrases as it goes."""
        while phrases:
            if self.add(index, round_, f"What does the text say about {phrases.pop(0)}?"):
                return


def _key(question: str) -> str:
    """What makes two questions the same: "the coffee" and "coffee" are one topic."""
    return " ".join(word for word in question.casefold().split() if word not in _ARTICLES)
