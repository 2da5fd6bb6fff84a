"""The cap on model calls in flight: past it a request gets a fast 503 with Retry-After."""

import asyncio

import pytest
from apitest import ClientFactory
from prometheus_client import REGISTRY
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from waits import eventually

from llm_starter_api.infra.resilience.admission import Admission, Overloaded

PROCESS = "/v1/text_processing/process"
TEXT = "The harbour reopened after the storm and the ferries ran on time again."


async def test_past_the_cap_a_call_is_refused_at_once() -> None:
    admission, gate = Admission(2, queue_seconds=0), asyncio.Event()
    shed = REGISTRY.get_sample_value("llm_calls_shed_total") or 0.0

    async def hold() -> None:
        async with admission.slot():
            await gate.wait()

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    await eventually(lambda: admission.in_flight == 2, what="two calls in flight")
    with pytest.raises(Overloaded) as refused:
        async with admission.slot():
            raise AssertionError("admitted past the cap")
    gate.set()
    await asyncio.gather(*holders)

    assert refused.value.retry_after == 1.0
    assert refused.value.details == {"reason": "model_calls_in_flight", "limit": 2}
    assert REGISTRY.get_sample_value("llm_calls_shed_total") == shed + 1
    assert admission.in_flight == 0


async def test_a_queued_call_takes_the_first_slot_that_frees() -> None:
    admission, gate = Admission(1, queue_seconds=3600), asyncio.Event()
    order: list[str] = []

    async def call(name: str, wait: asyncio.Event | None = None) -> None:
        async with admission.slot():
            order.append(name)
            if wait is not None:
                await wait.wait()

    first = asyncio.create_task(call("first", gate))
    await eventually(lambda: admission.in_flight == 1, what="the first call in flight")
    second = asyncio.create_task(call("second"))
    await eventually(lambda: admission.queued == 1, what="the second call queued")
    gate.set()
    await asyncio.gather(first, second)

    assert order == ["first", "second"]


async def test_a_queued_call_gives_up_at_the_queue_deadline() -> None:
    admission, gate = Admission(1, queue_seconds=0.05), asyncio.Event()

    async def hold() -> None:
        async with admission.slot():
            await gate.wait()

    holder = asyncio.create_task(hold())
    await eventually(lambda: admission.in_flight == 1, what="a call in flight")
    with pytest.raises(Overloaded):  # the slot never frees: only the deadline ends the wait
        async with admission.slot():
            pass
    gate.set()
    await holder
    assert admission.queued == 0


async def test_the_api_answers_503_with_retry_after_and_keeps_serving_cache_hits(
    make_client: ClientFactory,
) -> None:
    gate = asyncio.Event()

    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await gate.wait()
        return ModelResponse(parts=[TextPart("A calm harbour.")])

    async with make_client(llm_max_concurrent_calls=1, rate_limit_enabled=False) as client:
        app_agents = client._transport.app.state.resources.agents  # type: ignore[attr-defined]
        cached = {"text": TEXT + " Cached.", "operation": "summarize"}
        assert (await client.post(PROCESS, json=cached)).status_code == 200
        with app_agents.get("summarize").override(model=FunctionModel(slow)):
            busy = asyncio.create_task(
                client.post(PROCESS, json={"text": TEXT, "operation": "summarize"})
            )
            admission = client._transport.app.state.resources.text_service.admission  # type: ignore[attr-defined]
            await eventually(lambda: admission.in_flight == 1, what="one call in flight")
            refused = await client.post(
                PROCESS, json={"text": TEXT + " More.", "operation": "summarize"}
            )
            hit = await client.post(PROCESS, json=cached)
            gate.set()
            answered = await busy

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["error_code"] == "overloaded"
    assert (hit.status_code, hit.json()["cache_hit"]) == (200, True)
    assert answered.status_code == 200
