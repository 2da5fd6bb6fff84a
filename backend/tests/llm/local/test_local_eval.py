"""The engine's evaluation set (benchmarks/eval/) holds its targets; `make eval` prints the scores."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUNNER = Path(__file__).parents[4] / "benchmarks" / "eval" / "score_engine.py"


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_engine", RUNNER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_set_is_large_and_varied_and_its_answers_are_sentences(runner: ModuleType) -> None:
    cases = runner.load_cases()
    assert len(cases) >= 40
    assert {case.domain for case in cases} == {"news", "review", "science", "email"}
    assert len({case.id for case in cases}) == len(cases)
    assert runner.invalid_answers(cases) == []


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_each_split_meets_the_targets(runner: ModuleType, split: str) -> None:
    scores = runner.score(runner.load_cases([split]))
    assert scores.qa.share >= runner.QA_TARGET, scores.qa.failures
    assert scores.sentiment.share >= runner.SENTIMENT_TARGET, scores.sentiment.failures
    assert scores.summary.failures == []


@pytest.mark.parametrize(
    ("summary", "problem"),
    [
        ("It links two cities.", "unresolved opener"),
        ("The bridge opened in 1937. It links two cities.", "half"),
        ("The bridge opened in 1937.", None),
    ],
)
def test_the_summary_check_catches_broken_constraints(
    runner: ModuleType, summary: str, problem: str | None
) -> None:
    text = "The bridge opened in 1937. It links two cities. It is orange. Tourists love it."
    problems = runner.summary_problems(text, summary, max_length=20)
    assert any(problem in found for found in problems) if problem else problems == []
