"""Lexicon sentiment: corrected VADER scores per sentence, aggregated into one verdict."""

from dataclasses import dataclass
from typing import Literal

from llm_starter_api.llm.local.sentences import split_sentences
from llm_starter_api.llm.local.sentiment_cues import SentenceScore, score_sentences

type SentimentLabel = Literal["positive", "negative", "neutral", "mixed"]

# VADER's own convention: a sentence scoring inside (-0.05, 0.05) is neutral.
NEUTRAL_BAND = 0.05
# A text is positive or negative when its weighted mean reaches this; reports and explanations
# use a few words VADER counts as opinions ("strong", "support"), so 0.05 would call them polar.
POLAR_MEAN = 0.15
# A sentence opening with a contrast ("But", "However", "Overall") counts this many times.
CONTRAST_WEIGHT = 1.5
# Lines this short without closing punctuation are greetings, sign-offs or headings.
FRAGMENT_WORDS = 6
# A sentence this polar (either way) is "strong". A text is mixed when it has strong sentences
# on both sides, the weaker side holds at least MIXED_MINORITY of them (a glowing review with
# one grumble stays positive) and they make up at least MIXED_SHARE of all sentences (a
# factual report mentioning one rescue and one accident stays neutral).
STRONG = 0.5
MIXED_MINORITY = 0.25
MIXED_SHARE = 0.2
# A mean this polar, with every polar sentence agreeing, is as sure as a lexicon can be.
CONFIDENT_MEAN = 0.35
MAX_CONFIDENCE = 0.97


@dataclass(frozen=True, slots=True)
class SentimentVerdict:
    """The overall sentiment of a text, how sure we are and why."""

    label: SentimentLabel
    confidence: float
    explanation: str


def sentiment(text: str) -> SentimentVerdict:
    """Label the text from its sentences' corrected scores; never quotes the text."""
    every = split_sentences(text)
    # Greetings, sign-offs and headings ("Dear team,", "Best, Julia") carry no opinion.
    sentences = [sentence for sentence in every if not _is_fragment(sentence)] or every
    if not sentences:
        return SentimentVerdict("neutral", 0.0, "The text has no sentences to score.")
    scored = score_sentences(sentences)
    scores = [item.score for item in scored]
    # The clause after "but"/"however" is the writer's verdict: it weighs more.
    weights = [CONTRAST_WEIGHT if item.contrast else 1.0 for item in scored]
    mean = sum(w * v for w, v in zip(weights, scores, strict=True)) / sum(weights)
    total = len(scores)
    positive = sum(score >= NEUTRAL_BAND for score in scores)
    negative = sum(score <= -NEUTRAL_BAND for score in scores)
    strong_positive = sum(score >= STRONG for score in scores)
    strong_negative = sum(score <= -STRONG for score in scores)
    counts = _counts(scored, positive, negative, mean, len(every) - len(sentences))
    strong = strong_positive + strong_negative
    minority = min(strong_positive, strong_negative)
    if minority and minority / strong >= MIXED_MINORITY and strong / total >= MIXED_SHARE:
        confidence = 0.5 + 0.5 * minority / max(strong_positive, strong_negative)
        reason = (
            f"strongly positive ({strong_positive}) and strongly negative "
            f"({strong_negative}) sentences occur together"
        )
        return SentimentVerdict("mixed", _clamp(confidence), f"Mixed: {reason}; {counts}.")
    if mean >= POLAR_MEAN:
        return SentimentVerdict(
            "positive", _polar_confidence(mean, positive, negative), f"Positive: {counts}."
        )
    if mean <= -POLAR_MEAN:
        return SentimentVerdict(
            "negative", _polar_confidence(-mean, negative, positive), f"Negative: {counts}."
        )
    confidence = 0.5 + 0.5 * (1.0 - abs(mean) / POLAR_MEAN) * (total - positive - negative + 1) / (
        total + 1
    )
    confidence = min(max(confidence, 0.5), MAX_CONFIDENCE)
    return SentimentVerdict("neutral", _clamp(confidence), f"Neutral: {counts}.")


def _is_fragment(sentence: str) -> bool:
    """A short line without closing punctuation: a greeting, a sign-off or a heading."""
    return len(sentence.split()) <= FRAGMENT_WORDS and sentence.rstrip("\"')")[-1:] not in ".!?"


def _counts(
    scored: list[SentenceScore], positive: int, negative: int, mean: float, skipped: int
) -> str:
    """The numbers behind a verdict, in words; no sentence of the text is quoted."""
    total = len(scored)
    parts = [
        f"{positive} of {total} sentences lean positive, {negative} negative and "
        f"{total - positive - negative} neutral; the weighted average score is {mean:+.2f}"
    ]
    if sarcastic := sum(item.sarcastic for item in scored):
        parts.append(f"{sarcastic} read as sarcastic praise and count as negative")
    if contrast := sum(item.contrast for item in scored):
        parts.append(f"{contrast} open with a contrast and weigh {CONTRAST_WEIGHT:g}x")
    if skipped:
        parts.append(f"{skipped} greeting, sign-off or heading lines were not scored")
    return "; ".join(parts)


def _polar_confidence(strength: float, agreeing: int, disagreeing: int) -> float:
    """From 0.5 up, by how polar the mean is (saturating at CONFIDENT_MEAN) and how many of the
    polar sentences agree with it."""
    agreement = agreeing / (agreeing + disagreeing) if agreeing + disagreeing else 0.0
    polarity = min(strength / CONFIDENT_MEAN, 1.0)
    return _clamp(min(0.5 + 0.5 * polarity * (0.5 + 0.5 * agreement), MAX_CONFIDENCE))


def _clamp(value: float) -> float:
    """Round to two decimals inside [0, 1]."""
    return round(min(max(value, 0.0), 1.0), 2)
