"""Prompt-injection detection: scores a text, never changes it; the mode decides what follows."""

import hashlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import structlog

from llm_starter_api.errors import AppError
from llm_starter_api.infra.monitoring.context import current_notes
from llm_starter_api.infra.monitoring.metrics import INJECTIONS
from llm_starter_api.infra.security.injection_indirect import INDIRECT_SIGNALS
from llm_starter_api.infra.security.injection_patterns import (
    DIRECT_SIGNALS,
    META_WORDS,
    QUOTED,
    SQUASHED,
    Anchor,
    Signal,
)
from llm_starter_api.infra.security.normalize import split_words, squash, views

type InjectionMode = Literal["block", "flag", "log", "off"]

logger = structlog.get_logger(__name__)

THRESHOLD = 1.0
# Instructions someone took the trouble to hide or encode are worth more than plain ones.
OBFUSCATION_BONUS = 0.5
# A quoted attack phrase in text that talks about attacks is most likely an example.
QUOTED_EXAMPLE_FACTOR = 0.4
# Verdicts of this many recent texts are remembered, so a repeated text (every cache hit) is not
# scanned again: a scan costs more than the rest of a cache hit. Keyed by digest, never by text.
VERDICT_MEMORY = 4096

# A squashed phrase adds nothing when the plain text already matched the same kind of signal.
SIGNALS = DIRECT_SIGNALS + INDIRECT_SIGNALS
_SQUASHED_FAMILY = {
    "squashed_override": {"override_instructions", "override_everything"},
    "squashed_reveal": {"reveal_prompt", "reveal_your_rules"},
    "squashed_persona": {"role_hijack", "special_mode"},
}
# Letters kept, everything else a space: the words of a text, cheaply.
_WORD_BYTES = bytes(code if 97 <= code <= 122 else 32 for code in range(256))
_WEIGHTS = {signal.name: signal.weight for signal in (*SIGNALS, *SQUASHED)} | {"split_words": 0.5}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A text's score and the signals behind it."""

    score: float
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        """Whether the score reaches the threshold."""
        return self.score >= THRESHOLD


class _Haystack:
    """A view prepared for anchor search: its words, and copies that are fast to search."""

    def __init__(self, text: str, *, by_word: bool = True) -> None:
        self.text = text
        ascii_bytes = text.encode("ascii", "replace")
        # The text with non-ASCII characters as `?`: same length, many times faster to search.
        self.ascii = ascii_bytes.decode()
        self.by_word = by_word
        if by_word:
            letters = ascii_bytes.translate(_WORD_BYTES).decode()
            self.word_list = letters.split()
            self.counts = Counter(self.word_list)
            # Letters only, padded: ` word ` finds whole words, one character early, which the
            # padding at the front cancels out.
            self.spaced = f" {letters} "
        self._bigrams: set[tuple[str, str]] | None = None

    @property
    def bigrams(self) -> set[tuple[str, str]]:
        """Adjacent word pairs, built on first use."""
        if self._bigrams is None:
            self._bigrams = set(zip(self.word_list, self.word_list[1:], strict=False))
        return self._bigrams

    def match(self, signal: Signal) -> tuple[int, int] | None:
        """Where the signal first matches, trying its pattern only where an anchor occurs."""
        for anchor in signal.anchors:
            if self.by_word:
                # A set test in C rules out most anchors before any search.
                if not self.counts.keys() >= anchor.required:
                    continue
                if anchor.whole_words:
                    if anchor.bigrams and not self.bigrams >= anchor.bigrams:
                        continue
                    # A one-word anchor occurs exactly as often as its word.
                    limit = self.counts[anchor.words[0]] if len(anchor.words) == 1 else None
                    positions = _find_all(self.spaced, anchor.needle, limit=limit)
                else:
                    positions = _find_all(self._haystack(anchor), anchor.text)
            else:
                positions = _find_all(self._haystack(anchor), anchor.text)
            for at in positions:
                if (found := signal.pattern.match(self.text, at)) is not None:
                    return found.span()
        return None

    def _haystack(self, anchor: Anchor) -> str:
        return self.ascii if anchor.text.isascii() else self.text


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


