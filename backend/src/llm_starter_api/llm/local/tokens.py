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
_DOUBLING = frozenset(("ing", "ings", "ed", "edly"))


# Irregular verb forms to their base, so "built" meets "build" and "began" meets "begin".
# fmt: off
IRREGULAR_VERBS = {
    "built": "build", "began": "begin", "begun": "begin", "paid": "pay", "sold": "sell",
    "bought": "buy", "made": "make", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "held": "hold", "led": "lead", "won": "win", "ran": "run", "rose": "rise",
    "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow",
    "wrote": "write", "written": "write", "spent": "spend", "kept": "keep", "told": "tell",
    "said": "say", "says": "say", "met": "meet", "brought": "bring", "thought": "think",
    "chose": "choose", "chosen": "choose", "broke": "break", "broken": "break", "drove": "drive",
    "driven": "drive", "flew": "fly", "flown": "fly", "threw": "throw", "thrown": "throw",
    "knew": "know", "known": "know", "showed": "show", "shown": "show", "saw": "see",
    "seen": "see", "went": "go", "gone": "go", "came": "come", "got": "get", "stood": "stand",
    "caught": "catch", "taught": "teach", "fought": "fight", "sent": "send", "lost": "lose",
    "found": "find", "left": "leave", "felt": "feel", "heard": "hear", "struck": "strike",
    "swept": "sweep", "tore": "tear", "torn": "tear", "froze": "freeze", "frozen": "freeze",
    "hid": "hide", "hidden": "hide", "ate": "eat", "eaten": "eat", "slept": "sleep",
    "spoke": "speak", "spoken": "speak", "woke": "wake", "wore": "wear", "worn": "wear",
}
# fmt: on


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
    if word in IRREGULAR_VERBS:
        word = IRREGULAR_VERBS[word]
    for suffix, replacement, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            word = word[: -len(suffix)] + replacement
            # "setting" -> "sett" -> "set", as "stopped" -> "stop"; "called" keeps its "ll".
            if suffix in _DOUBLING and word[-1] == word[-2] and word[-1] not in "lsfz":
                word = word[:-1]
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
