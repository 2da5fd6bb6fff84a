"""Views of a text with obfuscation undone, for the injection detector; the text itself never changes."""

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

# Zero-width, joiners, soft hyphen, bidi controls, variation selectors, word joiners and BOM:
# characters that show nothing but split a word for a pattern matcher.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
# Unicode tag characters mirror ASCII invisibly ("ASCII smuggling"); decoded, they are text.
_TAGS = re.compile("[\U000e0000-\U000e007f]+")

# Letters of other scripts that look like Latin ones; applied only to words that mix scripts,
# so Russian or Greek text stays as it is.
_CONFUSABLES = str.maketrans(
    {
        **dict.fromkeys("\u0430\u03b1", "a"),  # Cyrillic a, Greek alpha
        **dict.fromkeys("\u0441", "c"),
        **dict.fromkeys("\u0501", "d"),
        **dict.fromkeys("\u0435\u03b5", "e"),
        **dict.fromkeys("\u0261", "g"),
        **dict.fromkeys("\u04bb", "h"),
        **dict.fromkeys("\u0456\u0457\u03b9\u0269", "i"),
        **dict.fromkeys("\u0458", "j"),
        **dict.fromkeys("\u03ba", "k"),
        **dict.fromkeys("\u0578", "n"),
        **dict.fromkeys("\u043e\u03bf\u0585", "o"),
        **dict.fromkeys("\u0440\u03c1", "p"),
        **dict.fromkeys("\u051b", "q"),
        **dict.fromkeys("\u0455", "s"),
        **dict.fromkeys("\u03c4", "t"),
        **dict.fromkeys("\u03c5\u057d", "u"),
        **dict.fromkeys("\u03bd", "v"),
        **dict.fromkeys("\u051d", "w"),
        **dict.fromkeys("\u0445\u03c7", "x"),
        **dict.fromkeys("\u0443", "y"),
    }
)
_FOREIGN_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")
_LOOKALIKES = frozenset(chr(code) for code in _CONFUSABLES)

# Digits and symbols standing in for letters. "1" is "i" or "l", so both readings are kept.
_LEET_I = str.maketrans("013457@$!|\u00a5\u20ac8", "oieastasilyeb")
_LEET_L = str.maketrans("013457@$!|\u00a5\u20ac8", "oleastasilyeb")
_NOT_HEX = frozenset("ghijklmnopqrstuvwxyz")
_LEET_REACH = 200  # characters either side of a leet word that are read with leet undone
_LEET_SHAPE = bytes(
    ord("a") if chr(code).isalpha() else ord("0") if chr(code) in "013457$!|" else 32
    for code in range(256)
)

_NOT_LETTERS = bytes(code for code in range(256) if not 97 <= code <= 122)
# A letter split by an invisible character: a benign text has soft hyphens, not these.
_SPLIT_WORD = re.compile("[A-Za-z][\u200b-\u200d\u2060-\u2064\ufeff]+[A-Za-z]")
_BASE64_MIN = 16
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){4,}")
_COMMENTS = re.compile(
    r"<!--(.*?)-->|\[(?://|comment)\]:\s*<?>?\s*#?\s*\((.*?)\)|"
    r"<(?:div|span|p)\b[^>]*(?:display\s*:\s*none|hidden|font-size\s*:\s*[01]px|color\s*:\s*white)"
    r"[^>]*>(.*?)</",
    re.DOTALL,
)
# Typographic punctuation to ASCII, so that most English text stays ASCII (and fast to search).
_QUOTES = str.maketrans(
    "\u2018\u2019\u201c\u201d\u00ab\u00bb\u2013\u2014\u2026\u00a0\u2022\u00b7",
    '\'\'""""--. **',
)


@dataclass(frozen=True, slots=True)
class View:
    """One reading of the text; `hidden` when a reader would not see it as written."""

    name: str
    text: str
    hidden: bool


def _unconfuse(word: re.Match[str]) -> str:
    # Words mixing scripts, or made only of lookalikes, are disguised Latin; others are left alone.
    text = word[0]
    if any("a" <= c <= "z" for c in text) or all(c in _LOOKALIKES for c in text):
        return text.translate(_CONFUSABLES)
    return text


