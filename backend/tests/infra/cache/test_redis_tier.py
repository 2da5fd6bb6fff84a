"""The Redis tier: memory in front, corrupted values dropped, failures absorbed, SCAN invalidation."""

import pytest
import redis
import redis.asyncio
from cryptography.fernet import Fernet
from spawn import free_port

from llm_starter_api.config_values import fernet_keys
from llm_starter_api.infra.cache.availability import Availability
from llm_starter_api.infra.cache.codec import Codec
from llm_starter_api.infra.cache.keys import ai_key, ai_pattern
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.redis_cache import RedisCache
from llm_starter_api.infra.redis import RedisOptions, create_redis

VALUE = {"operation": "summarize", "result": "A summary."}


def redis_cache(
    client: redis.asyncio.Redis,
    *,
    prefix: str = "p",
    front_entries: int = 100,
    codec: Codec | None = None,
) -> RedisCache:
    return RedisCache(
        client,
        url="redis://127.0.0.1:6379/9",
        front=LRUStore(max_entries=front_entries, max_bytes=1_000_000),
        codec=codec or Codec(compression_threshold=1024, compression_level=3),
        memory_ttl=60,
        prefix=prefix,
    )


@pytest.fixture
def key(prefix: str) -> str:
    """A key under this test's own prefix on the shared server (deleted afterwards)."""
    return f"{prefix}:k"


@pytest.mark.redis
async def test_values_go_through_redis_when_the_memory_tier_is_off(
    shared_async: redis.asyncio.Redis,
    prefix: str,
    key: str,
) -> None:
    cache = redis_cache(shared_async, prefix=prefix, front_entries=0)
    await cache.set(key, VALUE, ttl=60)
    assert await shared_async.ttl(key) == 60
    assert await cache.get(key) == VALUE
    assert cache.metrics.snapshot()["tiers"]["redis"]["hits"] == 1


@pytest.mark.redis
async def test_the_memory_tier_answers_before_redis(
    shared_async: redis.asyncio.Redis, prefix: str, key: str
) -> None:
    cache = redis_cache(shared_async, prefix=prefix)
    await cache.set(key, VALUE, ttl=60)
    await shared_async.delete(key)
    assert await cache.get(key) == VALUE
    assert cache.metrics.snapshot()["tiers"]["redis"]["hits"] == 0


@pytest.mark.redis
async def test_a_redis_hit_is_copied_into_the_memory_tier(
    shared_async: redis.asyncio.Redis, prefix: str, key: str
) -> None:
    # Two processes sharing one Redis.
    writer, reader = (
        redis_cache(shared_async, prefix=prefix),
        redis_cache(shared_async, prefix=prefix),
    )
    await writer.set(key, VALUE, ttl=60)
    assert await reader.get(key) == VALUE
    assert reader.front.get(key) is not None


@pytest.mark.redis
async def test_a_corrupted_redis_value_is_a_miss_deleted_and_counted(
    shared_async: redis.asyncio.Redis,
    prefix: str,
    key: str,
) -> None:
    cache = redis_cache(shared_async, prefix=prefix)
    await shared_async.set(key, b"\x00{truncated")
    assert await cache.get(key) is None
    assert await shared_async.exists(key) == 0
    assert cache.metrics.snapshot()["corrupted"] == 1


@pytest.mark.redis
async def test_a_value_planted_in_plaintext_is_refused_when_encryption_is_on(
    shared_async: redis.asyncio.Redis,
    prefix: str,
    key: str,
) -> None:
    codec = Codec(
        compression_threshold=1024,
        compression_level=3,
        encryption=fernet_keys(Fernet.generate_key().decode()),
    )
    cache = redis_cache(shared_async, prefix=prefix, front_entries=0, codec=codec)
    await shared_async.set(key, b"\x00" + b'{"result": "planted"}')
    assert await cache.get(key) is None
    await cache.set(key, VALUE, ttl=60)
    stored = await shared_async.get(key)
    assert stored is not None
    assert b"summary" not in stored
    assert await cache.get(key) == VALUE


async def test_an_unreachable_redis_is_a_miss_and_writes_still_reach_memory() -> None:
    client = create_redis(
        RedisOptions(url=f"redis://127.0.0.1:{free_port()}/0", timeout_seconds=0.2)
    )
    cache = redis_cache(client)
    assert await cache.get("p:k") is None
    await cache.set("p:k", VALUE, ttl=60)
    assert await cache.get("p:k") == VALUE
    assert not await cache.healthy()
    status = await cache.status()
    assert (status.connected, status.redis["status"]) == (False, "disconnected")
    assert cache.metrics.snapshot()["errors"] >= 1
    await client.aclose()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_while_down_one_call_per_window_probes_and_the_window_grows_to_a_cap() -> None:
    clock = Clock()
    gate = Availability(first_backoff=1.0, max_backoff=4.0, clock=clock)
    gate.failed(ConnectionError())
    assert not gate.allow()
    windows = []
    for _ in range(5):
        clock.now += 10
        assert gate.allow()
        assert not gate.allow()  # everyone else waits for the next window
        gate.failed(ConnectionError())
        start = clock.now
        while not gate.allow():
            clock.now += 0.05
        windows.append(round(clock.now - start))
        gate.failed(ConnectionError())
    assert windows[-1] <= 5
    assert windows[0] < windows[-1]


def test_calls_already_in_flight_when_redis_fails_do_not_grow_the_window() -> None:
    gate = Availability(first_backoff=1.0, max_backoff=60.0, clock=Clock())
    for _ in range(20):
        gate.failed(ConnectionError())
    assert gate._backoff == 1.0


def test_one_success_brings_redis_back() -> None:
    clock = Clock()
    gate = Availability(first_backoff=1.0, clock=clock)
    gate.failed(ConnectionError())
    clock.now += 2
    assert gate.allow()
    gate.succeeded()
    assert gate.up
    assert gate.allow()
    assert gate.allow()


@pytest.mark.redis
async def test_invalidation_scans_only_the_matching_keys_of_its_prefix(
    shared_async: redis.asyncio.Redis, prefix: str
) -> None:
    cache, other = redis_cache(shared_async, prefix=prefix), redis_cache(shared_async, prefix="x")
    inputs = {"text": "t"}
    names = []
    for operation in ("summarize", "summarize", "qa"):
        inputs = {"text": inputs["text"] + "!"}
        key = ai_key(
            prefix,
            scope="shared",
            operation=operation,
            model="local",
            prompt_version="1",
            inputs=inputs,
        )
        names.append(key.name)
        await cache.set(key.name, VALUE, ttl=60)
    outsider = ai_key(
        f"{prefix}x",
        scope="shared",
        operation="summarize",
        model="local",
        prompt_version="1",
        inputs={},
    )
    await other.set(outsider.name, VALUE, ttl=60)
    deleted = await cache.invalidate(ai_pattern(prefix, operation="summarize"))
    assert (deleted.redis, deleted.memory) == (2, 2)
    assert await shared_async.exists(*names) == 1
    assert await shared_async.exists(outsider.name) == 1
    await shared_async.delete(outsider.name)


@pytest.mark.redis
async def test_status_counts_this_prefix_and_reports_the_connection(
    shared_async: redis.asyncio.Redis, prefix: str
) -> None:
    cache = redis_cache(shared_async, prefix=prefix)
    for n in range(3):
        await cache.set(f"{prefix}:ai:qa:m:v:{n}", VALUE, ttl=60)
    status = await cache.status()
    assert status.connected
    assert status.redis["status"] == "connected"
    assert status.redis["keys"] == 3
    assert status.redis["url"] == "redis://127.0.0.1:6379/9"
