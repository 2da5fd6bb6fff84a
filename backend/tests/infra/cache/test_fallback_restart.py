"""Redis going away: requests keep succeeding from memory, health says degraded, Redis comes back."""

from pathlib import Path

import httpx
import pytest
import redis
from apitest import client_factory
from redisproc import RedisServer, unique_prefix
from waits import eventually

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
    sent = 0

    async def stored_in_redis() -> bool:
        nonlocal sent
        await process(client, first + sent)
        sent += 1
        return bool(keys(server, prefix))

    # The cache probes Redis again after a backoff of a second or two: new requests until then.
    await eventually(stored_in_redis, what="the Redis tier used again after Redis came back")
    return sent


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