def _matches(
    signals: tuple[Signal, ...], text: str, *, by_word: bool = True
) -> dict[str, tuple[int, int]]:
    haystack = _Haystack(text, by_word=by_word)
    found: dict[str, tuple[int, int]] = {}
    for signal in signals:
        if signal.name not in found and (span := haystack.match(signal)) is not None:
            found[signal.name] = span
    return found


def _quoted_example(plain: str, spans: Iterable[tuple[int, int]]) -> bool:
    if META_WORDS.isdisjoint(
        plain.encode("ascii", "replace").translate(_WORD_BYTES).decode().split()
    ):
        return False
    quoted = [match.span() for match in QUOTED.finditer(plain)]
    return all(any(a <= start and end <= b for a, b in quoted) for start, end in spans)


def scan(text: str) -> Verdict:
    """Score one text; deterministic, and the text is only read."""
    readings = views(text)
    plain = readings[0].text
    visible = _matches(SIGNALS, plain)
    hidden: set[str] = {"split_words"} if split_words(text) >= 2 else set()
    for view in readings:
        if view.hidden:
            hidden.update(_matches(SIGNALS, view.text))
        if view.name in ("text", "comment", "tags"):
            for name in _matches(SQUASHED, squash(view.text), by_word=False):
                if visible.keys().isdisjoint(_SQUASHED_FAMILY[name]):
                    hidden.add(name)
    only_hidden = hidden - visible.keys()
    score = sum(_WEIGHTS[name] for name in visible.keys() | hidden)
    if only_hidden:
        score += OBFUSCATION_BONUS
    elif visible and _quoted_example(plain, visible.values()):
        score *= QUOTED_EXAMPLE_FACTOR
    reasons = sorted(visible.keys() | {f"hidden:{name}" for name in only_hidden})
    return Verdict(round(score, 2), tuple(reasons))


class PromptInjection(AppError):
    status_code = 400
    error_code = "prompt_injection"
    default_message = "The input looks like a prompt-injection attempt and was refused"


class InjectionGuard:
    """Applies the mode: block raises, flag and log record, off does nothing."""

    def __init__(self, mode: InjectionMode = "flag") -> None:
        self.mode = mode
        # Event loop only, like every service's state (docs/python-versions.md): no lock.
        self._verdicts: OrderedDict[bytes, Verdict] = OrderedDict()

    def verdict(self, text: str) -> Verdict:
        """`scan(text)`, remembered for the most recent texts."""
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if (known := self._verdicts.get(digest)) is not None:
            self._verdicts.move_to_end(digest)
            return known
        verdict = self._verdicts[digest] = scan(text)
        if len(self._verdicts) > VERDICT_MEMORY:
            self._verdicts.popitem(last=False)
        return verdict

    def check(self, **fields: str | None) -> bool:
        """Scan each named field; True when one is flagged (block mode raises instead).

        A request that checks the same text twice (a stream is checked before it opens and again
        when it starts) scans, logs and counts it once.
        """
        if self.mode == "off":
            return False
        notes = current_notes()
        flagged = False
        for field, text in fields.items():
            if not text:
                continue
            seen = notes.injection_verdicts.get(hash(text)) if notes is not None else None
            verdict = seen if isinstance(seen, Verdict) else self.verdict(text)
            if notes is not None:
                notes.injection_verdicts[hash(text)] = verdict
            if not verdict.flagged:
                continue
            flagged = True
            if seen is None:
                self._record(field, verdict)
            if self.mode == "block":
                raise PromptInjection(
                    f"{field}: looks like a prompt-injection attempt ({', '.join(verdict.reasons)})",
                    details={"field": field, "reasons": list(verdict.reasons)},
                )
        if flagged and notes is not None:
            notes.injection_flagged = True
        return flagged and self.mode == "flag"

    def _record(self, field: str, verdict: Verdict) -> None:
        INJECTIONS.labels(self.mode).inc()
        # The reasons name patterns, never the text: logs must not carry user input.
        logger.warning(
            "prompt injection suspected",
            field=field,
            score=verdict.score,
            reasons=verdict.reasons,
            mode=self.mode,
        )
