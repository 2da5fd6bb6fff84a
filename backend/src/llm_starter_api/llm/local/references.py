"""Sentences that lean on the one before: pronoun, demonstrative and connective openers."""

import re

# Openers whose antecedent or contrast sits in the previous sentence ("It opened in 1937.",
# "Some expect more customers.", "However, the battery ..."). "I", "we" and "you" are the
# writer and reader, not references back; "There is" is existential.
# fmt: off
_WORDS = frozenset((
    "he", "she", "it", "its", "they", "them", "their", "his", "her", "him", "this", "that",
    "these", "those", "such", "some", "others", "another", "both", "either", "neither",
    "however", "but", "also", "yet", "still", "instead", "moreover", "furthermore",
    "therefore", "thus", "hence", "nevertheless", "nonetheless", "besides", "meanwhile",
    "otherwise", "consequently", "and", "so", "then",
))
_PHRASES = (
    "on the other hand", "in contrast", "by contrast", "as a result", "for example",
    "for instance", "in addition", "that said", "even so", "the latter", "the former",
    "in turn", "after that", "on top of that", "the same",
)
# fmt: on
# "Many of them", "one of these", "all of those": a quantity of something named before.
_OF_THEM = re.compile(r"^\w+ of (?:them|these|those|it)\b")
# "Grid operators, however, warn ...": a connective after the opening words leans back too.
_LATE_CONNECTIVE = re.compile(
    r"^[^,]{1,40}, (?:however|though|too|in turn|meanwhile|instead|therefore|thus|then),"
)
_LEADING = "\"'\u201c\u2018(["


def leans_on_previous(sentence: str) -> bool:
    """Whether the sentence opens with a reference to, or a contrast with, the one before."""
    lowered = sentence.lstrip(_LEADING).lower()
    if not lowered:
        return False
    first = lowered.split(maxsplit=1)[0].strip(",;:")
    return (
        first in _WORDS
        or lowered.startswith(_PHRASES)
        or _OF_THEM.match(lowered) is not None
        or _LATE_CONNECTIVE.match(lowered) is not None
    )
