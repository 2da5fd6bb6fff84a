"""Validation rules and JSON round trips of the service-endpoint models."""

import json
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from llm_starter_models import (
    AuthStatusResponse,
    ErrorResponse,
    HealthResponse,
    OperationInfo,
    OperationsResponse,
    OptionSpec,
)

AT = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
NAIVE = datetime(2025, 1, 2, 3, 4, 5)


@pytest.mark.parametrize("status", ["healthy", "degraded", "unhealthy"])
def test_health_status_is_one_of_three(status: str) -> None:
    health = HealthResponse(status=status, version="1.0.0", ai_model_available=True)
    assert health.status == status


@pytest.mark.parametrize("status", ["ok", "Healthy", "down", ""])
def test_unknown_health_status_is_rejected(status: str) -> None:
    with pytest.raises(ValidationError) as caught:
        HealthResponse(status=status, version="1.0.0", ai_model_available=True)
    assert [e["loc"] for e in caught.value.errors()] == [("status",)]


@pytest.mark.parametrize(
    ("model_type", "body"),
    [
        (HealthResponse, {"status": "healthy", "version": "1", "ai_model_available": True}),
        (ErrorResponse, {"error": "Bad input", "error_code": "VALIDATION_ERROR"}),
    ],
)
@pytest.mark.parametrize("naive", [NAIVE, "2025-01-02T03:04:05"], ids=["datetime", "json"])
def test_naive_timestamp_is_rejected(
    model_type: type[BaseModel], body: dict[str, object], naive: datetime | str
) -> None:
    with pytest.raises(ValidationError) as caught:
        model_type.model_validate(body | {"timestamp": naive})
    assert [e["loc"] for e in caught.value.errors()] == [("timestamp",)]


@pytest.mark.parametrize(
    "stamp",
    [
        HealthResponse(status="healthy", version="1", ai_model_available=True).timestamp,
        ErrorResponse(error="Bad input", error_code="VALIDATION_ERROR").timestamp,
    ],
    ids=["health", "error"],
)
def test_default_timestamp_is_timezone_aware(stamp: datetime) -> None:
    assert stamp.utcoffset() is not None


def test_auth_status_carries_no_key_prefix_by_default() -> None:
    status = AuthStatusResponse(authenticated=True, message="Authenticated")
    assert status.api_key_prefix is None
    assert json.loads(status.model_dump_json())["api_key_prefix"] is None


@pytest.mark.parametrize("prefix", ["sk-12345", "abcd1234", ""])
def test_auth_status_rejects_any_key_prefix(prefix: str) -> None:
    body = {"authenticated": True, "api_key_prefix": prefix, "message": "Authenticated"}
    with pytest.raises(ValidationError) as caught:
        AuthStatusResponse.model_validate(body)
    assert [e["loc"] for e in caught.value.errors()] == [("api_key_prefix",)]


def test_error_response_success_is_false_by_default() -> None:
    error = ErrorResponse(error="Bad input", error_code="VALIDATION_ERROR")
    assert error.success is False
    assert json.loads(error.model_dump_json())["success"] is False


@pytest.mark.parametrize("success", [True, "true", 1])
def test_error_response_rejects_success_true(success: object) -> None:
    body = {"success": success, "error": "Bad input", "error_code": "VALIDATION_ERROR"}
    with pytest.raises(ValidationError) as caught:
        ErrorResponse.model_validate_json(json.dumps(body))
    assert [e["loc"] for e in caught.value.errors()] == [("success",)]


def test_option_spec_type_is_a_json_scalar_type() -> None:
    body = {"name": "max_points", "minimum": 1, "maximum": 20, "default": 5, "description": "x"}
    assert OptionSpec.model_validate(body).type == "integer"
    assert OptionSpec.model_validate(body | {"type": "string"}).type == "string"
    with pytest.raises(ValidationError):
        OptionSpec.model_validate(body | {"type": "array"})


def test_operation_info_takes_operations_a_server_adds() -> None:
    body = {"id": "translate", "name": "Translate", "description": "x", "options": ["target"]}
    info = OperationInfo.model_validate(body)
    assert (info.id, info.output_field, info.streams) == ("translate", "output", False)


def test_operation_info_defaults_to_no_question_and_no_specs() -> None:
    info = OperationInfo(id="sentiment", name="Sentiment Analysis", description="x", options=[])
    assert info.requires_question is False
    assert info.option_specs == []


# JSON round trips

MAX_POINTS = OptionSpec(
    name="max_points", minimum=1, maximum=20, default=5, description="most points returned"
)
KEY_POINTS = OperationInfo(
    id="key_points",
    name="Key Points",
    description="Extract the main points.",
    options=["max_points"],
    option_specs=[MAX_POINTS],
)

SERVICE_MODELS = [
    HealthResponse(
        status="degraded",
        timestamp=AT,
        version="1.2.3",
        ai_model_available=True,
        resilience_healthy=False,
        cache_healthy=None,
    ),
    AuthStatusResponse(authenticated=False, message="No API key given"),
    MAX_POINTS,
    KEY_POINTS,
    OperationsResponse(
        operations=[
            KEY_POINTS,
            OperationInfo(
                id="qa",
                name="Question & Answer",
                description="Answer a question.",
                options=[],
                requires_question=True,
            ),
        ],
        max_text_length=100_000,
        max_batch_size=50,
    ),
    ErrorResponse(
        error="Text is too short",
        error_code="VALIDATION_ERROR",
        details={"field": "text", "limits": [10, 100_000]},
        request_id="req-1",
        timestamp=AT,
    ),
]


@pytest.mark.parametrize("model", SERVICE_MODELS, ids=lambda m: type(m).__name__)
def test_json_round_trip_keeps_the_model_equal(model: BaseModel) -> None:
    assert type(model).model_validate_json(model.model_dump_json()) == model
