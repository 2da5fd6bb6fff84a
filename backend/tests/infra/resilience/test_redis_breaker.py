"""Breaker state in a real Redis: every worker and every app instance sees the same breaker."""

import asyncio
import json
import socket
import time
from contextlib import AsyncExitStack

import pytest
from fakes.openai_server import FakeOpenAI, HTTPError
from infra.resilience.resilience_support import (
    PROCESS,
    REDIS_URL,
    Clock,
    Sleeps,
    body,
    fake_provider_app,
)
from redis.asyncio import Redis

from llm_starter_api.infra.resilience.breaker import (
    BreakerConfig,
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
)
from llm_starter_api.infra.resilience.redis_store import RedisStore

pytestmark = pytest.mark.redis

CONFIG = BreakerConfig(failure_threshold=2, window=30.0, recovery_timeout=5.0)
MODEL = "openai:fake-model"
BREAKERS = "/internal/resilience/circuit-breakers"


def worker(redis: Redis, key_prefix: str, clock: Clock) -> CircuitBreaker:
    """A breaker as one worker process holds it: its own object, the shared state."""
    return CircuitBreaker(MODEL, RedisStore(redis, MODEL, CONFIG, prefix=key_prefix), clock=clock)


async def test_a_breaker_tripped_by_one_worker_is_open_for_another(
    redis: Redis, key_prefix: str
) -> None:
    clock = Clock()
    first, second = worker(redis, key_prefix, clock), worker(redis, key_prefix, clock)

    await first.record_failure()
    await second.record_failure()

    with pytest.raises(CircuitOpen):
        await first.acquire()
    with pytest.raises(CircuitOpen):
        await second.acquire()
    # Only the worker that made a transition logs and counts it.
    assert (first.counts.opened, second.counts.opened) == (0, 1)


async def test_after_recovery_exactly_one_worker_gets_the_probe(
    redis: Redis, key_prefix: str
) -> None:
    clock = Clock()
    workers = [worker(redis, key_prefix, clock) for _ in range(4)]
    await workers[0].record_failure()
    await workers[0].record_failure()
    clock.advance(CONFIG.recovery_timeout)

    async def try_to_probe(breaker: CircuitBreaker) -> bool:
        try:
            return await breaker.acquire()
        except CircuitOpen:
            return False

    probes = await asyncio.gather(*(try_to_probe(w) for w in workers for _ in range(5)))

    assert sum(probes) == 1


async def test_two_app_instances_share_trips_probes_and_resets(
    provider: FakeOpenAI, redis: Redis, key_prefix: str
) -> None:
    provider.script(HTTPError(503), HTTPError(503))
    config = {"attempts": 1, "failure_threshold": 2, "recovery_timeout": 300}
    settings = {
        "cache_redis_url": REDIS_URL,
        "cache_key_prefix": key_prefix,
        "resilience_custom_config": json.dumps(config),
    }
    async with AsyncExitStack() as stack:
        a, on_a = await stack.enter_async_context(fake_provider_app(provider.url, **settings))
        b, on_b = await stack.enter_async_context(fake_provider_app(provider.url, **settings))
        # Both instances read one clock the test moves (hosts share wall-clock time in Redis).
        clock = Clock(time.time())
        for resources in (on_a, on_b):
            for breaker in resources.resilience.breakers.values():
                breaker.clock = clock

        assert (await a.post(PROCESS, json=body())).status_code == 503
        assert (await a.post(PROCESS, json=body())).status_code == 503  # trips the breaker
        fail_fast = await b.post(PROCESS, json=body())
        assert fail_fast.json()["details"]["reason"] == "circuit_open"
        assert len(provider.requests) == 2  # b never reached the provider
        [seen_by_b] = (await b.get(BREAKERS)).json()["breakers"]
        assert (seen_by_b["name"], seen_by_b["state"]) == (MODEL, "open")

        clock.advance(300)  # the recovery timeout passes: b's next call is the probe
        assert (await b.post(PROCESS, json=body())).status_code == 200
        [seen_by_a] = (await a.get(BREAKERS)).json()["breakers"]
        assert seen_by_a["state"] == "closed"

        provider.script(HTTPError(503), HTTPError(503))
        await a.post(PROCESS, json=body())
        await a.post(PROCESS, json=body())
        reset = await b.post(f"{BREAKERS}/{MODEL}/reset")
        assert reset.json()["state"] == "closed"
        assert (await a.post(PROCESS, json=body())).status_code == 200


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_redis_leaves_breakers_working_on_local_state(
    provider: FakeOpenAI,
) -> None:
    provider.script(HTTPError(503), HTTPError(503))
    settings = {
        "cache_redis_url": f"redis://127.0.0.1:{closed_port()}/10",
        "resilience_custom_config": json.dumps({"attempts": 2, "failure_threshold": 2}),
    }

    async with fake_provider_app(provider.url, **settings) as (client, resources):
        resources.resilience.sleep = Sleeps()
        tripped = await client.post(PROCESS, json=body())
        fail_fast = await client.post(PROCESS, json=body())
        breakers = (await client.get(BREAKERS)).json()["breakers"]

    assert tripped.json()["details"] is None  # the provider failed; the breaker had not opened yet
    assert fail_fast.json()["details"]["reason"] == "circuit_open"
    assert breakers[0]["state"] == BreakerState.OPEN
