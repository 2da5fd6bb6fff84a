"""POST /v1/text_processing/process/stream: Server-Sent Events from the same agents."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from apitest import serve
from fastapi import FastAPI
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel

from llm_starter_models import TextProcessingOperation as Op

STREAM = "/v1/text_processing/process/stream"
TEXT = (
    "The Golden Gate Bridge was completed in 1937. It spans the Golden Gate strait. "
    "Many tourists visit it every year. The bridge is painted international orange."
)


async def events(client: httpx.AsyncClient, payload: dict[str, Any]) -> list[tuple[str, Any]]:
    """(event, data) pairs of one streamed response."""
    received: list[tuple[str, Any]] = []
    async with client.stream("POST", STREAM, json=payload) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                received.append((event, json.loads(line.removeprefix("data: "))))
    return received


@pytest.mark.parametrize(
    "payload",
    [
        {"text": TEXT, "operation": "summarize", "options": {"max_length": 20}},
        {"text": TEXT, "operation": "qa", "question": "When was the bridge completed?"},
    ],
)
async def test_deltas_add_up_to_the_final_result(
    client: httpx.AsyncClient, payload: dict[str, Any]
) -> None:
    received = await events(client, payload)
    kinds = [kind for kind, _ in received]
    assert kinds[-1] == "done"
    assert set(kinds[:-1]) == {"delta"}
    streamed = "".join(data["text"] for kind, data in received if kind == "delta")
    final = received[-1][1]
    assert streamed == final["result"]
    assert final["metadata"]["model"] == "local"


@pytest.mark.parametrize("operation", ["sentiment", "key_points", "questions"])
async def test_structured_operations_do_not_stream(
    client: httpx.AsyncClient, operation: str
) -> None:
    response = await client.post(STREAM, json={"text": TEXT, "operation": operation})
    assert response.status_code == 422
    assert "does not stream" in response.json()["error"]


async def test_bad_input_is_refused_before_the_stream_opens(client: httpx.AsyncClient) -> None:
    response = await client.post(STREAM, json={"text": "short", "operation": "summarize"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"


async def test_a_provider_failure_mid_stream_ends_with_an_error_event(app: FastAPI) -> None:
    async def fail_midway(
        messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        yield "The first words"
        raise ModelHTTPError(503, "fake")

    async with serve(app) as client:
        agent = app.state.resources.agents[Op.SUMMARIZE]
        with agent.override(model=FunctionModel(stream_function=fail_midway)):
            received = await events(client, {"text": TEXT, "operation": "summarize"})
    assert received[0] == ("delta", {"text": "The first words"})
    kind, error = received[-1]
    assert kind == "error"
    assert error["error_code"] == "provider_unavailable"
    assert error["success"] is False
