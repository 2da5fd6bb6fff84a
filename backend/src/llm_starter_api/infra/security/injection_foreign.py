"""Signals of prompt injection in other languages, built from the lexicons in injection_lexicon.toml.

Each language contributes the same kinds of evidence as English, matched within one sentence:
an override (ignore + previous/your + instructions), a request for the system prompt, a persona
without restrictions, text addressed to the model, and the weaker hints that need company.
"""

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from llm_starter_api.infra.security.injection_patterns import Signal, signal
from llm_starter_api.infra.security.normalize import fold

LEXICON_FILE = Path(__file__).with_name("injection_lexicon.toml")
# Within one sentence and one side of a quotation: no sentence-ending punctuation (CJK full stop
# included) or quotation mark between the parts.
_GAP = r"[^.!?;\n\u3002\"\u300c\u300d\u300e\u300f]"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's words for each part of an injection (described in the TOML file)."""

    language: str
    spaced: bool
    object_first: bool
    ignore: str
    prior: str
    rules: str
    reveal: str
    prompt: str
    system_prompt: str
    persona: str
    unbound: str
    ai: str
    topic: str = ""
    note: str = ""
    to_ai: str = ""
    process: str = ""
    stop: str = ""
    told: str = ""
    only: str = ""
    say_that: str = ""
    from_now: str = ""


def load_lexicons(path: Path = LEXICON_FILE) -> tuple[Lexicon, ...]:
    """The lexicons, one per language; an unknown key is an error, not a silent gap."""
    with path.open("rb") as data:
        tables = tomllib.load(data)["lexicon"]
    known = {field.name for field in fields(Lexicon)}
    for table in tables:
        if unknown := table.keys() - known:
            raise ValueError(
                f"{path.name}: {table.get('language')}: unknown keys {sorted(unknown)}"
            )
    return tuple(Lexicon(**table) for table in tables)


def _phrases(words: str) -> list[str]:
    return list(dict.fromkeys(fold(word)[0].strip() for word in words.split("|") if word.strip()))


def _regex(phrase: str) -> str:
    # Words may be separated by any spacing and a comma ("napisz, że" or "napisz że").
    words = phrase.rstrip("*").replace(",", " ").split()
    return r",?\s+".join(map(re.escape, words)) + (r"\w*" if phrase.endswith("*") else "")


class _Words:
    """One language's lists as regex alternations and as anchors."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, part: str) -> str:
        phrases = _phrases(getattr(self.lexicon, part))
        inner = "|".join(sorted({_regex(p) for p in phrases}, key=len, reverse=True))
        return rf"\b(?:{inner})\b" if self.lexicon.spaced else f"(?:{inner})"

    def anchors(self, part: str) -> tuple[str, ...]:
        phrases = _phrases(getattr(self.lexicon, part))
        if self.lexicon.spaced and (stems := [p for p in phrases if p.endswith("*")]):
            raise ValueError(f"{self.lexicon.language}.{part}: stems cannot start a match: {stems}")
        return tuple(p.rstrip("*") for p in phrases)


def _gap(chars: int) -> str:
    return f"{_GAP}{{0,{chars}}}?"


def _topic(w: _Words, *, after: bool) -> str:
    # "The previous instructions regarding the party" are people's plans: half weight, as in English.
    if not w.lexicon.topic:
        return ""
    return rf"(?{'=' if after else '!'}\s+{w('topic')})"


def _owned(w: _Words) -> str:
    # The model's instructions: "previous" or "your" before them, or right after them ("las
    # instrucciones anteriores"), not two words on ("las instrucciones del folleto anterior").
    after = r"(?:\s+\S+)?\s+" if w.lexicon.spaced else _gap(4)
    return f"(?:{w('prior')}{_gap(25)}{w('rules')}|{w('rules')}{after}{w('prior')})"


def language_signals(lexicon: Lexicon) -> list[Signal]:
    """The signals of one language."""
    w = _Words(lexicon)
    found = [
        signal("foreign_override", 1.0, w.anchors("ignore"),
               f"{w('ignore')}{_gap(30)}{_owned(w)}{_topic(w, after=False)}"),
        signal("foreign_reveal", 1.0, w.anchors("reveal"), f"{w('reveal')}{_gap(30)}{w('prompt')}"),
        signal("foreign_prompt", 0.6, w.anchors("system_prompt"), w("system_prompt")),
        signal("foreign_persona", 1.0, w.anchors("persona"),
               f"{w('persona')}{_gap(50)}{w('unbound')}"),
        signal("foreign_unbound_ai", 0.6, w.anchors("unbound"), f"{w('unbound')}{_gap(20)}{w('ai')}"),
    ]  # fmt: skip
    if lexicon.topic:
        found.append(
            signal("override_topic", 0.5, w.anchors("ignore"),
                   f"{w('ignore')}{_gap(30)}{_owned(w)}{_topic(w, after=True)}"),
        )  # fmt: skip
    if lexicon.object_first:
        found += [
            signal("foreign_override", 1.0, w.anchors("prior"),
                   f"{w('prior')}{_gap(25)}{w('rules')}{_gap(30)}{w('ignore')}"),
            signal("foreign_reveal", 1.0, w.anchors("prompt"), f"{w('prompt')}{_gap(20)}{w('reveal')}"),
        ]  # fmt: skip
        if not lexicon.spaced:
            found.append(
                signal("foreign_override", 1.0, w.anchors("rules"),
                       f"{w('rules')}(?={_gap(25)}{w('prior')}){_gap(25)}{w('ignore')}"),
            )  # fmt: skip
    if lexicon.told:
        found.append(
            signal(
                "foreign_override", 1.0, w.anchors("ignore"), f"{w('ignore')}{_gap(15)}{w('told')}"
            )
        )
    if lexicon.note:
        found.append(
            signal(
                "foreign_addresses_ai", 0.6, w.anchors("note"), f"{w('note')}{_gap(25)}{w('ai')}"
            )
        )
    if lexicon.process and not lexicon.spaced:
        found.append(
            signal("foreign_addresses_ai", 0.6, w.anchors("process"),
                   f"{w('process')}{_gap(12)}{w('ai')}"),
        )  # fmt: skip
    alone = (
        ("to_ai", "foreign_addresses_ai", 0.6),
        ("stop", "foreign_stop_task", 0.6),
        ("only", "foreign_respond_only", 0.5),
        ("say_that", "foreign_dictate", 0.4),
        ("from_now", "foreign_from_now", 0.4),
    )
    found += [
        signal(name, weight, w.anchors(part), w(part))
        for part, name, weight in alone
        if getattr(lexicon, part)
    ]
    return found


FOREIGN_SIGNALS: tuple[Signal, ...] = tuple(
    found for lexicon in load_lexicons() for found in language_signals(lexicon)
)
