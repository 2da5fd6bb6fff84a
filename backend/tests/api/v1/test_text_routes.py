"""The v1 text-processing routes through the real app, with the embedded engine."""

from typing import Any
from uuid import uuid4

import httpx
import pytest
from apitest import ClientFactory
from redis.asyncio import Redis

TEXT = (
    "The Golden Gate Bridge was completed in 1937 after four years of construction. "
    "It spans the Golden Gate strait, the entrance to San Francisco Bay. "
    "Its towers rise 227 meters above the water. "
    "The bridge is painted a color known as international orange. "
    "Engineers still consider it a marvel of design and a symbol of the city."
)
PROCESS = "/v1/text_processing/process"
BATCH = "/v1/text_processing/batch_process"


def body(operation: str, **extra: Any) -> dict[str, Any]:
    return {"text": TEXT, "operation": operation, **extra}


def assert_error(response: httpx.Response, status: int, code: str, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()
    assert error["success"] is False
    assert error["error_code"] == code
    assert error["request_id"] == response.headers["x-request-id"]
    for needle in needles:
        assert needle in error["error"]
    assert "Traceback" not in response.text
    return error


async def test_operations_list_each_operation_with_options_ranges_and_limits(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/text_processing/operations")
    assert response.status_code == 200
    data = response.json()
    by_id = {op["id"]: op for op in data["operations"]}
    assert set(by_id) == {"summarize", "sentiment", "key_points", "questions", "qa"}
    assert by_id["summarize"]["options"] == ["max_length"]
    assert by_id["key_points"]["options"] == ["max_points"]
    assert by_id["questions"]["options"] == ["num_questions"]
    assert by_id["qa"]["requires_question"] is True
    spec = by_id["summarize"]["option_specs"][0]
    assert (spec["minimum"], spec["maximum"], spec["default"]) == (10, 500, 100)
    assert data["max_text_length"] == 50_000
    assert data["max_batch_size"] == 50


async def test_summarize_returns_sentences_of_the_text(client: httpx.AsyncClient) -> None:
    response = await client.post(PROCESS, json=body("summarize", options={"max_length": 30}))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["operation"] == "summarize"
    assert data["success"] is True
    assert data["cache_hit"] is False
    assert 0 < len(data["result"].split()) <= 30
    assert data["metadata"]["model"] == "local"
    assert data["metadata"]["engine"] == "extractive"
    assert data["metadata"]["word_count"] == len(TEXT.split())
    assert data["metadata"]["prompt_version"]
    assert data["processing_time"] >= 0
    assert data["timestamp"].endswith(("Z", "+00:00"))


@pytest.mark.parametrize(
    ("operation", "extra", "field"),
    [
        ("sentiment", {}, "sentiment"),
        ("key_points", {"options": {"max_points": 2}}, "key_points"),
        ("questions", {"options": {"num_questions": 3}}, "questions"),
        ("qa", {"question": "When was the bridge completed?"}, "result"),
    ],
)
async def test_each_operation_fills_its_own_field(
    client: httpx.AsyncClient, operation: str, extra: dict[str, Any], field: str
) -> None:
    response = await client.post(PROCESS, json=body(operation, **extra))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data[field]
    others = {"result", "sentiment", "key_points", "questions"} - {field}
    assert all(data[other] is None for other in others)


async def test_option_counts_are_honoured(client: httpx.AsyncClient) -> None:
    points = await client.post(PROCESS, json=body("key_points", options={"max_points": 2}))
    questions = await client.post(PROCESS, json=body("questions", options={"num_questions": 3}))
    assert len(points.json()["key_points"]) <= 2
    assert len(questions.json()["questions"]) == 3


async def test_qa_answer_contains_the_fact(client: httpx.AsyncClient) -> None:
    response = await client.post(
        PROCESS, json=body("qa", question="When was the bridge completed?")
    )
    assert "1937" in response.json()["result"]


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"text": "", "operation": "summarize"}, "text", "at least 10 characters"),
        ({"text": "   \n\t     ", "operation": "summarize"}, "text", "at least 10 characters"),
        ({"text": TEXT, "operation": "translate"}, "operation", "summarize"),
        ({"text": TEXT, "operation": "qa"}, "question", "Field required"),
        ({"text": TEXT, "operation": "qa", "question": "   "}, "question", "must not be blank"),
        (
            {"text": TEXT, "operation": "summarize", "options": {"max_length": "ten"}},
            "options.max_length",
            "integer",
        ),
        (
            {"text": TEXT, "operation": "summarize", "options": {"max_length": 5}},
            "options.max_length",
            "greater than or equal to 10",
        ),
        (
            {"text": TEXT, "operation": "key_points", "options": {"max_points": 99}},
            "options.max_points",
            "less than or equal to 20",
        ),
        (
            {"text": TEXT, "operation": "summarize", "options": {"colour": 1}},
            "options.colour",
            "Extra inputs",
        ),
        ({"operation": "summarize"}, "text", "Field required"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_reason(
    client: httpx.AsyncClient, payload: dict[str, Any], field: str, reason: str
) -> None:
    error = assert_error(await client.post(PROCESS, json=payload), 422, "validation_error", reason)
    fields = [problem["field"] for problem in error["details"]["errors"]]
    assert field in fields


async def test_text_over_the_limit_is_422_stating_the_limit(make_client: ClientFactory) -> None:
    async with make_client(max_text_length=1_000) as client:
        response = await client.post(
            PROCESS, json={"text": "word " * 201, "operation": "summarize"}
        )
    assert_error(response, 422, "validation_error", "1005 characters", "limit of 1000")


async def test_text_at_the_limit_is_accepted(make_client: ClientFactory) -> None:
    async with make_client(max_text_length=1_000) as client:
        response = await client.post(
            PROCESS, json={"text": "word " * 200, "operation": "summarize"}
        )
    assert response.status_code == 200, response.text


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        PROCESS, content=b'{"text": "unterminated', headers={"Content-Type": "application/json"}
    )
    error = assert_error(response, 422, "validation_error", "invalid JSON at line 1 column 10")
    assert error["details"]["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (PROCESS, "text"),
        ("/v1/text_processing/process/stream", "text"),
        (BATCH, "requests.0.text"),
    ],
)
async def test_an_unpaired_surrogate_is_422_not_a_server_error(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    # Valid JSON, yet no UTF-8 string: it once reached the cache key's encoder and failed there.
    item = '{"text": "Rivers carry water \\ud800 to the sea.", "operation": "summarize"}'
    payload = item if path != BATCH else f'{{"requests": [{item}]}}'
    response = await client.post(
        path, content=payload.encode(), headers={"Content-Type": "application/json"}
    )
    error = assert_error(response, 422, "validation_error", "unpaired surrogate (U+D800)")
    assert error["details"]["errors"][0]["field"] == field


async def test_wrong_content_type_is_rejected_with_a_clear_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        PROCESS, content=b"text=hello world", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 415, "unsupported_media_type", "application/json", "text/plain")


