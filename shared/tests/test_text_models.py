"""Validation rules and JSON round trips of the text-processing models."""

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    ProcessingOptions,
    SentimentResult,
    TextProcessingOperation,
    TextProcessingRequest,
    TextProcessingResponse,
)

TEXT = "The quick brown fox jumps over the lazy dog."
AT = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
OPTION_RANGES = {"max_length": (10, 500), "max_points": (1, 20), "num_questions": (1, 20)}
NOT_QA = [op for op in TextProcessingOperation if op is not TextProcessingOperation.QA]


def request(**fields: Any) -> TextProcessingRequest:
    """Validate a request from its JSON body, as the API receives it."""
    body = {"text": TEXT, "operation": "summarize"} | fields
    return TextProcessingRequest.model_validate_json(json.dumps(body))


def error_locs(error: ValidationError) -> list[tuple[int | str, ...]]:
    return [e["loc"] for e in error.errors()]


# text


@pytest.mark.parametrize(
    "text", ["", "short", "123456789", "  123456789  ", "\n\t1234 5678\r\n", "x" * 9 + " " * 20]
)
def test_text_shorter_than_ten_characters_after_stripping_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters") as caught:
        request(text=text)
    assert error_locs(caught.value) == [("text",)]


@pytest.mark.parametrize("text", [" " * 50, "\n\t\r " * 10, "\u00a0" * 20, "\u3000\u2003" * 10])
def test_whitespace_only_text_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        request(text=text)


@pytest.mark.parametrize("text", ["0123456789", "  0123456789\n", "\t\u00a0abcdefghij \r\n"])
def test_text_with_exactly_ten_non_space_characters_is_accepted(text: str) -> None:
    assert request(text=text).text == text


@pytest.mark.parametrize(
    "text",
    ["   leading and trailing spaces   ", "\n\ttabs and newlines\r\n", "inner   spacing\n\nkept"],
)
def test_text_is_kept_exactly_as_sent(text: str) -> None:
    parsed = request(text=text)
    assert parsed.text == text
    assert json.loads(parsed.model_dump_json())["text"] == text


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"text": "ten chars and \ud800 more"}, ("text",)),
        ({"operation": "qa", "question": "why \udfff?"}, ("question",)),
        ({"user_metadata": {"tags": ["ok", "\ud83d"]}}, ("user_metadata",)),
    ],
)
def test_unpaired_surrogates_are_rejected_naming_the_field(
    fields: dict[str, Any], loc: tuple[str, ...]
) -> None:
    # The standard json module (FastAPI's body parser) reads `"\\ud800"` into such a string.
    with pytest.raises(ValidationError, match="surrogate") as caught:
        TextProcessingRequest.model_validate({"text": TEXT, "operation": "summarize"} | fields)
    assert error_locs(caught.value) == [loc]


def test_a_surrogate_pair_is_the_character_it_spells() -> None:
    parsed = request(text=json.loads('"smile \\ud83d\\ude00 and more words"'))
    assert parsed.text == "smile \N{GRINNING FACE} and more words"


_padding = st.text(alphabet=" \t\r\n\u00a0\u2003\u3000")
_core = st.text(min_size=10).filter(lambda s: sum(not c.isspace() for c in s) >= 10)


@given(before=_padding, core=_core, after=_padding)
def test_any_text_with_ten_non_whitespace_characters_is_accepted_verbatim(
    before: str, core: str, after: str
) -> None:
    text = before + core + after
    assert request(text=text).text == text


# operation (each operation's own rules are the backend's: backend/tests/text/test_requests.py)


@pytest.mark.parametrize("operation", ["Summarize", "SUMMARIZE", "", "key-points", "1st"])
def test_an_operation_id_that_cannot_be_one_is_rejected(operation: str) -> None:
    with pytest.raises(ValidationError) as caught:
        request(operation=operation)
    assert error_locs(caught.value) == [("operation",)]


