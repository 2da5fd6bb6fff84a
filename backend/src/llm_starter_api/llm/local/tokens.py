"""Word tokens, a small stopword list and a light suffix-stripping stemmer."""

import re
from functools import lru_cache

# Numbers keep their inner separators ("3.5", "1,280", "10:30"); words keep apostrophes ("don't").
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W_]+(?:['\u2019][^\W_]+)*")

# Deliberately small: function words plus the question words, so that "When was X built?"
# reduces to the content terms {x, built}. Negations stay out; they carry meaning for QA.
# fmt: off
STOPWORDS = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "me", "more", "most", "my", "myself", "of", "off", "on", "once", "only", "or",
    "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
    "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "whose", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
    "us", "every", "without", "within", "across", "along", "around", "among", "since",
    "because", "although", "though", "whether", "however", "yet", "now", "already", "still",
    "even", "s", "t", "ll", "re", "ve", "d", "m",
))
# fmt: on

# (suffix, replacement, shortest stem kept), tried in order; the first match wins.
_SUFFIXES = (
    ("ations", "", 3),
    ("ation", "", 3),
    ("ions", "", 3),
    ("ion", "", 3),
    ("ings", "", 3),
    ("ing", "", 3),
    ("edly", "", 3),
    ("ed", "", 3),
    ("ies", "y", 2),
    ("sses", "ss", 2),
    ("ly", "", 4),
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word and number tokens of the text, in order."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude, consistent stem: "completed", "completion" and "complete" all give "complet"."""
    if word.endswith(("'s", "\u2019s")):
        word = word[:-2]
    if word[:1].isdigit():
        return word
    for suffix, replacement, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def content_terms(text: str) -> list[str]:
    """Stems of the text's tokens that are not stopwords, in order, repeats kept."""
    return [stem(token) for token in tokenize(text) if token not in STOPWORDS]
