"""Okapi BM25 over sentences.

Written out rather than taken from rank-bm25: the formula is a dozen lines, and a dependency
for it would bring numpy into an engine that otherwise needs only the standard library.
"""

import math
from collections import Counter
from collections.abc import Sequence
from statistics import fmean

# The usual defaults (Robertson & Zaragoza, 2009): term-frequency saturation and length norm.
K1 = 1.5
B = 0.75


def bm25_scores(documents: Sequence[Counter[str]], query: Sequence[str]) -> list[float]:
    """The BM25 score of each document (a bag of terms) for the query's distinct terms."""
    if not documents:
        return []
    terms = list(dict.fromkeys(query))
    count = len(documents)
    lengths = [sum(document.values()) for document in documents]
    average_length = fmean(lengths) or 1.0
    # The "+ 1" inside the log keeps IDF positive for terms in more than half the sentences.
    frequencies = {term: sum(term in document for document in documents) for term in terms}
    idf = {
        term: math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
        for term, frequency in frequencies.items()
    }
    scores: list[float] = []
    for document, length in zip(documents, lengths, strict=True):
        norm = K1 * (1.0 - B + B * length / average_length)
        score = 0.0
        for term in terms:
            frequency = document[term]
            if frequency:
                score += idf[term] * frequency * (K1 + 1.0) / (frequency + norm)
        scores.append(score)
    return scores