def test_the_built_in_operations_are_the_five_documented_ones() -> None:
    documented = {"summarize", "sentiment", "key_points", "questions", "qa"}
    assert {op.value for op in TextProcessingOperation} == documented


def test_unknown_request_field_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        request(language="en")
    assert error_locs(caught.value) == [("language",)]


@pytest.mark.parametrize("options_field", [{"options": None}, {}], ids=["null", "omitted"])
def test_null_or_omitted_options_are_empty(options_field: dict[str, None]) -> None:
    assert request(**options_field).options == {}


# batch


def test_empty_batch_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingRequest.model_validate({"requests": []})
    assert error_locs(caught.value) == [("requests",)]


def test_invalid_batch_item_is_reported_at_its_index() -> None:
    body = {
        "requests": [{"text": TEXT, "operation": "summarize"}, {"text": "x", "operation": "qa"}]
    }
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingRequest.model_validate(body)
    assert ("requests", 1, "text") in error_locs(caught.value)


@pytest.mark.parametrize(
    "batch_id", [None, "x", "batch-1", "a.b:c_d-E9", "2025-01-02T03:04:05", "b" * 100]
)
def test_batch_id_matching_the_pattern_is_accepted(batch_id: str | None) -> None:
    body = {"requests": [{"text": TEXT, "operation": "summarize"}], "batch_id": batch_id}
    assert BatchTextProcessingRequest.model_validate(body).batch_id == batch_id


@pytest.mark.parametrize(
    "batch_id", ["", "has space", "semi;colon", "slash/", "new\nline", "abc\n", "ünï", "b" * 101]
)
def test_batch_id_outside_the_pattern_is_rejected(batch_id: str) -> None:
    body = {"requests": [{"text": TEXT, "operation": "summarize"}], "batch_id": batch_id}
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingRequest.model_validate(body)
    assert error_locs(caught.value) == [("batch_id",)]


@pytest.mark.parametrize("request_index", [-1, -100])
def test_negative_batch_item_index_is_rejected(request_index: int) -> None:
    with pytest.raises(ValidationError):
        BatchTextProcessingItem(request_index=request_index, status=BatchItemStatus.PENDING)


def test_unknown_batch_item_status_is_rejected() -> None:
    with pytest.raises(ValidationError):
        BatchTextProcessingItem.model_validate({"request_index": 0, "status": "done"})


@pytest.mark.parametrize("field", ["total_requests", "completed", "failed"])
def test_negative_batch_count_is_rejected(field: str) -> None:
    body = {
        "batch_id": "b",
        "total_requests": 0,
        "completed": 0,
        "failed": 0,
        "results": [],
        "total_processing_time": 0.0,
    }
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingResponse.model_validate(body | {field: -1})
    assert error_locs(caught.value) == [(field,)]


# results and responses


@pytest.mark.parametrize("confidence", [0.0, 0.5, 1.0])
def test_confidence_within_zero_and_one_is_accepted(confidence: float) -> None:
    result = SentimentResult(sentiment="neutral", confidence=confidence, explanation="x")
    assert result.confidence == confidence


@pytest.mark.parametrize("confidence", [-0.01, 1.01, math.nan, math.inf, -math.inf])
def test_confidence_outside_zero_and_one_is_rejected(confidence: float) -> None:
    with pytest.raises(ValidationError) as caught:
        SentimentResult(sentiment="neutral", confidence=confidence, explanation="x")
    assert error_locs(caught.value) == [("confidence",)]


@pytest.mark.parametrize("label", ["positive", "negative", "neutral", "mixed"])
def test_sentiment_label_is_one_of_four(label: str) -> None:
    assert SentimentResult(sentiment=label, confidence=0.5, explanation="x").sentiment == label


