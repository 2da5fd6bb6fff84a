"""The detector's error rates on the labelled corpus: at most 2% false positives, 85% detection.

Run with `-s` to see the numbers (per file and per technique):
    uv run pytest backend/tests/infra/security/test_injection_corpus.py -s
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from llm_starter_api.infra.security.injection import scan

CORPUS = Path(__file__).parent / "corpus"


def _load(*names: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in names:
        with (CORPUS / name).open(encoding="utf-8") as lines:
            rows.extend(json.loads(line) for line in lines if line.strip())
    return rows


def _flagged(row: dict[str, Any]) -> bool:
    return any(scan(text).flagged for text in (row["text"], row.get("question")) if text)


def test_corpus_is_large_enough_and_ids_are_unique() -> None:
    benign = _load("benign.jsonl", "holdout_benign.jsonl")
    attacks = _load("attacks.jsonl", "holdout_attacks.jsonl")
    assert len(benign) >= 150
    assert len(attacks) >= 150
    ids = [row["id"] for row in benign + attacks]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("label", "benign_file", "attack_file"),
    [
        ("development", "benign.jsonl", "attacks.jsonl"),
        ("holdout", "holdout_benign.jsonl", "holdout_attacks.jsonl"),
    ],
)
def test_error_rates_stay_within_bounds(label: str, benign_file: str, attack_file: str) -> None:
    benign, attacks = _load(benign_file), _load(attack_file)
    false_positives = [row["id"] for row in benign if _flagged(row)]
    missed = [row for row in attacks if not _flagged(row)]
    fp_rate = len(false_positives) / len(benign)
    detection = 1 - len(missed) / len(attacks)
    by_technique = Counter(row["technique"] for row in attacks)
    missed_by_technique = Counter(row["technique"] for row in missed)
    print(
        f"\n{label}: false positives {len(false_positives)}/{len(benign)} = {fp_rate:.1%}, "
        f"detected {len(attacks) - len(missed)}/{len(attacks)} = {detection:.1%}"
    )
    for technique, total in sorted(by_technique.items()):
        caught = total - missed_by_technique[technique]
        print(f"  {technique:14s} {caught:3d}/{total:<3d}")
    assert fp_rate <= 0.02, f"false positives: {false_positives}"
    assert detection >= 0.85, f"missed: {[row['id'] for row in missed]}"
