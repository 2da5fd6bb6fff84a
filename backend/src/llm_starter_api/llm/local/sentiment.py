"""Lexicon sentiment: VADER compound scores per sentence, aggregated into one verdict."""

from dataclasses import dataclass
from functools import cache
from statistics import fmean
from typing import Literal

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from llm_starter_api.llm.local.sentences import split_sentences

type SentimentLabel = Literal["positive", "negative", "neutral", "mixed"]

# VADER's own convention: compound scores inside (-0.05, 0.05) are neutral.
NEUTRAL_BAND = 0.05
# A sentence this polar (either way) is "strong". A text is mixed when it has strong sentences
# on both sides, the weaker side holds at least MIXED_MINORITY of them (a glowing review with
# one grumble stays positive) and they make up at least MIXED_SHARE of all sentences (a
# factual report mentioning one rescue and one accident stays neutral).
STRONG = 0.5
MIXED_MINORITY = 0.25
MIXED_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class SentimentVerdict:
    """The overall sentiment of a text, how sure we are and why."""

    label: SentimentLabel
    confidence: float
    explanation: str


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """The VADER analyzer, built once on first use (it loads its lexicon from disk)."""
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> SentimentVerdict:
    """Label the text from its sentences' VADER compound scores; never quotes the text."""
    analyzer = _analyzer()
    scores = [float(analyzer.polarity_scores(s)["compound"]) for s in split_sentences(text)]
    if not scores:
        return SentimentVerdict("neutral", 0.0, "The text has no sentences to score.")
    total = len(scores)
    positive = sum(score >= NEUTRAL_BAND for score in scores)
    negative = sum(score <= -NEUTRAL_BAND for score in scores)
    strong_positive = sum(score >= STRONG for score in scores)
    strong_negative = sum(score <= -STRONG for score in scores)
    mean = fmean(scores)
    counts = (
        f"{positive} of {total} sentences lean positive, {negative} negative and "
        f"{total - positive - negative} neutral; the average compound score is {mean:+.2f}"
    )
    strong = strong_positive + strong_negative
    minority = min(strong_positive, strong_negative)
    if minority and minority / strong >= MIXED_MINORITY and strong / total >= MIXED_SHARE:
        confidence = 0.5 + 0.5 * minority / max(strong_positive, strong_negative)
        reason = (
            f"strongly positive ({strong_positive}) and strongly negative "
            f"({strong_negative}) sentences occur together"
        )
        return SentimentVerdict("mixed", _clamp(confidence), f"Mixed: {reason}; {counts}.")
    if mean >= NEUTRAL_BAND:
        return SentimentVerdict(
            "positive", _polar_confidence(mean, positive, negative), f"Positive: {counts}."
        )
    if mean <= -NEUTRAL_BAND:
        return SentimentVerdict(
            "negative", _polar_confidence(-mean, negative, positive), f"Negative: {counts}."
        )
    neutral_share = (total - positive - negative) / total
    confidence = 0.5 + 0.5 * neutral_share * (1.0 - abs(mean) / NEUTRAL_BAND)
    return SentimentVerdict("neutral", _clamp(confidence), f"Neutral: {counts}.")


def _polar_confidence(strength: float, agreeing: int, disagreeing: int) -> float:
    """Half from how polar the mean is (saturating at STRONG), half from sentence agreement."""
    agreement = agreeing / (agreeing + disagreeing) if agreeing + disagreeing else 0.0
    return _clamp(0.5 * min(strength / STRONG, 1.0) + 0.5 * agreement)


def _clamp(value: float) -> float:
    """Round to two decimals inside [0, 1]."""
    return round(min(max(value, 0.0), 1.0), 2)