@pytest.mark.parametrize("label", ["POSITIVE", "happy", "", "unknown"])
def test_unknown_sentiment_label_is_rejected(label: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SentimentResult(sentiment=label, confidence=0.5, explanation="x")
    assert error_locs(caught.value) == [("sentiment",)]


@pytest.mark.parametrize("seconds", [-0.001, math.nan, math.inf])
def test_processing_time_must_be_a_finite_non_negative_duration(seconds: float) -> None:
    with pytest.raises(ValidationError) as caught:
        TextProcessingResponse(operation="summarize", processing_time=seconds)
    assert error_locs(caught.value) == [("processing_time",)]


@pytest.mark.parametrize("seconds", [-0.001, math.nan, math.inf])
def test_total_processing_time_must_be_a_finite_non_negative_duration(seconds: float) -> None:
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingResponse(
            batch_id="b",
            total_requests=0,
            completed=0,
            failed=0,
            results=[],
            total_processing_time=seconds,
        )
    assert error_locs(caught.value) == [("total_processing_time",)]


@pytest.mark.parametrize(
    "naive", [datetime(2025, 1, 2, 3, 4, 5), "2025-01-02T03:04:05"], ids=["datetime", "json"]
)
def test_naive_response_timestamp_is_rejected(naive: datetime | str) -> None:
    with pytest.raises(ValidationError) as caught:
        TextProcessingResponse.model_validate({"operation": "summarize", "timestamp": naive})
    assert error_locs(caught.value) == [("timestamp",)]


def test_naive_batch_response_timestamp_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        BatchTextProcessingResponse(
            batch_id="b",
            total_requests=0,
            completed=0,
            failed=0,
            results=[],
            total_processing_time=0.0,
            timestamp=datetime(2025, 1, 2, 3, 4, 5),
        )
    assert error_locs(caught.value) == [("timestamp",)]


def test_default_response_timestamp_is_current_utc() -> None:
    before = datetime.now(UTC)
    stamp = TextProcessingResponse(operation="summarize").timestamp
    assert stamp.utcoffset() is not None
    assert before <= stamp <= datetime.now(UTC)


# JSON round trips

RESPONSE = TextProcessingResponse(
    operation="key_points",
    key_points=["Foxes are quick.", "Dogs can be lazy."],
    metadata={"word_count": 9, "model": "test", "scores": [0.5, 1.25]},
    processing_time=0.42,
    timestamp=AT,
    cache_hit=False,
)

TEXT_MODELS = [
    ProcessingOptions(max_length=120, max_points=5, num_questions=3),
    request(
        text="  padded text is kept\n",
        operation="qa",
        question="What is kept?",
        options={"max_length": 50},
        user_metadata={"source": "test", "tags": ["a", "b"], "nested": {"n": 1, "x": None}},
    ),
    BatchTextProcessingRequest(
        requests=[request(), request(operation="sentiment")], batch_id="batch-1"
    ),
    SentimentResult(sentiment="mixed", confidence=0.73, explanation="Praise and complaint."),
    RESPONSE,
    TextProcessingResponse(
        operation="sentiment",
        sentiment=SentimentResult(sentiment="positive", confidence=1.0, explanation="Upbeat."),
        timestamp=AT,
    ),
    BatchTextProcessingItem(request_index=0, status=BatchItemStatus.COMPLETED, response=RESPONSE),
    BatchTextProcessingResponse(
        batch_id="batch-1",
        total_requests=2,
        completed=1,
        failed=1,
        results=[
            BatchTextProcessingItem(request_index=0, status="completed", response=RESPONSE),
            BatchTextProcessingItem(request_index=1, status="failed", error="Service unavailable"),
        ],
        total_processing_time=1.5,
        timestamp=AT,
    ),
]


@pytest.mark.parametrize("model", TEXT_MODELS, ids=lambda m: type(m).__name__)
def test_json_round_trip_keeps_the_model_equal(model: BaseModel) -> None:
    assert type(model).model_validate_json(model.model_dump_json()) == model