async def test_text_is_processed_verbatim_including_surrounding_whitespace(
    client: httpx.AsyncClient,
) -> None:
    padded = "\n\n  " + TEXT + "  \n"
    response = await client.post(
        PROCESS, json={"text": padded, "operation": "qa", "question": "How tall are the towers?"}
    )
    assert "227 meters" in response.json()["result"]


async def test_batch_reports_each_item_and_can_be_read_back(client: httpx.AsyncClient) -> None:
    batch = {
        "batch_id": "nightly-1",
        "requests": [
            body("summarize"),
            body("sentiment"),
            {"text": TEXT, "operation": "qa", "question": "What colour is the bridge?"},
        ],
    }
    response = await client.post(BATCH, json=batch)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["batch_id"] == "nightly-1"
    assert (data["total_requests"], data["completed"], data["failed"]) == (3, 3, 0)
    assert [item["request_index"] for item in data["results"]] == [0, 1, 2]
    assert all(item["status"] == "completed" for item in data["results"])

    stored = await client.get("/v1/text_processing/batch_status/nightly-1")
    assert stored.status_code == 200
    assert stored.json() == data


async def test_batch_item_over_the_text_limit_fails_alone_with_a_readable_error(
    make_client: ClientFactory,
) -> None:
    async with make_client(max_text_length=500) as client:
        response = await client.post(
            BATCH,
            json={"requests": [body("summarize"), {"text": "x" * 501, "operation": "summarize"}]},
        )
    data = response.json()
    assert (data["completed"], data["failed"]) == (1, 1)
    failed = data["results"][1]
    assert failed["status"] == "failed"
    assert failed["response"] is None
    assert "501 characters" in failed["error"]
    assert data["batch_id"].startswith("batch_")


