"""Rate limits shared by app instances through one real Redis: the limit holds across them."""

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import redis.asyncio
from apitest import client_factory
from prometheus_client import REGISTRY

pytestmark = pytest.mark.redis

PROCESS = "/v1/text_processing/process"
# The machine's shared Redis: DB 11 and a prefix of each test's own, deleted afterwards.
REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    prefix = f"test-ratelimit-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def _two_apps(stack: AsyncExitStack, **settings: Any) -> list[httpx.AsyncClient]:
    return [await stack.enter_async_context(client_factory(**settings)) for _ in range(2)]


@pytest.fixture(params=["own_url", "shared_client"])
async def apps(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two app instances counting in DB 11: via RATE_LIMIT_STORAGE_URL, or the app's own Redis."""
    settings: dict[str, Any] = {
        "rate_limit_heavy": "5/minute",
        "rate_limit_key_prefix": redis_prefix,
    }
    if request.param == "own_url":
        settings["rate_limit_storage_url"] = REDIS_URL
    else:
        settings |= {"cache_redis_url": REDIS_URL, "cache_key_prefix": redis_prefix}
    async with AsyncExitStack() as stack:
        yield await _two_apps(stack, **settings)


async def test_limit_holds_exactly_across_two_app_instances(
    apps: list[httpx.AsyncClient], body: dict[str, Any], redis_prefix: str
) -> None:
    fallbacks = REGISTRY.get_sample_value("rate_limit_storage_fallbacks_total") or 0.0
    a, b = apps
    via_a = [(await a.post(PROCESS, json=body)).status_code for _ in range(3)]
    via_b = [(await b.post(PROCESS, json=body)).status_code for _ in range(2)]
    sixth_a = await a.post(PROCESS, json=body)
    sixth_b = await b.post(PROCESS, json=body)
    assert via_a + via_b == [200] * 5
    assert (sixth_a.status_code, sixth_b.status_code) == (429, 429)
    assert sixth_b.headers["x-ratelimit-remaining"] == "0"
    # Counted in Redis, not in each process's memory.
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    assert [key async for key in client.scan_iter(match=f"{redis_prefix}*LIMITER*")]
    await client.aclose()
    assert (REGISTRY.get_sample_value("rate_limit_storage_fallbacks_total") or 0.0) == fallbacks
