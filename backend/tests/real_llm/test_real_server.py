"""Every operation, a batch, streams, a job, the fallback and the usage metrics, on a real server.

llama.cpp's own server on SmolLM2-135M: answers are schema-valid, their quality is not judged.
Run with `make test-real-llm` (the `real_llm` mark is deselected everywhere else).
"""

import json
import time
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from waits import wait_until

from llm_starter_models import TextProcessingResponse

pytestmark = [pytest.mark.real_llm, pytest.mark.slow, pytest.mark.timeout(600)]

PROCESS = "/v1/text_processing/process"
STREAM = "/v1/text_processing/process/stream"
TEXT = (
    "The city council approved a new budget on Tuesday. It adds money for parks, libraries and "
    "road repairs. Critics said the plan raises property taxes by two percent. The mayor said "
    "the changes take effect in January."
)
QUESTION = "When do the changes take effect?"
MODEL = "openai:smollm2"


def timed(client: httpx.Client, path: str, body: dict[str, Any]) -> tuple[httpx.Response, float]:
    """POST `body`; the response and the seconds it took (reported, never asserted)."""
    started = time.perf_counter()
    response = client.post(path, json=body)
    return response, time.perf_counter() - started


def fresh(text: str = TEXT) -> str:
    """`text` that no earlier call cached."""
    return f"{text} Report {uuid.uuid4().hex[:8]}."


def output_mode(client: httpx.Client, operation: str) -> str:
    """The mode the operation's answer came in: text, or the structured mode now remembered."""
    if operation in ("summarize", "qa"):
        return "text"
    modes = client.get("/internal/resilience/config").json()["output_modes"]
    return str(modes[MODEL])


REQUESTS: dict[str, dict[str, Any]] = {
    "sentiment": {},
    "key_points": {"options": {"max_points": 3}},
    "questions": {"options": {"num_questions": 3}},
    "summarize": {"options": {"max_length": 60}},
    "qa": {"question": QUESTION},
}


@pytest.mark.parametrize("operation", list(REQUESTS))
def test_each_operation_answers_with_a_schema_valid_output(
    api: httpx.Client, measured: Any, operation: str
) -> None:
    body = {"text": fresh(), "operation": operation, **REQUESTS[operation]}
    response, seconds = timed(api, PROCESS, body)
    assert response.status_code == 200, response.text
    answer = TextProcessingResponse.model_validate(response.json())
    assert answer.metadata["model"] == MODEL
    assert not answer.metadata.get("degraded")
    match operation:
        case "sentiment":
            assert answer.sentiment is not None
            assert 0.0 <= answer.sentiment.confidence <= 1.0
        case "key_points":
            assert answer.key_points is not None
            assert 1 <= len(answer.key_points) <= 3
        case "questions":
            assert answer.questions is not None
            assert 1 <= len(answer.questions) <= 3
        case _:
            assert answer.result
    measured.add(operation, seconds, output_mode(api, operation))


def test_a_two_item_batch(api: httpx.Client, measured: Any) -> None:
    body = {
        "requests": [
            {"text": fresh(), "operation": "summarize", "options": {"max_length": 40}},
            {"text": fresh(), "operation": "sentiment"},
        ]
    }
    response, seconds = timed(api, "/v1/text_processing/batch_process", body)
    assert response.status_code == 200, response.text
    batch = response.json()
    assert (batch["completed"], batch["failed"]) == (2, 0), batch
    assert [item["status"] for item in batch["results"]] == ["completed", "completed"]
    measured.add("batch (2 items)", seconds, "text + " + output_mode(api, "sentiment"))


def events(client: httpx.Client, body: dict[str, Any]) -> list[tuple[str, Any]]:
    """(event, data) pairs of one streamed response."""
    received: list[tuple[str, Any]] = []
    with client.stream("POST", STREAM, json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                received.append((event, json.loads(line.removeprefix("data: "))))
    return received


@pytest.mark.parametrize("operation", ["summarize", "qa"])
def test_streaming(api: httpx.Client, operation: str) -> None:
    body = {"text": fresh(), "operation": operation, **REQUESTS[operation]}
    received = events(api, body)
    kinds = [kind for kind, _ in received]
    assert kinds[-1] == "done", received[-1]
    assert set(kinds[:-1]) == {"delta"}
    final = received[-1][1]
    assert "".join(data["text"] for kind, data in received if kind == "delta") == final["result"]
    assert final["metadata"]["model"] == MODEL


def test_a_background_job(api: httpx.Client) -> None:
    body = {
        "requests": [
            {"text": fresh(), "operation": "key_points", "options": {"max_points": 2}},
            {"text": fresh(), "operation": "qa", "question": QUESTION},
        ]
    }
    response = api.post("/v1/text_processing/jobs", json=body)
    assert response.status_code == 202, response.text
    location = response.json()["links"]["self"]
    job: dict[str, Any] = {}

    def ended() -> bool:
        job.update(api.get(location).json())
        return job["state"] not in ("queued", "running")

    wait_until(ended, what="the job ending", seconds=300)
    assert job["state"] == "completed", job
    assert job["progress"] == {"done": 2, "failed": 0, "total": 2}
    assert all(item["response"]["metadata"]["model"] == MODEL for item in job["results"]), job


def test_an_invalid_answer_falls_back_to_the_embedded_engine(start_app: Any, measured: Any) -> None:
    # Tool calls only: SmolLM2 answers them in plain text, an invalid answer every time.
    with start_app(LLM_OUTPUT_MODE="tool", LLM_FALLBACK_MODELS="local") as client:
        response, seconds = timed(client, PROCESS, {"text": fresh(), "operation": "sentiment"})
        metrics = client.get("/metrics").text
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["metadata"]["degraded"] is True
    assert answer["metadata"]["model"] == "local"
    assert answer["sentiment"]["sentiment"] in ("positive", "negative", "neutral", "mixed")
    assert tokens(metrics, operation="sentiment", outcome="invalid") > 0
    measured.add("sentiment, fallback", seconds, "tool (invalid) -> local")


def tokens(metrics: str, **labels: str) -> float:
    """llm_tokens_total of the real model summed over the series matching `labels`."""
    total = 0.0
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name != "llm_tokens_total" or sample.labels.get("model") != MODEL:
                continue
            if all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_usage_metrics_count_the_real_servers_tokens(api: httpx.Client) -> None:
    before = api.get("/metrics").text
    body = {"text": fresh(), "operation": "summarize", "options": {"max_length": 30}}
    response = api.post(PROCESS, json=body)
    assert response.status_code == 200, response.text
    usage = response.json()["metadata"]
    after = api.get("/metrics").text
    for direction, spent in (("input", usage["input_tokens"]), ("output", usage["output_tokens"])):
        assert spent > 0
        labels = {"operation": "summarize", "outcome": "ok", "direction": direction}
        assert tokens(after, **labels) - tokens(before, **labels) == spent
