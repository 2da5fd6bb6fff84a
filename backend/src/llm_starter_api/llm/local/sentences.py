"""A regex sentence splitter that keeps every sentence verbatim from its text.

Why no library: pysbd has been unmaintained since 2021 and is slow for its job, and nltk's
punkt model has to be downloaded at run time, which an offline engine cannot do.
The rules below cover what user texts contain: abbreviations ("e.g.", "Dr."), decimals
("3.5"), initials ("J. R. R. Tolkien"), closing quotes, paragraphs, headings and bullet lines.

Each returned sentence is a slice of the text with its whitespace runs collapsed to one space
(hard-wrapped lines read as one sentence) and its bullet or heading marker removed.
"""

import re

# Words whose period never ends a sentence; ordinary words ("no", "sun") are left out.
# fmt: off
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt",
    "rev", "hon", "gov", "pres", "sen", "rep", "e.g", "i.e", "cf", "vs", "viz", "approx", "al",
    "dept", "fig", "figs", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec",
))
# fmt: on
# Words whose period ends no sentence when a number follows: "No. 5", "art. 12", "p. 3".
_NUMBER_ABBREVIATIONS = frozenset(["no", "nos", "art", "sec", "ch", "vol", "p", "pp", "ed"])
_TERMINAL = ".!?\u2026"
_CJK_TERMINAL = "\u3002\uff01\uff1f"
_CLOSERS = "\"')]}\u201d\u2019\u00bb"
_OPENERS = "\"'([{\u201c\u2018\u00ab"
# Only the last word before a period is inspected; this bounds the slice on long sentences.
_LONGEST_WORD = 64
# A run of terminal punctuation, then closing quotes or brackets, then whitespace (or, after
# CJK full stops, nothing: those scripts put no space between sentences).
_BOUNDARY = re.compile(
    rf"[{_TERMINAL}]+[{re.escape(_CLOSERS)}]*\s+|[{_CJK_TERMINAL}]+[{re.escape(_CLOSERS)}]*\s*"
)
_MARKER = re.compile(r"(?:[-*+\u2022\u2023\u25e6\u2043\u2013\u2014]|\d{1,3}[.)]|#{1,6})(?:\s+|$)")
_WHITESPACE = re.compile(r"\s+")
_INITIALISM = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_HEADING_MAX_CHARS = 60
_HEADING_MAX_WORDS = 10
# A hard-wrapped line ending in one of these continues on the next line; a title does not.
_CONTINUATION_WORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"]
)


def split_sentences(text: str) -> list[str]:
    """The sentences of the text in order, each verbatim up to collapsed whitespace."""
    sentences: list[str] = []
    for block in _blocks(text):
        sentences.extend(_split_block(block))
    return sentences


def unique_sentences(text: str) -> list[str]:
    """The sentences that contain a letter or digit, each kept at its first occurrence only."""
    return distinct(split_sentences(text))


def distinct(sentences: list[str]) -> list[str]:
    """The sentences that contain a letter or digit, each kept at its first occurrence only."""
    seen: set[str] = set()
    unique: list[str] = []
    for sentence in sentences:
        key = sentence.casefold()
        if key not in seen and any(character.isalnum() for character in sentence):
            seen.add(key)
            unique.append(sentence)
    return unique


def _blocks(text: str) -> list[str]:
    """Paragraphs, bullet items and headings: units that no sentence crosses."""
    blocks: list[str] = []
    current: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    for position, line in enumerate(lines):
        marker = _MARKER.match(line)
        if marker or not line:
            blocks.append(" ".join(current))
            current = []
        current.append(line[marker.end() :] if marker else line)
        previous = lines[position - 1] if position else ""
        following = lines[position + 1] if position + 1 < len(lines) else ""
        is_markdown_title = marker is not None and line.startswith("#")
        if is_markdown_title or (not marker and not previous and _is_heading(line, following)):
            blocks.append(" ".join(current))
            current = []
    blocks.append(" ".join(current))
    return [block for block in blocks if block]


def _is_heading(line: str, following: str) -> bool:
    """A short unpunctuated line, opening its paragraph and followed by a capital, is a title."""
    words = line.split()
    return (
        0 < len(line) <= _HEADING_MAX_CHARS
        and len(words) <= _HEADING_MAX_WORDS
        and line[-1] not in _TERMINAL + _CJK_TERMINAL + ":,;"
        and words[-1].lower() not in _CONTINUATION_WORDS
        and following[:1].isupper()
    )


def _split_block(block: str) -> list[str]:
    """Split one paragraph at the boundaries that really end a sentence."""
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(block):
        end = boundary.end()
        before = block[max(start, boundary.start() - _LONGEST_WORD) : boundary.start() + 1]
        if end < len(block) and not _ends_sentence(before, block[end]):
            continue
        sentences.append(block[start:end])
        start = end
    sentences.append(block[start:])
    return [_WHITESPACE.sub(" ", sentence).strip() for sentence in sentences if sentence.strip()]


def _ends_sentence(before: str, next_char: str) -> bool:
    """Whether the punctuation closing `before` ends a sentence, given the next character."""
    if next_char.islower():
        return False
    if before[-1] != ".":
        return True
    last = before.split()[-1].rstrip(_TERMINAL).lstrip(_OPENERS)
    # A single capital before the period is an initial ("J. Smith"), not the end of a sentence.
    if len(last) == 1 and last.isupper():
        return False
    if next_char.isdigit() and last.lower() in _NUMBER_ABBREVIATIONS:
        return False
    # Dotted initialisms ("U.S. Route 101") are more often mid-sentence than final.
    if _INITIALISM.fullmatch(last):
        return False
    return last.lower() not in _ABBREVIATIONS
