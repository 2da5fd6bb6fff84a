"""Cache hits next to the least work a hit can be: a dict lookup plus JSON, or one raw Redis GET.

Each measured call runs a batch of sequential awaits inside one `run_until_complete`, the same way
for a tier and its baseline, so the event loop's entry cost is shared and the ratio is the tier's own.
Redis is the shared server on 127.0.0.1:6379 (DB 9), under a prefix deleted afterwards.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator

import orjson
import pytest
import redis
from cryptography.fernet import Fernet
from pytest_benchmark.fixture import BenchmarkFixture
from redis.asyncio import Redis

from llm_starter_api.config_values import fernet_keys
from llm_starter_api.infra.cache.codec import Codec
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import MemoryCache
from llm_starter_api.infra.cache.redis_cache import RedisCache
from llm_starter_api.infra.redis import RedisOptions, create_redis

BATCH = 200  # awaits per measured call
REDIS_URL = "redis://127.0.0.1:6379/9"
PREFIX = f"bench{uuid.uuid4().hex[:8]}"
KEY = f"{PREFIX}:ai:summarize:local:v1:{'0' * 64}"

# A typical stored answer: a summary of about 100 words with its metadata (~900 bytes of JSON).
VALUE = {
    "operation": "summarize",
    "success": True,
    "result": " ".join(["Rivers carry water and sediment from the hills to the sea."] * 10),
    "metadata": {
        "word_count": 1000,
        "model": "openai:gpt-4o-mini",
        "prompt_version": "2026-11-26.1",
        "input_tokens": 1350,
        "output_tokens": 130,
    },
    "processing_time": 1.234,
    "timestamp": "2026-11-26T12:00:00Z",
    "cache_hit": False,
}


def codec(*, encrypted: bool = False) -> Codec:
    key = fernet_keys(Fernet.generate_key().decode()) if encrypted else None
    return Codec(compression_threshold=4096, compression_level=3, encryption=key)


def batched(
    loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[object]]
) -> Callable[[], None]:
    """One measured call: BATCH sequential awaits of `call` in one run of the loop."""

    async def batch() -> None:
        for _ in range(BATCH):
            await call()

    return lambda: loop.run_until_complete(batch())


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def client(loop: asyncio.AbstractEventLoop) -> Iterator[Redis]:
    """The client the app would build, over the shared Redis; fails (never skips) when it is down."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.ConnectionError:
        pytest.fail("no Redis on 127.0.0.1:6379: start one (`redis-server --daemonize yes`)")
    client = create_redis(RedisOptions(url=REDIS_URL, timeout_seconds=2.0))
    yield client
    loop.run_until_complete(client.delete(KEY))
    loop.run_until_complete(client.aclose())


async def _async_lookup(data: dict[str, bytes]) -> object:
    return orjson.loads(data[KEY])


@pytest.mark.benchmark(group="cache-memory")
def test_baseline_dict_lookup_and_orjson_loads(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop
) -> None:
    data = {KEY: codec().encode(VALUE)[1:]}  # the same JSON bytes, without the header byte
    benchmark(batched(loop, lambda: _async_lookup(data)))


@pytest.mark.benchmark(group="cache-memory")
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_memory_tier_hit(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, encrypted: bool
) -> None:
    cache = MemoryCache(LRUStore(max_entries=1000, max_bytes=10**7), codec(encrypted=encrypted))
    loop.run_until_complete(cache.set(KEY, VALUE, ttl=3600))
    assert loop.run_until_complete(cache.get(KEY)) == VALUE
    benchmark(batched(loop, lambda: cache.get(KEY)))


@pytest.mark.benchmark(group="cache-redis")
def test_baseline_raw_redis_get(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, client: Redis
) -> None:
    loop.run_until_complete(client.set(KEY, codec().encode(VALUE), ex=3600))
    benchmark(batched(loop, lambda: client.get(KEY)))


@pytest.mark.benchmark(group="cache-redis")
def test_redis_tier_hit_without_memory_tier(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, client: Redis
) -> None:
    cache = RedisCache(
        client,
        url=REDIS_URL,
        front=LRUStore(max_entries=0, max_bytes=0),  # every hit goes to Redis
        codec=codec(),
        memory_ttl=60,
        prefix=PREFIX,
    )
    loop.run_until_complete(cache.set(KEY, VALUE, ttl=3600))
    assert loop.run_until_complete(cache.get(KEY)) == VALUE
    benchmark(batched(loop, lambda: cache.get(KEY)))
    assert cache.metrics.snapshot()["errors"] == 0
