"""Single flight: identical concurrent requests make one model call, in a process and across them."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY, make_settings, serve
from fakes.openai_server import FakeOpenAI, Hang
from infra.cache.redisproc import SHARED_URL, free_port
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from llm_starter_api.infra.cache.codec import Codec
from llm_starter_api.infra.cache.keys import CacheKey
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import MemoryCache
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.cache.single_flight import SingleFlight
from llm_starter_api.main import create_app
from llm_starter_api.resources import Resources
from llm_starter_models import TextProcessingOperation as Op
from llm_starter_models import TextProcessingRequest

BODY = {"text": "Rivers carry water to the sea. The Nile is long.", "operation": "summarize"}


class CountingModel:
    """A slow summarizer that counts its calls."""

    def __init__(self, delay: float = 0.3) -> None:
        self.calls = 0
        self.delay = delay
        self.model = FunctionModel(self._answer)

    async def _answer(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return ModelResponse(parts=[TextPart("Water flows to the sea.")])


@contextmanager
def summarize_with(model: CountingModel, *apps: Any) -> Iterator[None]:
    """Every app's summarize agent answers with `model`."""
    resources: list[Resources] = [app.state.resources for app in apps]
    overrides = [r.agents[Op.SUMMARIZE].override(model=model.model) for r in resources]
    for override in overrides:
        override.__enter__()
    try:
        yield
    finally:
        for override in reversed(overrides):
            override.__exit__(None, None, None)


async def test_ten_identical_concurrent_requests_make_one_model_call() -> None:
    counting = CountingModel()
    app = create_app(make_settings())
    async with serve(app) as client:
        with summarize_with(counting, app):
            responses = await asyncio.gather(
                *(client.post("/v1/text_processing/process", json=BODY) for _ in range(10))
            )
        metrics = (await client.get("/internal/cache/metrics")).json()
    assert [r.status_code for r in responses] == [200] * 10
    assert counting.calls == 1
    assert sorted(r.json()["cache_hit"] for r in responses) == [False] + [True] * 9
    assert metrics["coalesced"] == 9


@pytest.fixture
async def two_instances(
    shared_sync: redis.Redis, prefix: str
) -> AsyncIterator[tuple[list[httpx.AsyncClient], list[Any]]]:
    """Two app instances sharing one real Redis (the shared server's DB 9, a unique prefix)."""
    settings = make_settings(
        cache_redis_url=SHARED_URL, cache_key_prefix=prefix, cache_lock_seconds=1.0
    )
    apps = [create_app(settings), create_app(settings)]
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(serve(app)) for app in apps]
        yield clients, apps


@pytest.mark.redis
async def test_two_instances_sharing_redis_make_one_model_call(
    two_instances: tuple[list[httpx.AsyncClient], list[Any]],
) -> None:
    clients, apps = two_instances
    counting = CountingModel(delay=0.5)
    with summarize_with(counting, *apps):
        responses = await asyncio.gather(
            *(clients[n % 2].post("/v1/text_processing/process", json=BODY) for n in range(10))
        )
    assert [r.status_code for r in responses] == [200] * 10
    assert counting.calls == 1
    waits = [(await c.get("/internal/cache/metrics")).json()["lock_waits"] for c in clients]
    assert sorted(waits) == [0, 1]  # the other instance waited for the lock holder's answer


@pytest.mark.redis
async def test_a_dead_lock_holder_lock_expires_and_a_waiter_computes(
    two_instances: tuple[list[httpx.AsyncClient], list[Any]], shared_sync: redis.Redis
) -> None:
    clients, apps = two_instances
    resources: Resources = apps[0].state.resources
    lock = resources.text_service.cache_key(TextProcessingRequest.model_validate(BODY)).lock_name
    # A process took the lock for this request's key and died: nobody renews it.
    shared_sync.set(lock, "dead-holder", px=600)
    counting = CountingModel(delay=0.01)
    started = time.perf_counter()
    with summarize_with(counting, *apps):
        response = await clients[0].post("/v1/text_processing/process", json=BODY)
    assert response.status_code == 200
    assert counting.calls == 1
    assert 0.5 < time.perf_counter() - started < 5


