"""Prompt-injection detection: scores a text, never changes it; the mode decides what follows."""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

import structlog

from llm_starter_api.errors import AppError
from llm_starter_api.infra.monitoring.context import current_notes
from llm_starter_api.infra.monitoring.metrics import INJECTIONS
from llm_starter_api.infra.security.injection_context import Context
from llm_starter_api.infra.security.injection_foreign import FOREIGN_SIGNALS
from llm_starter_api.infra.security.injection_indirect import INDIRECT_SIGNALS
from llm_starter_api.infra.security.injection_patterns import DIRECT_SIGNALS, SQUASHED, Signal
from llm_starter_api.infra.security.injection_persona import PERSONA_SIGNALS
from llm_starter_api.infra.security.injection_search import Haystack, SignalIndex, Span
from llm_starter_api.infra.security.normalize import split_words, squash, views

type InjectionMode = Literal["block", "flag", "log", "off"]

logger = structlog.get_logger(__name__)

THRESHOLD = 1.0
# Instructions someone took the trouble to hide or encode are worth more than plain ones.
OBFUSCATION_BONUS = 0.5
# A phrase that is quoted, shown as code or reported is described, not addressed to the model: the
# described signals count this much of their weight. In writing about attacks they are examples,
# and several are no more an attack than one: only the strongest counts, a quarter of it.
DESCRIBED = 0.6
DESCRIBED_ABOUT_ATTACKS = 0.25
# Verdicts of this many recent texts are remembered, so a repeated text (every cache hit) is not
# scanned again: a scan costs more than the rest of a cache hit. Keyed by digest, never by text.
VERDICT_MEMORY = 4096

# A squashed phrase adds nothing when the plain text already matched the same kind of signal.
SIGNALS = DIRECT_SIGNALS + PERSONA_SIGNALS + INDIRECT_SIGNALS + FOREIGN_SIGNALS
_SQUASHED_FAMILY = {
    "squashed_override": {"override_instructions", "override_topic", "override_everything"},
    "squashed_reveal": {"reveal_prompt", "reveal_your_rules"},
    "squashed_persona": {"role_hijack", "special_mode"},
}
_WEIGHTS = {signal.name: signal.weight for signal in (*SIGNALS, *SQUASHED)} | {"split_words": 0.5}
_BY_NAME: dict[str, list[Signal]] = {}
for _signal in SIGNALS:
    _BY_NAME.setdefault(_signal.name, []).append(_signal)
_INDEX = SignalIndex(SIGNALS)
_SQUASHED_INDEX = SignalIndex(SQUASHED)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A text's score and the signals behind it."""

    score: float
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        """Whether the score reaches the threshold."""
        return self.score >= THRESHOLD


def _described(haystack: Haystack, found: dict[str, Span]) -> tuple[set[str], bool]:
    """The signals found only where they are described (quoted, code, reported), and whether the
    text is about attacks. Stops once what is addressed to the model flags the text anyway."""
    context = Context(haystack.text)
    described: set[str] = set()
    addressed = 0.0
    for name, first in sorted(found.items(), key=lambda item: (-_WEIGHTS[item[0]], item[0])):
        spans = (span for signal in _BY_NAME[name] for span in haystack.spans(signal))
        if context.region(first) is not None and all(context.region(s) is not None for s in spans):
            described.add(name)
        elif (addressed := addressed + _WEIGHTS[name]) >= THRESHOLD:
            break
    return described, bool(described) and context.about_attacks


def scan(text: str) -> Verdict:
    """Score one text; deterministic, and the text is only read."""
    readings = views(text)
    plain = Haystack(readings[0].text)
    visible = _INDEX.matches(plain)
    hidden: set[str] = {"split_words"} if split_words(text) >= 2 else set()
    for view in readings:
        if view.hidden:
            hidden.update(_INDEX.matches(Haystack(view.text)))
        if view.name in ("text", "comment", "tags"):
            for name in _SQUASHED_INDEX.matches(Haystack(squash(view.text), by_word=False)):
                if visible.keys().isdisjoint(_SQUASHED_FAMILY[name]):
                    hidden.add(name)
    only_hidden = hidden - visible.keys()
    score = sum(_WEIGHTS[name] for name in visible.keys() | hidden)
    described: set[str] = set()
    # Hiding is itself a sign: nothing is discounted in a text that hides instructions. A text
    # below the threshold needs no second look.
    if not only_hidden and score >= THRESHOLD:
        shown = {name: span for name, span in visible.items() if name not in hidden}
        described, about_attacks = _described(plain, shown)
        if described:
            weights = [_WEIGHTS[name] for name in described]
            score -= sum(weights)
            if about_attacks:
                score += DESCRIBED_ABOUT_ATTACKS * max(weights)
            else:
                score += DESCRIBED * sum(weights)
    if only_hidden:
        score += OBFUSCATION_BONUS
    reasons = sorted(
        (visible.keys() - described)
        | {f"described:{name}" for name in described}
        | {f"hidden:{name}" for name in only_hidden}
    )
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
