"""Redis going away: requests keep succeeding from memory, health says degraded, Redis comes back."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest
import redis
from apitest import client_factory
from infra.cache.redisproc import RedisServer, unique_prefix

pytestmark = [pytest.mark.redis, pytest.mark.slow]

TEXT = "Rivers carry water to the sea. The Nile is the longest river in Africa. Case {n}."


async def process(client: httpx.AsyncClient, n: int) -> httpx.Response:
    body = {"text": TEXT.format(n=n), "operation": "summarize"}
    response = await client.post("/v1/text_processing/process", json=body)
    assert response.status_code == 200, response.text
    return response


async def health(client: httpx.AsyncClient) -> tuple[str, bool | None]:
    body = (await client.get("/v1/health")).json()
    return body["status"], body["cache_healthy"]


def keys(server: RedisServer, prefix: str) -> list[bytes]:
    client = redis.Redis.from_url(server.url, socket_timeout=2)
    try:
        return list(client.scan_iter(match=f"{prefix}:ai:*"))
    finally:
        client.close()


async def until_redis_is_used_again(
    client: httpx.AsyncClient, server: RedisServer, prefix: str, first: int
) -> int:
    """Send new requests until one lands in Redis; how many it took."""
    deadline = time.monotonic() + 20
    n = first
    while time.monotonic() < deadline:
        await process(client, n)
        if keys(server, prefix):
            return n - first + 1
        n += 1
        await asyncio.sleep(0.1)
    pytest.fail("the Redis tier was not used again within 20 s of Redis coming back")


async def test_redis_stopped_mid_run_then_restarted_is_used_again(tmp_path: Path) -> None:
    server, prefix = RedisServer(tmp_path), unique_prefix()
    server.start()
    try:
        async with client_factory(cache_redis_url=server.url, cache_key_prefix=prefix) as client:
            first = await process(client, 1)
            assert len(keys(server, prefix)) == 1
            assert await health(client) == ("healthy", True)

            server.stop()
            again = await process(client, 1)  # from the memory tier
            assert again.json()["cache_hit"] is True
            assert again.json()["result"] == first.json()["result"]
            for n in range(2, 6):  # new answers, computed and kept in memory
                assert (await process(client, n)).json()["cache_hit"] is False
            assert (await process(client, 2)).json()["cache_hit"] is True
            assert await health(client) == ("degraded", False)
            status = (await client.get("/internal/cache/status")).json()
            assert (status["connected"], status["redis"]["status"]) == (False, "disconnected")

            server.start()  # same port, empty (no persistence)
            await until_redis_is_used_again(client, server, prefix, first=100)
            assert await health(client) == ("healthy", True)
            metrics = (await client.get("/internal/cache/metrics")).json()
            assert metrics["errors"] >= 1
    finally:
        server.stop()


async def test_redis_down_at_start_up_serves_from_memory_until_it_appears(tmp_path: Path) -> None:
    server, prefix = RedisServer(tmp_path), unique_prefix()  # not started yet
    try:
        async with client_factory(cache_redis_url=server.url, cache_key_prefix=prefix) as client:
            assert await health(client) == ("degraded", False)
            await process(client, 1)
            assert (await process(client, 1)).json()["cache_hit"] is True

            server.start()
            await until_redis_is_used_again(client, server, prefix, first=100)
            assert await health(client) == ("healthy", True)
    finally:
        server.stop()
