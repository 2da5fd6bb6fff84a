"""Key points: the text's most central sentences, in document order."""

from llm_starter_api.llm.local.rank import rank_sentences
from llm_starter_api.llm.local.sentences import unique_sentences


def key_points(text: str, *, max_points: int) -> list[str]:
    """At most max_points distinct sentences, verbatim, chosen by TextRank, in text order."""
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    sentences = unique_sentences(text)
    top = sorted(rank_sentences(sentences)[:max_points])
    return [sentences[index] for index in top]
