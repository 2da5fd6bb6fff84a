"""Job fixtures: a private redis-server (arq's own keys have no prefix) and a scripted service."""

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import pytest
from redis.asyncio import Redis
from redisproc import RedisServer

from llm_starter_api.errors import ProviderRejected
from llm_starter_api.text.service import TextService
from llm_starter_models import TextProcessingRequest, TextProcessingResponse


class ScriptedService:
    """Stands in for TextService: records each text, waits `delay`, refuses texts in `refuse`."""

    def __init__(self, *, delay: float = 0.0, refuse: tuple[str, ...] = ()) -> None:
        self.delay = delay
        self.refuse = refuse
        self.calls: list[str] = []
        self.owners: set[str] = set()

    async def process(
        self, request: TextProcessingRequest, *, owner: str
    ) -> TextProcessingResponse:
        self.calls.append(request.text)
        self.owners.add(owner)
        await asyncio.sleep(self.delay)
        if request.text in self.refuse:
            raise ProviderRejected()
        return TextProcessingResponse(operation=request.operation, result=f"done: {request.text}")

    def as_service(self) -> TextService:
        return cast("TextService", self)


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url, socket_timeout=2)
    yield client
    await client.aclose()
