"""Structured output from servers that ignore tool calls: modes, auto fallback, invalid answers."""

import json
from typing import Any

import httpx
import pytest
from apitest import ClientFactory
from fakes.openai_server import PROMPT_TOKENS, FakeOpenAI, HTTPError, Text, ToolCall
from prometheus_client import REGISTRY

from llm_starter_api.llm.output_modes import OutputModes

PROCESS = "/v1/text_processing/process"
STREAM = "/v1/text_processing/process/stream"
DOCUMENT = "Tides rise twice a day along most coasts, and the harbour is calm again."
SENTIMENT = {"sentiment": "neutral", "confidence": 0.6, "explanation": "A plain report."}
PROSE = Text("The text is fairly neutral overall.")  # what a server ignoring the tools answers


def body(operation: str = "sentiment") -> dict[str, Any]:
    question = "How often do tides rise?" if operation == "qa" else None
    return {"text": DOCUMENT, "operation": operation, "question": question}


def fake_model(server: FakeOpenAI, **settings: Any) -> dict[str, Any]:
    """Settings for an app whose LLM_MODEL is `openai:fake-model` served at `server`."""
    return {
        "llm_model": "openai:fake-model",
        "openai_base_url": server.url,
        "resilience_custom_config": '{"attempts": 1}',
        **settings,
    }


def asked_mode(request: Any) -> str:
    """How a recorded request asked for structured output."""
    if request.body.get("tools"):
        return "tool"
    if (request.body.get("response_format") or {}).get("type") == "json_schema":
        return "native"
    return "prompted"


@pytest.mark.parametrize("mode", ["native", "prompted"])
async def test_each_mode_asks_as_it_says_and_fills_the_response(
    make_client: ClientFactory, openai_server: FakeOpenAI, mode: str
) -> None:
    openai_server.script(Text(json.dumps(SENTIMENT)))
    async with make_client(**fake_model(openai_server, llm_output_mode=mode)) as client:
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    assert response.json()["sentiment"] == SENTIMENT
    [sent] = openai_server.requests
    assert asked_mode(sent) == mode
    if mode == "prompted":  # the schema travels in the instructions
        assert "confidence" in " ".join(sent.messages("system"))


