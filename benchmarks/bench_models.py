"""Cost of validating and serialising the v1 models, next to a stdlib JSON baseline."""

import json
import random
from datetime import UTC, datetime

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_models import (
    BatchTextProcessingRequest,
    TextProcessingRequest,
    TextProcessingResponse,
)

_VOCABULARY = (
    "model language service request response cache latency provider summary system user "
    "data text result quality cost token prompt answer question point batch time network "
    "the a of and to in is that for with on as it by be this are from"
)
_WORDS = _VOCABULARY.split()
_rng = random.Random(20250102)  # fixed seed: every run measures the same payloads
TEXT = ". ".join(
    " ".join(_rng.choice(_WORDS) for _ in range(20)).capitalize() for _ in range(50)
)  # 1,000 words
OPERATIONS = ["summarize", "sentiment", "key_points", "questions", "qa"]

REQUEST = {
    "text": TEXT,
    "operation": "summarize",
    "question": None,
    "options": {"max_length": 150},
    "user_metadata": {"source": "benchmark", "session": "s-1"},
}
REQUEST_JSON = json.dumps(REQUEST).encode()
BATCH_JSON = json.dumps(
    {
        "requests": [
            REQUEST
            | {
                "operation": OPERATIONS[i % 5],
                "question": "What does the text say about latency?" if i % 5 == 4 else None,
                "options": {},
            }
            for i in range(20)
        ],
        "batch_id": "bench-batch-1",
    }
).encode()
RESPONSE = TextProcessingResponse(
    operation="key_points",
    key_points=[" ".join(_rng.choice(_WORDS) for _ in range(15)) + "." for _ in range(10)],
    metadata={"word_count": len(TEXT.split()), "model": "gemini-2.0-flash", "attempts": 1},
    processing_time=1.234,
    timestamp=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    cache_hit=False,
)


@pytest.mark.benchmark(group="models")
def test_baseline_stdlib_json_loads_and_dumps_request(benchmark: BenchmarkFixture) -> None:
    assert benchmark(lambda: json.dumps(json.loads(REQUEST_JSON)))


@pytest.mark.benchmark(group="models")
def test_validate_request_from_json(benchmark: BenchmarkFixture) -> None:
    request = benchmark(TextProcessingRequest.model_validate_json, REQUEST_JSON)
    assert request.text == TEXT


@pytest.mark.benchmark(group="models")
def test_serialise_response_with_key_points(benchmark: BenchmarkFixture) -> None:
    assert "key_points" in benchmark(RESPONSE.model_dump_json)


@pytest.mark.benchmark(group="models")
def test_validate_batch_of_20_from_json(benchmark: BenchmarkFixture) -> None:
    batch = benchmark(BatchTextProcessingRequest.model_validate_json, BATCH_JSON)
    assert len(batch.requests) == 20
