"""Extractive summaries: the most central sentences that fit a word budget, never the whole text."""

from llm_starter_api.llm.local.rank import rank_sentences
from llm_starter_api.llm.local.references import leans_on_previous
from llm_starter_api.llm.local.sentences import distinct, split_sentences

_FRAGMENT_WORDS = 4
_CLOSING = frozenset(".!?\u2026\u3002\uff01\uff1f")
# From this many sentences on, a summary takes at most half the text's words.
_HALF_FROM = 4


def summarize(text: str, *, max_length: int) -> str:
    """The text's most central sentences, verbatim and in order, in at most max_length words.

    The budget is also at most half the text's words (four or more sentences) or all sentences
    but one (two or three), so a summary is shorter than its text. Sentences are taken greedily
    by TextRank score; one that leans on the sentence before ("It opened in 1937.") comes only
    with that sentence. Titles and other short unpunctuated fragments are used only when no full
    sentence fits. When nothing fits at all, the first words of the best self-contained sentence
    are returned, so the budget is never exceeded and a text with words never yields "".
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    every = split_sentences(text)
    sentences = distinct(every)
    if not sentences:
        return ""
    budget = _budget(text, every, sentences, max_length)
    ranking = rank_sentences(sentences)
    full = [index for index in ranking if not _is_fragment(sentences[index])]
    chosen = _fill(sentences, full, budget) or _fill(sentences, ranking, budget)
    if not chosen:
        standalone = [index for index in ranking if not leans_on_previous(sentences[index])]
        return " ".join(sentences[(standalone or ranking)[0]].split()[:budget])
    return " ".join(sentences[index] for index in sorted(chosen))


def _budget(text: str, every: list[str], sentences: list[str], max_length: int) -> int:
    """The word budget: max_length, capped so that the summary is shorter than the text."""
    if len(every) >= _HALF_FROM:
        return max(1, min(max_length, len(text.split()) // 2))
    if len(sentences) > 1:
        shortest = min(len(sentence.split()) for sentence in sentences)
        return min(max_length, sum(len(s.split()) for s in sentences) - shortest)
    return max_length


def _fill(sentences: list[str], candidates: list[int], budget: int) -> list[int]:
    """Candidates taken in order, each with the sentences it leans on, while they fit."""
    chosen: set[int] = set()
    for index in candidates:
        unit = _with_antecedents(sentences, index) - chosen
        length = sum(len(sentences[member].split()) for member in unit)
        if unit and length <= budget:
            chosen |= unit
            budget -= length
    return sorted(chosen)


def _with_antecedents(sentences: list[str], index: int) -> set[int]:
    """The sentence and, while each leans on the one before, its predecessors."""
    unit = {index}
    while index > 0 and leans_on_previous(sentences[index]):
        index -= 1
        unit.add(index)
    return unit


def _is_fragment(sentence: str) -> bool:
    """A title or list label rather than a sentence: a few words with no closing punctuation."""
    return (
        len(sentence.split()) < _FRAGMENT_WORDS
        and sentence.rstrip("\"')\u201d\u2019")[-1:] not in _CLOSING
    )