def fold(text: str) -> tuple[str, str]:
    """The text as patterns see it (NFKC, invisible characters gone, lookalikes mapped, lower case),
    and whatever Unicode tag characters spelled."""
    if text.isascii():
        return text.lower().translate(_QUOTES), ""
    tagged = "".join(chr(ord(c) - 0xE0000) for run in _TAGS.findall(text) for c in run)
    text = _TAGS.sub("", text)
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()
    text = _FOREIGN_WORD.sub(_unconfuse, text)
    return text.translate(_QUOTES), tagged.lower()


def _printable(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() or c.isspace() for c in decoded)
    return decoded if len(decoded) >= 8 and letters >= 0.8 * len(decoded) else None


def decode_base64(text: str, *, depth: int = 2) -> list[str]:
    """Readable text hidden in base64 runs (nested encodings too, up to `depth`)."""
    found: list[str] = []
    # Splitting first is much faster than running the pattern over ordinary prose.
    candidates = [token for token in text.split() if len(token) >= _BASE64_MIN]
    for match in (m for token in candidates for m in _BASE64.finditer(token)):
        chunk = match[0].replace("-", "+").replace("_", "/")
        try:
            data = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        except binascii.Error:
            continue
        if (decoded := _printable(data)) is not None:
            found.append(decoded)
            if depth > 1:
                found.extend(decode_base64(decoded, depth=depth - 1))
    return found


def views(text: str) -> list[View]:
    """Every reading of `text` worth matching: as written, then each obfuscation undone."""
    folded, tagged = fold(text)
    hidden: list[View] = []
    if tagged:
        hidden.append(View("tags", tagged.strip(), hidden=True))
    if "<" in folded or "[" in folded:
        # Comments and invisible markup are not what a reader sees: they count as hidden.
        for match in _COMMENTS.finditer(folded):
            content = next(group for group in match.groups() if group is not None)
            hidden.append(View("comment", content, hidden=True))
        folded = _COMMENTS.sub(" ", folded)
    for region in _leet_regions(folded):
        hidden.append(View("leet", region.translate(_LEET_I), hidden=True))
        hidden.append(View("leet", region.translate(_LEET_L), hidden=True))
    hidden.extend(View("base64", fold(decoded)[0], hidden=True) for decoded in decode_base64(text))
    if "%" in text:
        hidden.extend(View("url", unquote(e).lower(), hidden=True) for e in _PERCENT.findall(text))
    if "rot13" in folded or "rot-13" in folded or "caesar" in folded:
        hidden.append(View("rot13", codecs.decode(folded, "rot13"), hidden=True))
    if "backwards" in folded or "reverse" in folded:
        hidden.append(View("reversed", folded[::-1], hidden=True))
    return [View("text", folded, hidden=False), *hidden]


def _leet_regions(text: str) -> list[str]:
    """The parts of `text` around words written in leet, where undoing it may reveal something."""
    # Letters and digits as `a` and `0`: "n0r" and "r3v" read `a0a`. Base64 and hashes mix them
    # too, so only word-sized tokens count, and it takes two.
    shape = text.encode("ascii", "replace").translate(_LEET_SHAPE)
    spots = []
    at = shape.find(b"a0a")
    while at != -1:
        # The word around it, between whitespace (shape turns `/` and `+` of base64 into spaces).
        start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
        ends = [i for i in (text.find(" ", at), text.find("\n", at)) if i != -1]
        token = text[start : min(ends, default=len(text))]
        # Hex ids and hashes use a-f only; words in leet keep letters from the rest of the alphabet.
        if len(token) <= 15 and sum(c in _NOT_HEX for c in token) >= 2:
            spots.append(at)
        at = shape.find(b"a0a", at + 2)
    if len(spots) < 2:
        return []
    regions: list[list[int]] = []
    for spot in spots:
        if regions and spot - _LEET_REACH <= regions[-1][1]:
            regions[-1][1] = spot + _LEET_REACH
        else:
            regions.append([max(0, spot - _LEET_REACH), spot + _LEET_REACH])
    return [text[start:end] for start, end in regions]


def split_words(text: str) -> int:
    """How many words an invisible character splits (zero-width spaces inside words)."""
    return len(_SPLIT_WORD.findall(text)) if not text.isascii() else 0


def squash(text: str) -> str:
    """Letters only, digits read as letters: `i g n o r e`, `i.g.n.0.r.e`, `ig nore` read `ignore`."""
    return text.translate(_LEET_I).encode("ascii", "ignore").translate(None, _NOT_LETTERS).decode()
