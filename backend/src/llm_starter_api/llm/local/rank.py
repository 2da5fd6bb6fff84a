"""TextRank: sentences ranked by PageRank over their word-overlap graph, nudged to openings."""

import math
from collections.abc import Sequence

from llm_starter_api.llm.local.references import leans_on_previous
from llm_starter_api.llm.local.tokens import content_terms

_DAMPING = 0.85
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-6
# A sentence leaning on the one before ("It opened in 1937.") reads badly alone: it ranks lower.
_DANGLING_PENALTY = 0.5


def rank_sentences(sentences: Sequence[str]) -> list[int]:
    """Indices of the sentences, most central first; ties go to the earlier sentence."""
    scores = [
        score * _DANGLING_PENALTY if index and leans_on_previous(sentence) else score
        for index, (score, sentence) in enumerate(
            zip(sentence_scores(sentences), sentences, strict=True)
        )
    ]
    return sorted(range(len(sentences)), key=lambda index: (-scores[index], index))


def sentence_scores(sentences: Sequence[str]) -> list[float]:
    """The PageRank score of each sentence in the similarity graph (Mihalcea & Tarau, 2004)."""
    terms = [set(content_terms(sentence)) for sentence in sentences]
    count = len(sentences)
    neighbours: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            weight = _similarity(terms[i], terms[j])
            if weight > 0.0:
                neighbours[i].append((j, weight))
                neighbours[j].append((i, weight))
    return _pagerank(neighbours)


def _similarity(first: set[str], second: set[str]) -> float:
    """Shared terms, normalised by sentence length as in the TextRank paper."""
    shared = len(first & second)
    if shared == 0:
        return 0.0
    # log(1) is 0, so one-term sentences would divide by zero; count them as two terms.
    return shared / (math.log(max(len(first), 2)) + math.log(max(len(second), 2)))


def _pagerank(neighbours: Sequence[Sequence[tuple[int, float]]]) -> list[float]:
    """Weighted PageRank by power iteration, teleporting preferably to early sentences."""
    count = len(neighbours)
    if count == 0:
        return []
    # Openings state the topic in most prose, so the random jump favours them (as in
    # PositionRank); 1/sqrt(position) keeps the bias mild next to the graph's own weight.
    prior = [1.0 / math.sqrt(position + 1) for position in range(count)]
    base = [(1.0 - _DAMPING) * weight / sum(prior) for weight in prior]
    out_weight = [sum(weight for _, weight in edges) for edges in neighbours]
    scores = [1.0 / count] * count
    for _ in range(_MAX_ITERATIONS):
        shares = [
            scores[node] / out_weight[node] if out_weight[node] else 0.0 for node in range(count)
        ]
        updated = [
            base[node] + _DAMPING * sum(shares[other] * weight for other, weight in edges)
            for node, edges in enumerate(neighbours)
        ]
        change = sum(abs(new - old) for new, old in zip(updated, scores, strict=True))
        scores = updated
        if change < _TOLERANCE:
            break
    return scores
