"""Extractive summaries: the most central sentences that fit a word budget."""

from llm_starter_api.llm.local.rank import rank_sentences
from llm_starter_api.llm.local.sentences import unique_sentences

_FRAGMENT_WORDS = 4
_CLOSING = frozenset(".!?\u2026\u3002\uff01\uff1f")


def summarize(text: str, *, max_length: int) -> str:
    """The text's most central sentences, verbatim and in order, in at most max_length words.

    Sentences are taken greedily by TextRank score and skipped when they do not fit the words
    left; titles and other short unpunctuated fragments are used only when no full sentence
    fits. When nothing fits at all, the first max_length words of the best-ranked sentence are
    returned, so the budget is never exceeded and a text with words never yields "".
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    sentences = unique_sentences(text)
    if not sentences:
        return ""
    ranking = rank_sentences(sentences)
    full = [index for index in ranking if not _is_fragment(sentences[index])]
    chosen = _fill(sentences, full, max_length) or _fill(sentences, ranking, max_length)
    if not chosen:
        return " ".join(sentences[ranking[0]].split()[:max_length])
    return " ".join(sentences[index] for index in sorted(chosen))


def _fill(sentences: list[str], candidates: list[int], budget: int) -> list[int]:
    """Candidates taken in order while they fit the remaining word budget."""
    chosen: list[int] = []
    for index in candidates:
        length = len(sentences[index].split())
        if length <= budget:
            chosen.append(index)
            budget -= length
    return chosen


def _is_fragment(sentence: str) -> bool:
    """A title or list label rather than a sentence: a few words with no closing punctuation."""
    return (
        len(sentence.split()) < _FRAGMENT_WORDS
        and sentence.rstrip("\"')\u201d\u2019")[-1:] not in _CLOSING
    )