def response_cache() -> ResponseCache:
    memory = MemoryCache(
        LRUStore(max_entries=10, max_bytes=100_000),
        Codec(compression_threshold=1000, compression_level=1),
    )
    return ResponseCache(memory, prefix="p", default_ttl=60, operation_ttls={"qa": 5})


KEY = CacheKey("p:ai:summarize:m:v:d", "summarize")


@pytest.mark.parametrize(
    "answer",
    [
        {"result": "fallback", "metadata": {"degraded": True}},
        {"result": "failed", "success": False},
    ],
)
async def test_degraded_or_failed_answers_are_not_stored(answer: dict[str, Any]) -> None:
    cache, calls = response_cache(), []

    async def compute() -> dict[str, Any]:
        calls.append(1)
        return answer

    assert await cache.get_or_compute(KEY, compute) == (answer, False)
    assert await cache.get_or_compute(KEY, compute) == (answer, False)
    assert len(calls) == 2
    assert cache.metrics.snapshot()["skipped_degraded"] == 2


async def test_a_failed_computation_fails_every_coalesced_caller_and_is_not_stored() -> None:
    cache, calls = response_cache(), []

    async def compute() -> dict[str, Any]:
        calls.append(1)
        await asyncio.sleep(0.05)
        raise RuntimeError("provider down")

    results = await asyncio.gather(
        *(cache.get_or_compute(KEY, compute) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    assert len(calls) == 1
    assert await cache.cache.get(KEY.name) is None  # type: ignore[union-attr]


async def test_a_cancelled_leader_does_not_cancel_the_callers_it_coalesced() -> None:
    flight: SingleFlight[str] = SingleFlight()

    async def work() -> str:
        await asyncio.sleep(0.05)
        return "done"

    leader = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    follower = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    leader.cancel()
    assert await follower == ("done", False)
    assert len(flight) == 0


async def test_ttls_come_from_the_operation_else_the_default() -> None:
    cache = response_cache()
    assert (cache.ttl("qa"), cache.ttl("summarize")) == (5, 60)


@contextmanager
def api_servers(env: dict[str, str], workdir: Path, count: int) -> Iterator[list[str]]:
    """`count` API processes (uvicorn), started together; yields their URLs once all are healthy."""
    command = [sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory"]
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env,
            cwd=workdir,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for process, url in zip(processes, urls, strict=True):
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"an API process did not start: {error[-2000:]}")
                try:
                    if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
            if process.stderr is not None:
                process.stderr.close()


@pytest.mark.redis
@pytest.mark.slow
async def test_two_server_processes_sharing_redis_make_one_provider_call(
    shared_sync: redis.Redis, prefix: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "ENVIRONMENT": "testing",
        "API_KEY": API_KEY,
        "LLM_MODEL": "openai:fake-model",
        "CACHE_REDIS_URL": SHARED_URL,
        "CACHE_KEY_PREFIX": prefix,
    }
    with FakeOpenAI.running() as provider:
        provider.script(Hang(1.0))  # the one call the provider should see is slow
        env["OPENAI_BASE_URL"] = provider.url
        with api_servers(env, tmp_path, count=2) as urls:
            async with httpx.AsyncClient(headers={"X-API-Key": API_KEY}, timeout=30) as client:
                responses = await asyncio.gather(
                    *(
                        client.post(f"{urls[n % 2]}/v1/text_processing/process", json=BODY)
                        for n in range(10)
                    )
                )
        assert [r.status_code for r in responses] == [200] * 10
        assert len(provider.requests) == 1
        assert sum(not r.json()["cache_hit"] for r in responses) == 1