async def test_auto_falls_back_from_ignored_tool_calls_and_remembers_what_worked(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    invalid = ("llm_tokens_total", {"model": "openai:fake-model", "operation": "sentiment"})
    spent = REGISTRY.get_sample_value(
        invalid[0], invalid[1] | {"direction": "input", "outcome": "invalid"}
    )
    # Tool calls ignored twice (the answer and pydantic-ai's one retry), then JSON as asked.
    openai_server.script(PROSE, PROSE, Text(json.dumps(SENTIMENT)))
    async with make_client(**fake_model(openai_server)) as client:
        first = await client.post(PROCESS, json=body())
        asked_first = [asked_mode(r) for r in openai_server.requests]
        openai_server.requests.clear()
        second = await client.post(PROCESS, json={**body(), "text": DOCUMENT + " Again."})

    assert (first.status_code, second.status_code) == (200, 200), first.text
    assert asked_first == ["tool", "tool", "native"]
    assert [asked_mode(r) for r in openai_server.requests] == ["native"]  # nothing paid again
    after = REGISTRY.get_sample_value(
        invalid[0], invalid[1] | {"direction": "input", "outcome": "invalid"}
    )
    assert after == (spent or 0.0) + 2 * PROMPT_TOKENS  # the refused attempts are billed too


async def test_an_answer_invalid_in_every_mode_is_a_502_saying_why(
    make_client: ClientFactory, openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    openai_server.script(*[PROSE] * 6)
    async with make_client(**fake_model(openai_server)) as client:
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 502
    error = response.json()
    assert error["error_code"] == "invalid_model_output"
    details = error["details"]
    assert details["operation"] == "sentiment"
    assert details["model"] == "openai:fake-model"
    assert details["output_modes"] == ["tool", "native", "prompted"]
    assert "not the JSON asked for" in details["reason"]
    assert details["excerpt"] == PROSE.content[:120]
    assert DOCUMENT not in response.text
    [logged] = [r for r in caplog.records if r.getMessage().startswith("invalid model output")]
    assert logged.reason == details["reason"]  # type: ignore[attr-defined]


async def test_production_quotes_nothing_of_an_invalid_answer(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    openai_server.script(PROSE, PROSE)
    settings = fake_model(openai_server, llm_output_mode="tool", environment="production")
    async with make_client(**settings) as client:
        response = await client.post(PROCESS, json=body())

    assert "excerpt" not in response.json()["details"]
    assert PROSE.content not in response.text


async def test_a_fallback_model_answers_when_the_primary_s_answers_are_invalid(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    openai_server.script(PROSE, PROSE)
    settings = fake_model(openai_server, llm_output_mode="tool", llm_fallback_models="local")
    async with make_client(**settings) as client:
        response = await client.post(PROCESS, json=body())
        breakers = (await client.get("/internal/resilience/circuit-breakers")).json()

    assert response.status_code == 200, response.text
    metadata = response.json()["metadata"]
    assert (metadata["model"], metadata["degraded"]) == ("local", True)
    # An invalid answer proves the model is up: its breaker counts no failure.
    primary = next(b for b in breakers["breakers"] if b["name"] == "openai:fake-model")
    assert (primary["state"], primary["failures_in_window"]) == ("closed", 0)


async def test_a_per_model_mode_overrides_the_default(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    openai_server.script(Text(json.dumps(SENTIMENT)))
    settings = fake_model(openai_server, llm_output_modes={"openai:fake-model": "prompted"})
    async with make_client(**settings) as client:
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    assert [asked_mode(r) for r in openai_server.requests] == ["prompted"]


def test_hosted_models_in_auto_use_tool_calls_only() -> None:
    modes = OutputModes({"openai:gpt-4o-mini": "auto"}, probing=frozenset())
    assert modes.candidates("openai:gpt-4o-mini") == ("tool",)


async def events(client: httpx.AsyncClient) -> list[tuple[str, Any]]:
    """The server-sent events of one streamed summary: (event, data)."""
    found = []
    async with client.stream("POST", STREAM, json=body("summarize")) as response:
        assert response.status_code == 200
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                found.append((event, json.loads(line.removeprefix("data: "))))
    return found


async def test_a_stream_fails_with_the_error_a_request_gets(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    openai_server.script(*[HTTPError(503)] * 2)
    settings = fake_model(
        openai_server,
        resilience_custom_config='{"attempts": 1, "failure_threshold": 2, "recovery_timeout": 600}',
        cache_preset="disabled",
    )
    async with make_client(**settings) as client:
        for _ in range(2):  # trips the breaker
            await client.post(PROCESS, json=body("summarize"))
        refused = (await client.post(PROCESS, json=body("summarize"))).json()
        [(event, streamed)] = await events(client)

    assert event == "error"
    assert (streamed["error_code"], streamed["details"]) == (
        refused["error_code"],
        refused["details"],
    )
    assert streamed["details"]["reason"] == "circuit_open"


async def test_the_stream_s_failures_count_on_the_breaker(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    # The fake does not stream: it answers 400, a permanent error that proves the model up.
    settings = fake_model(openai_server, cache_preset="disabled")
    async with make_client(**settings) as client:
        [(event, streamed)] = await events(client)
        breakers = (await client.get("/internal/resilience/circuit-breakers")).json()

    assert (event, streamed["error_code"]) == ("error", "provider_error")
    assert breakers["breakers"][0]["failures_in_window"] == 0


async def test_tool_calls_still_work_in_auto(
    make_client: ClientFactory, openai_server: FakeOpenAI
) -> None:
    openai_server.script(ToolCall(SENTIMENT))
    async with make_client(**fake_model(openai_server)) as client:
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    assert [asked_mode(r) for r in openai_server.requests] == ["tool"]
