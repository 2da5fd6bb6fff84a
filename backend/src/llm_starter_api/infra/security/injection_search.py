"""Where signals match in a text: anchors looked up by the words (or, for other scripts, the
characters) the text contains, found with `str.find`, and each pattern tried only there."""

from collections import Counter
from collections.abc import Iterable, Iterator

from llm_starter_api.infra.security.injection_patterns import Anchor, Signal

# Letters kept, everything else a space: the words of a text, cheaply.
_WORD_BYTES = bytes(code if 97 <= code <= 122 else 32 for code in range(256))

type Span = tuple[int, int]


class Haystack:
    """A view prepared for anchor search: its words, and copies that are fast to search."""

    def __init__(self, text: str, *, by_word: bool = True) -> None:
        self.text = text
        ascii_bytes = text.encode("ascii", "replace")
        # The text with non-ASCII characters as `?`: same length, many times faster to search.
        self.ascii = ascii_bytes.decode()
        self.by_word = by_word
        self.is_ascii = text.isascii()
        self._chars: frozenset[str] | None = None
        self.counts: Counter[str] = Counter()
        if by_word:
            letters = ascii_bytes.translate(_WORD_BYTES).decode()
            self.word_list = letters.split()
            self.counts = Counter(self.word_list)
            # Letters only, padded: ` word ` finds whole words, one character early, which the
            # padding at the front cancels out.
            self.spaced = f" {letters} "
        self._bigrams: set[tuple[str, str]] | None = None
        # Where each needle occurs: many signals share an anchor ("ignore", "system").
        self._positions: dict[tuple[str, str], list[int]] = {}

    @property
    def chars(self) -> frozenset[str]:
        """The characters of the text, built on first use."""
        if self._chars is None:
            self._chars = frozenset(self.text)
        return self._chars

    @property
    def bigrams(self) -> set[tuple[str, str]]:
        """Adjacent word pairs, built on first use."""
        if self._bigrams is None:
            self._bigrams = set(zip(self.word_list, self.word_list[1:], strict=False))
        return self._bigrams

    def spans(self, signal: Signal) -> Iterator[Span]:
        """Every match of the signal, one per anchor occurrence."""
        for anchor in signal.anchors:
            yield from self.anchored(signal, anchor)

    def anchored(self, signal: Signal, anchor: Anchor) -> Iterator[Span]:
        """Matches of the signal starting where this anchor occurs."""
        if anchor.chars and (self.is_ascii or not anchor.chars <= self.chars):
            return
        if self.by_word:
            # A set test in C rules out most anchors before any search.
            if not self.counts.keys() >= anchor.required:
                return
            if anchor.whole_words:
                if anchor.bigrams and not self.bigrams >= anchor.bigrams:
                    return
                # A one-word anchor occurs exactly as often as its word.
                limit = self.counts[anchor.words[0]] if len(anchor.words) == 1 else None
                positions = self._find("spaced", anchor.needle, limit)
            else:
                positions = self._find(self._haystack(anchor), anchor.text)
        else:
            positions = self._find(self._haystack(anchor), anchor.text)
        for at in positions:
            if (found := signal.pattern.match(self.text, at)) is not None:
                yield found.span()

    def _haystack(self, anchor: Anchor) -> str:
        return "ascii" if anchor.text.isascii() else "text"

    def _find(self, copy: str, needle: str, limit: int | None = None) -> list[int]:
        key = (copy, needle)
        if (known := self._positions.get(key)) is None:
            haystack = getattr(self, copy)
            known = self._positions[key] = list(_find_all(haystack, needle, limit=limit))
        return known


def _find_all(haystack: str, needle: str, *, limit: int | None = None) -> Iterator[int]:
    # A one-character search is a memchr: ruling out a needle by its first character is cheap.
    if needle[0] != " " and needle[0] not in haystack:
        return
    at = haystack.find(needle)
    while at != -1:
        yield at
        if limit is not None and (limit := limit - 1) == 0:
            return
        at = haystack.find(needle, at + 1)


type _Entry = tuple[int, int, Anchor]  # signal number, anchor number, anchor


class SignalIndex:
    """Signals whose anchors are filed under a word or character a text must contain for the
    anchor to occur in it: a text visits only the anchors its own words point to."""

    def __init__(self, signals: Iterable[Signal]) -> None:
        self.signals = tuple(signals)
        self._by_word: dict[str, list[_Entry]] = {}
        self._by_char: dict[str, list[_Entry]] = {}
        self._always: list[_Entry] = []
        for number, signal in enumerate(self.signals):
            for position, anchor in enumerate(signal.anchors):
                entry = (number, position, anchor)
                if anchor.chars:
                    self._by_char.setdefault(anchor.text[0], []).append(entry)
                elif anchor.required:
                    # The longest word is the rarest, as a rule.
                    key = max(sorted(anchor.required), key=len)
                    self._by_word.setdefault(key, []).append(entry)
                else:
                    self._always.append(entry)

    def matches(self, haystack: Haystack) -> dict[str, Span]:
        """Where each signal first matches, by signal name (a name counts once)."""
        if not haystack.by_word:
            entries = [
                (n, p, a) for n, s in enumerate(self.signals) for p, a in enumerate(s.anchors)
            ]
        else:
            entries = list(self._always)
            for word in haystack.counts.keys() & self._by_word.keys():
                entries += self._by_word[word]
            if not haystack.is_ascii:
                for char in haystack.chars & self._by_char.keys():
                    entries += self._by_char[char]
            # In signal and anchor order, so that the result never depends on set order.
            entries.sort(key=lambda entry: entry[:2])
        found: dict[str, Span] = {}
        for number, _, anchor in entries:
            signal = self.signals[number]
            if signal.name in found:
                continue
            if (span := next(haystack.anchored(signal, anchor), None)) is not None:
                found[signal.name] = span
        return found
