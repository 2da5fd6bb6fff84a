"""The detector's error rates on the labelled corpus, per set; tuned sets: ≤ 2% false positives, ≥ 85%
detection; the untuned round holds the numbers published in docs/security.md.

Run with `-s` to see the numbers (per set, per technique, and on security writing):
    uv run pytest backend/tests/infra/security/test_injection_corpus.py -s
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_starter_api.infra.security.injection import scan

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True, slots=True)
class Bounds:
    """The most false positives and the fewest detections a set may show, as counts."""

    false_positives: int
    security_false_positives: int
    detected: int


def _load(name: str) -> list[dict[str, Any]]:
    with (CORPUS / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _flagged(row: dict[str, Any]) -> bool:
    return any(scan(text).flagged for text in (row["text"], row.get("question")) if text)


def _rate_bounds(benign: int, attacks: int) -> Bounds:
    return Bounds(int(benign * 0.02), int(benign * 0.02), -(-attacks * 85 // 100))


# Holdout rows carry the round they were written in; rounds 1 and 2 predate the field.
# Round 3 was measured before tuning and once after; nothing was tuned on it, so it is held to the
# published numbers rather than to the targets.
SETS: dict[str, tuple[str, int | None, Bounds | None]] = {
    "development": ("", None, None),
    "holdout rounds 1-2": ("holdout_", None, None),
    "holdout round 3 (untuned)": ("holdout_", 3, Bounds(3, 2, 60)),
}


def test_corpus_is_large_enough_and_ids_are_unique() -> None:
    benign = _load("benign.jsonl") + _load("holdout_benign.jsonl")
    attacks = _load("attacks.jsonl") + _load("holdout_attacks.jsonl")
    assert len(benign) >= 150
    assert len(attacks) >= 150
    ids = [row["id"] for row in benign + attacks]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("label", list(SETS))
def test_error_rates_stay_within_bounds(label: str) -> None:
    prefix, round_, bounds = SETS[label]
    benign, attacks = (
        [row for row in _load(f"{prefix}{name}.jsonl") if row.get("round") == round_]
        for name in ("benign", "attacks")
    )
    bounds = bounds or _rate_bounds(len(benign), len(attacks))
    false_positives = [row["id"] for row in benign if _flagged(row)]
    security = [row for row in benign if row["category"] == "security"]
    security_fp = [row["id"] for row in security if row["id"] in false_positives]
    missed = [row for row in attacks if not _flagged(row)]
    detected = len(attacks) - len(missed)
    print(
        f"\n{label}: false positives {len(false_positives)}/{len(benign)} = "
        f"{len(false_positives) / len(benign):.1%} (security writing {len(security_fp)}/"
        f"{len(security)}), detected {detected}/{len(attacks)} = {detected / len(attacks):.1%}"
    )
    by_technique = Counter(row["technique"] for row in attacks)
    missed_by_technique = Counter(row["technique"] for row in missed)
    for technique, total in sorted(by_technique.items()):
        caught = total - missed_by_technique[technique]
        print(f"  {technique:14s} {caught:3d}/{total:<3d}")
    assert len(false_positives) <= bounds.false_positives, f"false positives: {false_positives}"
    assert len(security_fp) <= bounds.security_false_positives, f"security: {security_fp}"
    assert detected >= bounds.detected, f"missed: {[row['id'] for row in missed]}"
