"""Resilience fixtures: the fake OpenAI server, and the shared Redis (DB 10) under a unique prefix."""

from collections.abc import AsyncIterator, Iterator

import pytest
from fakes.openai_server import FakeOpenAI
from infra.resilience.resilience_support import REDIS_URL, delete_prefix, unique_prefix
from pydantic_ai.models import override_allow_model_requests
from redis.asyncio import Redis


@pytest.fixture
def provider() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on a real socket; requests to it are allowed."""
    with override_allow_model_requests(True), FakeOpenAI.running() as server:
        yield server


@pytest.fixture
def key_prefix() -> str:
    return unique_prefix()


@pytest.fixture
async def redis(key_prefix: str) -> AsyncIterator[Redis]:
    """A client of the shared Redis, DB 10; the test's keys are deleted afterwards."""
    client = Redis.from_url(REDIS_URL, socket_timeout=2)
    yield client
    await delete_prefix(client, key_prefix)
    await client.aclose()
