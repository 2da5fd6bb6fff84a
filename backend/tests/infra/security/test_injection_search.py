"""The anchor index is only a shortcut: it finds exactly what trying every signal finds."""

import json
from pathlib import Path

from llm_starter_api.infra.security.injection import SIGNALS
from llm_starter_api.infra.security.injection_search import Haystack, SignalIndex, Span
from llm_starter_api.infra.security.normalize import views

CORPUS = Path(__file__).parent / "corpus"


def _every_signal(haystack: Haystack) -> dict[str, Span]:
    found: dict[str, Span] = {}
    for signal in SIGNALS:
        if signal.name not in found and (span := next(haystack.spans(signal), None)):
            found[signal.name] = span
    return found


def test_the_index_finds_what_an_exhaustive_search_finds() -> None:
    texts = [
        json.loads(line)["text"]
        for name in ("attacks.jsonl", "benign.jsonl")
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
    ]
    index = SignalIndex(SIGNALS)
    for text in texts:
        for view in views(text):
            assert index.matches(Haystack(view.text)) == _every_signal(Haystack(view.text)), text
