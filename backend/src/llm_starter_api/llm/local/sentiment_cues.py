"""Sentence polarity: VADER's compound score, corrected where VADER is known to misread.

VADER handles intensifiers, "but" inside a sentence and plain negation ("not good"). It misses
sarcasm ("Oh great, another update that deletes my settings"), idioms whose negation flips them
("could not be happier"), complaint verbs absent from its lexicon ("wiped", "froze"), and it
scores words inside names ("the Great Barrier Reef", "the Nobel Prize") as opinions.
"""

import re
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Complaint and failure words VADER's lexicon lacks, on its -4..4 scale.
# fmt: off
_EXTRA_LEXICON = {
    "deletes": -1.8, "deleted": -1.8, "wiped": -1.8, "wipes": -1.8, "crashes": -2.0,
    "crashed": -2.0, "freezes": -1.8, "froze": -1.8, "cracked": -1.6, "snapped": -1.6,
    "soaked": -1.2, "stained": -1.5, "rattled": -1.0, "cramped": -1.5, "overpriced": -1.8,
    "flimsy": -1.8, "buggy": -1.8, "unusable": -2.2, "faulty": -1.8, "leaking": -1.2,
    "regretted": -2.0, "scam": -2.8, "nightmare": -2.6, "drags": -0.8,
}
# fmt: on
# Phrases whose polarity VADER gets wrong or misses, with the compound score they stand for.
_IDIOMS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), score)
    for pattern, score in (
        (r"(?:could|can)(?:n't| ?not) be (?:happier|better|more pleased)", 0.8),
        (r"(?:can't|cannot|can not) complain|no complaints", 0.5),
        (r"worth every (?:penny|cent)", 0.7),
        (r"expected (?:far |much |a lot )?better", -0.6),
        (r"(?:would|will) (?:not|never) (?:recommend|buy|stay|go|use)", -0.6),
        (r"never again", -0.7),
        (r"(?:returned|sent) it back|I returned it|asked for (?:a|my) refund", -0.5),
        (
            r"(?:not|never|n't|no longer|nothing|nobody|no one) (?:\w+ ){0,2}(?:work|works|worked|working|waterproof"
            r"|arrived|fixed|answered|replied|covered|received)",
            -0.5,
        ),
    )
)
# Praise that means the opposite when the content around it is bad.
_SARCASM = re.compile(
    r"^(?:oh,? |ah,? |well,? )?(?:great|brilliant|wonderful|perfect|fantastic|lovely|super"
    r"|marvellous|awesome)\b[,!.]"
    r"|^oh,? (?:great|brilliant|wonderful|perfect|fantastic|lovely|super|joy)\b"
    r"|^just (?:perfect|great|brilliant|wonderful|lovely)\b"
    r"|\bjust what (?:i|we) (?:needed|wanted)\b|\bthanks (?:a lot|a bunch|for nothing)\b"
    r"|\b(?:love|loving) (?:how|that) (?:it|the|my|this)\b|\byeah,? right\b"
    r"|\bwhat a (?:great|brilliant|fantastic) (?:idea|way|start)\b",
    re.IGNORECASE,
)
# Signs of a bad experience near a sarcastic cue: its own negative words, repeats, failures.
_BAD_CONTENT = re.compile(
    r"\b(?:another|again|still|every time|whenever|hours?|deadline|delay\w*|broke\w*|lost"
    r"|freez\w*|froze|crash\w*|delet\w*|wip\w*|stuck|cracked|failed|hides?|harder|logged me"
    r" out|charging|not covered|the one|not even|yet again)\b",
    re.IGNORECASE,
)
SARCASTIC = -0.6
# "Great, the update fixed the crash": praise for a problem solved is meant.
_RESOLVED = re.compile(r"\b(?:fixed|fixes|solved|resolved|repaired|sorted)\b", re.IGNORECASE)
# Capitalised words inside a multi-word name: "Nobel Prize", "Great Barrier Reef".
_NAME_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of |the |in )?[A-Z][\w'-]*)+")
_CONTRAST = re.compile(
    r"^(?:but|however|still|yet|unfortunately|sadly|overall|in the end|all in all|that said"
    r"|on the other hand|even so|in short)\b|^\S+(?: \S+)?, however,",
    re.IGNORECASE,
)


# Marks of a sentence voicing an opinion rather than reporting: the writer or reader, an
# exclamation, an intensifier, or an evaluative word. VADER also scores words that reports use
# for facts ("a strong colony", "suffered bleaching"); without such a mark a score counts half.
_SUBJECTIVE = re.compile(
    r"\b(?:i|me|my|we|us|our|you|your|very|really|so|truly|absolutely|extremely|frankly"
    r"|honestly|incredibly|totally|utterly|quite|love\w*|hate\w*|wonderful|terrible|awful"
    r"|excellent|amazing|best|worst|great|brilliant|disappoint\w*|praised|thrilled|delighted"
    r"|grateful|happy|unhappy|angry|lovely|beautiful\w*|ugly|horrible|perfect\w*|useless|rude"
    r"|friendly|unacceptable|impressed|proud|regret\w*|recommend\w*|enjoy\w*|fantastic"
    r"|pleasant|miserable|annoying|nightmare|scam|sad|superb|outstanding|poor|bad|worse"
    r"|favourite|favorite|glad|pleased|upset|furious|shocking|tragic|devastat\w*|disaster\w*)\b"
    r"|!",
    re.IGNORECASE,
)
OBJECTIVE_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class SentenceScore:
    """A sentence's polarity in [-1, 1] and what shaped it."""

    score: float
    sarcastic: bool
    contrast: bool


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """The VADER analyzer with the extra words, built once (it loads its lexicon from disk)."""
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(_EXTRA_LEXICON)
    return analyzer


def score_sentences(sentences: list[str]) -> list[SentenceScore]:
    """Each sentence's corrected score; praise next to bad news reads as sarcasm."""
    base = [_score(sentence) for sentence in sentences]
    scored: list[SentenceScore] = []
    for index, sentence in enumerate(sentences):
        neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(sentences)]
        sarcastic = (
            _SARCASM.search(sentence) is not None
            and _RESOLVED.search(sentence) is None
            and (
                _BAD_CONTENT.search(sentence) is not None
                or any(_BAD_CONTENT.search(sentences[i]) or base[i] <= -0.05 for i in neighbours)
            )
        )
        score = base[index]
        if sarcastic:
            score = min(score, SARCASTIC)
        contrast = _CONTRAST.search(sentence) is not None
        scored.append(SentenceScore(score, sarcastic, contrast))
    return scored


def _score(sentence: str) -> float:
    """VADER's compound score with idioms applied, names hidden and reports counted half."""
    masked = _NAME_RUN.sub(_mask, sentence)
    score = float(_analyzer().polarity_scores(masked)["compound"])
    for idiom, value in _IDIOMS:
        if idiom.search(sentence):
            return value if abs(value) > abs(score) or (value > 0) != (score > 0) else score
    return score if _SUBJECTIVE.search(sentence) else score * OBJECTIVE_WEIGHT


def _mask(match: re.Match[str]) -> str:
    """Hide a name's words from scoring; a first word opening the sentence may be no name."""
    words = match.group().split()
    kept = words[:1] if match.start() == 0 else []
    return " ".join(kept + ["X"] * (len(words) - len(kept)))
