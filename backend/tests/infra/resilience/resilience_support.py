"""Helpers for resilience tests: the shared Redis DB, a fake clock, and apps over the fake provider."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from apitest import make_settings, serve
from redis.asyncio import Redis

from llm_starter_api.main import create_app
from llm_starter_api.resources import Resources

REDIS_URL = "redis://127.0.0.1:6379/10"
PROCESS = "/v1/text_processing/process"
TEXT = "Tides rise and fall twice a day along most coasts of the world."


def unique_prefix() -> str:
    """A Redis key prefix no other test uses."""
    return f"test-resilience-{uuid.uuid4().hex[:12]}"


async def delete_prefix(client: Redis, prefix: str) -> None:
    """Delete every key under `prefix`."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sleeps:
    """A stand-in for asyncio.sleep that returns at once and remembers each wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@asynccontextmanager
async def fake_provider_app(
    provider_url: str, **settings: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Resources]]:
    """A client of an app whose LLM_MODEL is `openai:fake-model` at `provider_url`, and its resources."""
    values: dict[str, Any] = {
        "llm_model": "openai:fake-model",
        "openai_base_url": provider_url,
        "cache_preset": "disabled",  # every request reaches the resilience layer
        # A server behind OPENAI_BASE_URL defaults to the self-hosted 120 s; these tests time
        # the hosted default the strategies are written for.
        "llm_timeout_seconds": 30,
        **settings,
    }
    app = create_app(make_settings(**values))
    async with serve(app) as client:
        yield client, app.state.resources


def body(text: str = TEXT, operation: str = "summarize") -> dict[str, Any]:
    """A /process request body."""
    question = "How often do tides rise?" if operation == "qa" else None
    return {"text": text, "operation": operation, "question": question}
