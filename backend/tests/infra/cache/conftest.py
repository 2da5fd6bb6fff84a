"""Cache fixtures: the shared Redis under a unique prefix, and redis-server processes of our own."""

from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio
from redisproc import (
    SHARED_URL,
    delete_prefix,
    shared_redis,
    unique_prefix,
)


@pytest.fixture
def prefix() -> str:
    return unique_prefix()


@pytest.fixture
def shared_sync(prefix: str) -> Iterator[redis.Redis]:
    """A sync client of the shared server; the test's keys are deleted afterwards."""
    client = shared_redis()
    yield client
    delete_prefix(client, prefix)
    client.close()


@pytest.fixture
async def shared_async(shared_sync: redis.Redis) -> AsyncIterator[redis.asyncio.Redis]:
    """An asyncio client of the shared server (DB 9)."""
    client = redis.asyncio.Redis.from_url(SHARED_URL, socket_timeout=2)
    yield client
    await client.aclose()