@pytest.mark.parametrize("path", [BATCH, "/v1/text_processing/jobs"])
async def test_one_malformed_item_refuses_the_whole_batch_naming_each_index(
    client: httpx.AsyncClient, path: str
) -> None:
    # As in the original template: request-level validation answers for the whole batch.
    requests = [body("summarize"), {"text": "too short", "operation": "sentiment"}, body("qa")]
    response = await client.post(path, json={"batch_id": "refused-1", "requests": requests})
    error = assert_error(response, 422, "validation_error")
    fields = {problem["field"] for problem in error["details"]["errors"]}
    assert fields == {"requests.1.text", "requests.2.question"}


async def test_a_refused_batch_runs_nothing(client: httpx.AsyncClient) -> None:
    requests = [body("summarize"), {"text": "x", "operation": "summarize"}]
    response = await client.post(BATCH, json={"batch_id": "refused-2", "requests": requests})
    assert_error(response, 422, "validation_error")
    assert_error(await client.get("/v1/text_processing/batch_status/refused-2"), 404, "not_found")


async def test_batch_over_its_limit_is_422(make_client: ClientFactory) -> None:
    async with make_client(max_batch_size=2) as client:
        response = await client.post(BATCH, json={"requests": [body("sentiment")] * 3})
    assert_error(response, 422, "validation_error", "3 items", "limit of 2")


async def test_empty_batch_is_422(client: httpx.AsyncClient) -> None:
    assert_error(await client.post(BATCH, json={"requests": []}), 422, "validation_error")


async def test_unknown_batch_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/text_processing/batch_status/never-ran")
    assert_error(response, 404, "not_found", "never-ran")


async def test_a_batch_is_readable_only_by_the_key_that_ran_it(make_client: ClientFactory) -> None:
    async with make_client(additional_api_keys="other-key-abcdefgh") as client:
        await client.post(BATCH, json={"batch_id": "mine", "requests": [body("sentiment")]})
        theirs = await client.get(
            "/v1/text_processing/batch_status/mine", headers={"X-API-Key": "other-key-abcdefgh"}
        )
        ours = await client.get("/v1/text_processing/batch_status/mine")
    assert theirs.status_code == 404
    assert ours.status_code == 200


async def test_text_health_reports_healthy(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/text_processing/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"


@pytest.mark.redis
async def test_with_redis_any_instance_answers_for_a_batch_another_ran(
    make_client: ClientFactory,
) -> None:
    prefix = f"t{uuid4().hex}"
    shared = {"cache_redis_url": "redis://127.0.0.1:6379/14", "cache_key_prefix": prefix}
    async with make_client(**shared) as first, make_client(**shared) as second:
        ran = await first.post(
            BATCH, json={"batch_id": "shared-1", "requests": [body("sentiment")]}
        )
        seen = await second.get("/v1/text_processing/batch_status/shared-1")
    redis = Redis.from_url("redis://127.0.0.1:6379/14")
    async with redis:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
    assert ran.status_code == 200
    assert seen.status_code == 200
    assert seen.json() == ran.json()
