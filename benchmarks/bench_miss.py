"""A cache miss through the whole app, next to a bare pydantic-ai Agent.run on the same fake provider.

Every call is a miss (a new text each time) of `sentiment`, a structured operation, answered at once
by the fake OpenAI-compatible server on a real socket: what is measured is our stack's own work
around one model call. The bare OpenAI SDK call shows what pydantic-ai itself adds.

Timed in CPU seconds of the calling thread (`time.thread_time`), not wall-clock time: the fake
provider answers from a thread of its own, so its work stays out of every row, and neither does the
load of other processes on a shared machine (wall-clock ratios here swung from 1.26x to 2.49x within
minutes at a load average of 5; CPU-time ratios stay within a few percent).
"""

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from apitest import make_settings
from fakes.openai_server import FakeOpenAI
from openai import AsyncOpenAI
from pydantic_ai import Agent
from pydantic_ai.models import override_allow_model_requests
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.main import create_app
from llm_starter_models import SentimentResult

TEXT = "The harbour reopened after the storm and the ferries ran on time again."
ROUNDS = 20
MISS_PATH = pytest.mark.benchmark(group="miss-path", timer=time.thread_time, min_rounds=20)


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeOpenAI]:
    with override_allow_model_requests(True), FakeOpenAI.running() as server:
        yield server


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def rounds(
    loop: asyncio.AbstractEventLoop, call: Callable[[int], Awaitable[object]]
) -> Callable[[], None]:
    counter = itertools.count()

    async def many() -> None:
        for _ in range(ROUNDS):
            await call(next(counter))

    return lambda: loop.run_until_complete(many())


@MISS_PATH
def test_baseline_bare_pydantic_ai_agent_run(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, provider: FakeOpenAI
) -> None:
    openai = OpenAIProvider(base_url=provider.url, api_key="x")
    model = OpenAIChatModel("fake-model", provider=openai)
    agent = Agent(model, output_type=SentimentResult, instructions="Classify the sentiment.")

    async def call(n: int) -> object:
        return (await agent.run(f"{TEXT} {n}")).output

    benchmark(rounds(loop, call))
    loop.run_until_complete(openai.client.close())


@MISS_PATH
def test_bare_openai_sdk_call(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, provider: FakeOpenAI
) -> None:
    client = AsyncOpenAI(base_url=provider.url, api_key="x")

    async def call(n: int) -> object:
        return await client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": f"{TEXT} {n}"}]
        )

    benchmark(rounds(loop, call))
    loop.run_until_complete(client.close())


@MISS_PATH
def test_miss_through_the_app(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, provider: FakeOpenAI
) -> None:
    settings = make_settings(
        llm_model="openai:fake-model",
        openai_base_url=provider.url,
        llm_output_mode="tool",
        rate_limit_enabled=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    loop.run_until_complete(lifespan.__aenter__())
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app),
        base_url="http://bench",
        headers={"X-API-Key": settings.api_keys[0]},
    )

    async def call(n: int) -> object:
        body = {"text": f"{TEXT} {n}", "operation": "sentiment"}
        response = await client.post("/v1/text_processing/process", json=body)
        assert response.status_code == 200, response.text
        return response

    try:
        benchmark(rounds(loop, call))
    finally:
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(lifespan.__aexit__(None, None, None))
