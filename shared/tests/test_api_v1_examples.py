"""The example bodies of the public v1 wire format (handbook api-v1.md) parse into our models."""

import json

import pytest
from pydantic import BaseModel

from llm_starter_models import (
    AuthStatusResponse,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    ErrorResponse,
    HealthResponse,
    OperationsResponse,
    TextProcessingRequest,
    TextProcessingResponse,
)

OPERATIONS_EXAMPLE = """{"operations": [
  {"id": "summarize",  "name": "Summarize",          "description": "...", "options": ["max_length"]},
  {"id": "sentiment",  "name": "Sentiment Analysis", "description": "...", "options": []},
  {"id": "key_points", "name": "Key Points",         "description": "...", "options": ["max_points"]},
  {"id": "questions",  "name": "Generate Questions", "description": "...", "options": ["num_questions"]},
  {"id": "qa",         "name": "Question & Answer",  "description": "...", "options": [],
   "requires_question": true}
]}"""
# api-v1 lets us add fields; these two are required in ours, so the example needs them to parse.
OPERATIONS_ADDED = {"max_text_length": 100_000, "max_batch_size": 50}

# The shapes of api-v1.md with concrete values; any field may be null where it says so.
API_V1_EXAMPLES = [
    pytest.param(
        TextProcessingRequest,
        """{"text": "Artificial intelligence is changing how we work.", "operation": "summarize",
            "question": null, "options": {"max_length": 100}, "user_metadata": {}}""",
        id="process-request-summarize",
    ),
    pytest.param(
        TextProcessingRequest,
        """{"text": "Artificial intelligence is changing how we work.", "operation": "qa",
            "question": "What is changing?", "options": {}, "user_metadata": null}""",
        id="process-request-qa",
    ),
    pytest.param(
        TextProcessingResponse,
        """{"operation": "sentiment", "success": true, "result": null,
            "sentiment": {"sentiment": "positive", "confidence": 0.92, "explanation": "Upbeat."},
            "key_points": null, "questions": null, "metadata": {"word_count": 7},
            "processing_time": 0.81, "timestamp": "2025-01-02T03:04:05.678901Z",
            "cache_hit": false}""",
        id="process-response-sentiment",
    ),
    pytest.param(
        TextProcessingResponse,
        """{"operation": "summarize", "success": true, "result": "AI changes work.",
            "sentiment": null, "key_points": null, "questions": null,
            "metadata": {"word_count": 7}, "processing_time": 1.2,
            "timestamp": "2025-01-02T03:04:05+00:00", "cache_hit": null}""",
        id="process-response-summarize",
    ),
    pytest.param(
        BatchTextProcessingRequest,
        """{"requests": [
              {"text": "Artificial intelligence is changing how we work.",
               "operation": "key_points", "question": null, "options": {"max_points": 3},
               "user_metadata": null},
              {"text": "Artificial intelligence is changing how we work.",
               "operation": "questions", "question": null, "options": {"num_questions": 2},
               "user_metadata": null}],
            "batch_id": null}""",
        id="batch-request",
    ),
    pytest.param(
        BatchTextProcessingResponse,
        """{"batch_id": "batch_1735787045", "total_requests": 2, "completed": 1, "failed": 1,
            "results": [
              {"request_index": 0, "status": "completed", "error": null,
               "response": {"operation": "key_points", "success": true, "result": null,
                            "sentiment": null, "key_points": ["AI changes work."],
                            "questions": null, "metadata": {"word_count": 7},
                            "processing_time": 0.5, "timestamp": "2025-01-02T03:04:05Z",
                            "cache_hit": false}},
              {"request_index": 1, "status": "failed", "response": null,
               "error": "The AI service is temporarily unavailable."}],
            "total_processing_time": 0.9, "timestamp": "2025-01-02T03:04:06Z"}""",
        id="batch-response",
    ),
    pytest.param(
        HealthResponse,
        """{"status": "healthy", "timestamp": "2025-01-02T03:04:05.678901Z", "version": "1.0.0",
            "ai_model_available": true, "resilience_healthy": null, "cache_healthy": true}""",
        id="health",
    ),
    pytest.param(
        AuthStatusResponse,
        """{"authenticated": true, "api_key_prefix": null, "message": "Authenticated"}""",
        id="auth-status",
    ),
    pytest.param(
        OperationsResponse,
        json.dumps(json.loads(OPERATIONS_EXAMPLE) | OPERATIONS_ADDED),
        id="operations",
    ),
    pytest.param(
        ErrorResponse,
        """{"success": false, "error": "Text must not be empty", "error_code": "VALIDATION_ERROR",
            "details": {}, "timestamp": "2025-01-02T03:04:05+00:00"}""",
        id="error",
    ),
    pytest.param(
        ErrorResponse,
        """{"success": false, "error": "Internal error", "error_code": "INTERNAL_ERROR",
            "details": null, "timestamp": "2025-01-02T03:04:05Z"}""",
        id="error-without-details",
    ),
]


def keeps_every_field(dumped: object, example: object) -> bool:
    """Whether `dumped` has every key of `example`, at every depth."""
    if isinstance(example, dict):
        return isinstance(dumped, dict) and all(
            key in dumped and keeps_every_field(dumped[key], value)
            for key, value in example.items()
        )
    if isinstance(example, list):
        return (
            isinstance(dumped, list)
            and len(dumped) == len(example)
            and all(map(keeps_every_field, dumped, example))
        )
    return True


@pytest.mark.parametrize(("model_type", "body"), API_V1_EXAMPLES)
def test_api_v1_example_parses_and_dumps_every_documented_field(
    model_type: type[BaseModel], body: str
) -> None:
    parsed = model_type.model_validate_json(body)
    assert keeps_every_field(json.loads(parsed.model_dump_json()), json.loads(body))


def test_operations_example_lists_every_operation_with_its_option_names() -> None:
    parsed = OperationsResponse.model_validate(json.loads(OPERATIONS_EXAMPLE) | OPERATIONS_ADDED)
    options = {op.id: op.options for op in parsed.operations}
    assert options == {
        "summarize": ["max_length"],
        "sentiment": [],
        "key_points": ["max_points"],
        "questions": ["num_questions"],
        "qa": [],
    }
    assert [op.id for op in parsed.operations if op.requires_question] == ["qa"]
