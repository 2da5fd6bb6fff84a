"""A trivial guess at a text's language, for the embedded engine's placeholder answer.

Only a placeholder: the writing system decides for non-Latin scripts, and a count of a few common
words for Latin ones. A real detector (lingua-py, langdetect) would make the example depend on a
package for an answer that is not a translation anyway; a provider's model detects the language
itself.
"""

import re
import unicodedata
from collections import Counter

UNDETERMINED = "und"
"""ISO 639-2's code for a language that cannot be told."""

_SCRIPTS = {
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "CJK": "zh",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "THAI": "th",
}
"""The language a writing system most likely means (first word of a letter's Unicode name)."""

_UKRAINIAN = frozenset("іїєґІЇЄҐ")
"""Cyrillic letters Ukrainian has and Russian lacks."""

_COMMON_WORDS = {
    "en": "the and is are of to in that it with was for this",
    "es": "el los las del que y es por con una para como",
    "fr": "le les des est et une du que dans pour pas sur",
    "de": "der die das und ist nicht ein eine mit auf den zu",
    "it": "il che di è un una per non sono gli della con",
    "pt": "os que é um uma não com em do da para são",
    "nl": "het een en is van niet dat op met zijn voor",
    "sv": "och att det som är på för inte med av till",
    "pl": "i w z na się nie jest to że do jak",
    "tr": "ve bir bu da için ile çok olarak değil gibi",
}
"""Frequent words of each language written in Latin letters, each a good sign of its language."""

_WORDS = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}


def guess_language(text: str) -> str:
    """The ISO 639-1 code of the text's likely language, or "und" when nothing points to one."""
    scripts = Counter(unicodedata.name(char, "").split(" ")[0] for char in text if char.isalpha())
    if not scripts:
        return UNDETERMINED
    # Japanese mixes kana with Chinese characters: any kana at all means Japanese.
    if scripts["HIRAGANA"] or scripts["KATAKANA"]:
        return "ja"
    script, _ = scripts.most_common(1)[0]
    if script == "LATIN":
        return _by_common_words(text)
    if script == "CYRILLIC" and _UKRAINIAN.intersection(text):
        return "uk"
    return _SCRIPTS.get(script, UNDETERMINED)


def _by_common_words(text: str) -> str:
    words = re.findall(r"\w+", text.lower())
    hits = {language: sum(word in common for word in words) for language, common in _WORDS.items()}
    language, count = max(hits.items(), key=lambda item: item[1])
    return language if count else UNDETERMINED
