"""cache_lookups_total counts each request's lookup by the tier that answered it."""

import asyncio
from contextlib import AsyncExitStack

import pytest
import redis
from apitest import make_settings, serve
from prometheus_client import REGISTRY
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from redisproc import SHARED_URL
from waits import eventually

from llm_starter_api.main import create_app
from llm_starter_api.resources import Resources
from llm_starter_models import TextProcessingOperation as Op

PROCESS = "/v1/text_processing/process"
BODY = {"text": "Tides rise twice a day along the harbour wall.", "operation": "summarize"}
LABELS = [(tier, outcome) for tier in ("memory", "redis", "flight") for outcome in ("hit", "miss")]


def lookups() -> dict[tuple[str, str], float]:
    return {
        labels: REGISTRY.get_sample_value(
            "cache_lookups_total", {"tier": labels[0], "outcome": labels[1]}
        )
        or 0.0
        for labels in LABELS
    }


def counted_since(before: dict[tuple[str, str], float]) -> dict[tuple[str, str], int]:
    return {k: int(v - before[k]) for k, v in lookups().items() if v != before[k]}


@pytest.mark.redis
async def test_misses_and_hits_are_told_apart_by_tier(
    shared_sync: redis.Redis, prefix: str
) -> None:
    settings = make_settings(cache_redis_url=SHARED_URL, cache_key_prefix=prefix)
    before = lookups()
    async with AsyncExitStack() as stack:
        first, second = [
            await stack.enter_async_context(serve(create_app(settings))) for _ in range(2)
        ]
        computed = await first.post(PROCESS, json=BODY)  # missed memory and Redis
        remembered = await first.post(PROCESS, json=BODY)  # this process's memory tier
        shared = await second.post(PROCESS, json=BODY)  # the other process's answer, in Redis
    assert [r.json()["cache_hit"] for r in (computed, remembered, shared)] == [False, True, True]
    assert counted_since(before) == {
        ("redis", "miss"): 1,
        ("memory", "hit"): 1,
        ("redis", "hit"): 1,
    }


async def test_an_answer_shared_by_a_concurrent_request_is_a_flight_hit() -> None:
    gate = asyncio.Event()

    async def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await gate.wait()
        return ModelResponse(parts=[TextPart("Tides rise twice a day.")])

    app = create_app(make_settings())
    before = lookups()
    async with serve(app) as client:
        resources: Resources = app.state.resources
        with resources.agents[Op.SUMMARIZE].override(model=FunctionModel(answer)):
            posts = [asyncio.create_task(client.post(PROCESS, json=BODY)) for _ in range(2)]
            await eventually(
                lambda: resources.cache.metrics.snapshot()["misses"] == 2, what="both in flight"
            )
            gate.set()
            responses = await asyncio.gather(*posts)
    assert [r.status_code for r in responses] == [200, 200]
    # No Redis: the computing request missed in memory, the other shared its flight.
    assert counted_since(before) == {("memory", "miss"): 1, ("flight", "hit"): 1}
