"""Single flight: identical concurrent requests make one model call, in a process and across them."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY, make_settings, serve
from fakes.openai_server import FakeOpenAI, Gate
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from redisproc import SHARED_URL
from spawn import Spawner, api_command, base_env, free_port, wait_healthy
from waits import eventually

from llm_starter_api.infra.cache.codec import Codec
from llm_starter_api.infra.cache.keys import CacheKey
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import MemoryCache
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.cache.single_flight import SingleFlight
from llm_starter_api.main import create_app
from llm_starter_api.resources import Resources, storable
from llm_starter_api.text.batch import owner_of
from llm_starter_models import TextProcessingOperation as Op
from llm_starter_models import TextProcessingRequest

BODY = {"text": "Rivers carry water to the sea. The Nile is long.", "operation": "summarize"}


class CountingModel:
    """A summarizer that counts its calls and answers once the test opens its gate."""

    def __init__(self, *, gated: bool = True) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        if not gated:
            self.gate.set()
        self.model = FunctionModel(self._answer)

    async def _answer(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.calls += 1
        await self.gate.wait()
        return ModelResponse(parts=[TextPart("Water flows to the sea.")])


def counted(app: Any, name: str) -> int:
    """One of an app's cache counters, read in-process (a request counts its miss, then joins
    the flight of its key without yielding to the event loop in between)."""
    value: int = app.state.resources.cache.metrics.snapshot()[name]
    return value


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
            posts = [
                asyncio.create_task(client.post("/v1/text_processing/process", json=BODY))
                for _ in range(10)
            ]
            # Every request has missed and joined the flight before the one model call answers.
            await eventually(lambda: counted(app, "misses") == 10, what="10 requests in flight")
            counting.gate.set()
            responses = await asyncio.gather(*posts)
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
    settings = make_settings(cache_redis_url=SHARED_URL, cache_key_prefix=prefix)
    apps = [create_app(settings), create_app(settings)]
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(serve(app)) for app in apps]
        yield clients, apps


@pytest.mark.redis
async def test_two_instances_sharing_redis_make_one_model_call(
    two_instances: tuple[list[httpx.AsyncClient], list[Any]],
) -> None:
    clients, apps = two_instances
    counting = CountingModel()
    with summarize_with(counting, *apps):
        posts = [
            asyncio.create_task(clients[n % 2].post("/v1/text_processing/process", json=BODY))
            for n in range(10)
        ]
        # Five join each instance's own flight; one instance's leader waits on the other's lock.
        await eventually(
            lambda: (
                [counted(app, "misses") for app in apps] == [5, 5]
                and sum(counted(app, "lock_waits") for app in apps) == 1
            ),
            what="both flights formed, one waiting on the lock",
        )
        counting.gate.set()
        responses = await asyncio.gather(*posts)
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
    request = TextProcessingRequest.model_validate(BODY)
    lock = resources.text_service.cache_key(request, owner=owner_of(API_KEY)).lock_name
    # A process took the lock for this request's key and died: nobody renews it.
    shared_sync.set(lock, "dead-holder", px=600_000)
    counting = CountingModel(gated=False)
    with summarize_with(counting, *apps):
        post = asyncio.create_task(clients[0].post("/v1/text_processing/process", json=BODY))
        await eventually(lambda: counted(apps[0], "lock_waits") == 1, what="waiting on the lock")
        assert counting.calls == 0  # waiting for the holder's answer, not computing
        shared_sync.pexpire(lock, 1)  # its time runs out now rather than in ten minutes
        response = await post
    assert response.status_code == 200
    assert counting.calls == 1


def response_cache() -> ResponseCache:
    memory = MemoryCache(
        LRUStore(max_entries=10, max_bytes=100_000),
        Codec(compression_threshold=1000, compression_level=1),
    )
    return ResponseCache(
        memory, prefix="p", default_ttl=60, operation_ttls={"qa": 5}, storable=storable
    )


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


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_two_server_processes_sharing_redis_make_one_provider_call(
    shared_sync: redis.Redis, prefix: str, spawn: Spawner
) -> None:
    opened = threading.Event()
    with FakeOpenAI.running() as provider:
        provider.script(Gate(opened))  # the one call the provider should see answers on cue
        env = base_env(
            API_KEY=API_KEY,
            LLM_MODEL="openai:fake-model",
            OPENAI_BASE_URL=provider.url,
            CACHE_REDIS_URL=SHARED_URL,
            CACHE_KEY_PREFIX=prefix,
        )
        ports = [free_port(), free_port()]
        servers = [spawn(f"api-{port}", api_command(port), env) for port in ports]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for server, url in zip(servers, urls, strict=True):
            wait_healthy(server, url)
        async with httpx.AsyncClient(headers={"X-API-Key": API_KEY}, timeout=60) as client:

            async def in_flight() -> bool:
                seen = [(await client.get(f"{u}/internal/cache/metrics")).json() for u in urls]
                return [m["misses"] for m in seen] == [5, 5] and sum(
                    m["lock_waits"] for m in seen
                ) == 1

            posts = [
                asyncio.create_task(
                    client.post(f"{urls[n % 2]}/v1/text_processing/process", json=BODY)
                )
                for n in range(10)
            ]
            # Five requests in each process's flight; one process's leader waits on the lock.
            await eventually(in_flight, what="both flights formed, one waiting on the lock")
            opened.set()
            responses = await asyncio.gather(*posts)
        assert [r.status_code for r in responses] == [200] * 10
        assert len(provider.requests) == 1
        assert sum(not r.json()["cache_hit"] for r in responses) == 1
