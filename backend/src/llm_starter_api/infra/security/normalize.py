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


def _accentless() -> dict[int, str | None]:
    # Latin letters with diacritics read as their base letter, so that patterns for Polish,
    # Turkish or Vietnamese (and "ïgnörë") are written once, in ASCII.
    table: dict[int, str | None] = {
        code: base
        for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
        if (base := unicodedata.normalize("NFD", chr(code))[0]) != chr(code) and base.isascii()
    }
    # Letters NFD does not split: l with stroke, d with stroke, dotless i, o with stroke, ae, oe.
    table |= dict(zip(map(ord, "\u0142\u0111\u0131\u00f8"), "ldio", strict=True))
    table |= {0xE6: "ae", 0x153: "oe"}
    # Combining marks left after NFKC stack on letters (Zalgo) or mark stress; Arabic vowel signs
    # and the tatweel stretch words; alef and yeh have spelling variants.
    table |= dict.fromkeys((*range(0x300, 0x370), *range(0x64B, 0x660), 0x670, 0x640), None)
    table |= dict.fromkeys(map(ord, "\u0622\u0623\u0625\u0671"), "\u0627") | {0x649: "\u064a"}
    return table


_ACCENTLESS = _accentless()
_LOOKALIKE = "[" + "".join(sorted(chr(code) for code in _CONFUSABLES)) + "]"
# Words mixing Latin letters and lookalikes, or made only of lookalikes, are disguised Latin; other
# words of other scripts are left alone. Found by pattern, so that Russian prose costs no callback.
_DISGUISED = re.compile(rf"(?<!\w)(?=\w*[a-z])(?=\w*{_LOOKALIKE})\w+|(?<!\w){_LOOKALIKE}+(?!\w)")

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
# Hex digits only, at least 16 of them (8 bytes), like the base64 runs.
_HEX = re.compile(r"[0-9A-Fa-f]{16,}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){4,}")
_COMMENTS = re.compile(
    r"<!--(.*?)-->|\[(?://|comment)\]:\s*<?>?\s*#?\s*\((.*?)\)|"
    r"<(?:div|span|p)\b[^>]*(?:display\s*:\s*none|hidden|font-size\s*:\s*[01]px|color\s*:\s*white)"
    r"[^>]*>(.*?)</",
    re.DOTALL,
)
# Typographic punctuation to ASCII, so that most English text stays ASCII (and fast to search).
_QUOTES = str.maketrans(
    "\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2013\u2014\u2026\u00a0\u2022\u00b7",
    '\'\'\'"""""--. **',
)


# Accents, Arabic marks and typographic punctuation, as one table and a pattern that finds them.
_FOLD_TABLE = {
    chr(code): (
        replacement
        if isinstance(replacement, str)
        else ""
        if replacement is None
        else chr(replacement)
    )
    for code, replacement in (_ACCENTLESS | _QUOTES).items()
}
_FOLDED = re.compile("[" + "".join(map(re.escape, sorted(_FOLD_TABLE))) + "]")


@dataclass(frozen=True, slots=True)
class View:
    """One reading of the text; `hidden` when a reader would not see it as written."""

    name: str
    text: str
    hidden: bool


def _unconfuse(word: re.Match[str]) -> str:
    return word[0].translate(_CONFUSABLES)


def _fold_char(char: re.Match[str]) -> str:
    return _FOLD_TABLE[char[0]]


def fold(text: str) -> tuple[str, str]:
    """The text as patterns see it (NFKC, invisible characters gone, lookalikes mapped, lower case),
    and whatever Unicode tag characters spelled."""
    if text.isascii():
        return text.lower().translate(_QUOTES), ""
    tagged = "".join(chr(ord(c) - 0xE0000) for run in _TAGS.findall(text) for c in run)
    text = _TAGS.sub("", text)
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()
    text = _DISGUISED.sub(_unconfuse, text)
    # `str.translate` with a large table is slow on non-ASCII text (a failed lookup per character):
    # replace only the characters that change.
    return _FOLDED.sub(_fold_char, text), tagged.lower()


def _printable(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() or c.isspace() for c in decoded)
    return decoded if len(decoded) >= 8 and letters >= 0.8 * len(decoded) else None


def _long_tokens(text: str) -> list[str]:
    # Splitting first is much faster than running a pattern over ordinary prose.
    return [token for token in text.split() if len(token) >= _BASE64_MIN]


def decode_base64(text: str, *, depth: int = 2, tokens: list[str] | None = None) -> list[str]:
    """Readable text hidden in base64 runs (nested encodings too, up to `depth`)."""
    found: list[str] = []
    candidates = _long_tokens(text) if tokens is None else tokens
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


def decode_hex(text: str, *, tokens: list[str] | None = None) -> list[str]:
    """Readable text spelt as hex digits (hashes and ids decode to bytes that are not text)."""
    found: list[str] = []
    for token in _long_tokens(text) if tokens is None else tokens:
        token = token.removeprefix("0x").strip(".,;:()[]\"'")
        if len(token) % 2 or not _HEX.fullmatch(token):
            continue
        if (decoded := _printable(bytes.fromhex(token))) is not None:
            found.append(decoded)
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
    tokens = _long_tokens(text)
    for name, decoded in [
        *(("base64", found) for found in decode_base64(text, tokens=tokens)),
        *(("hex", found) for found in decode_hex(text, tokens=tokens)),
    ]:
        hidden.append(View(name, fold(decoded)[0], hidden=True))
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
    if not text.isascii():
        # Dropping other characters first keeps `translate` on ASCII (fast); two leet signs are not.
        text = text.replace("\u00a5", "y").replace("\u20ac", "e").encode("ascii", "ignore").decode()
    return text.translate(_LEET_I).encode().translate(None, _NOT_LETTERS).decode()
