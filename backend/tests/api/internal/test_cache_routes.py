"""/internal/cache: status, metrics and invalidation, through the app."""

from collections.abc import Iterator

import httpx
import pytest
from apitest import ClientFactory
from cryptography.fernet import Fernet
from redisproc import SHARED_URL, delete_prefix, shared_redis, unique_prefix

from llm_starter_api.text.operations import qa

TEXT = "Rivers carry water to the sea. The Nile is the longest river in Africa."
SUMMARIZE = {"text": TEXT, "operation": "summarize"}
QA = {"text": TEXT, "operation": "qa", "question": "Which river is longest?"}


async def hit(client: httpx.AsyncClient, body: dict[str, str]) -> bool:
    response = await client.post("/v1/text_processing/process", json=body)
    assert response.status_code == 200
    cache_hit: bool = response.json()["cache_hit"]
    return cache_hit


async def test_status_of_the_default_in_memory_cache(make_client: ClientFactory) -> None:
    async with make_client() as client:
        await hit(client, SUMMARIZE)
        status = (await client.get("/internal/cache/status")).json()
    assert (status["preset"], status["tier"], status["connected"]) == (
        "development",
        "memory",
        True,
    )
    assert status["keys"] == 1
    assert status["redis"] == {"status": "not_configured"}
    assert status["security"]["configuration"]["tls_enabled"] is False


async def test_metrics_count_hits_misses_and_tier_latency(make_client: ClientFactory) -> None:
    async with make_client() as client:
        assert [await hit(client, SUMMARIZE) for _ in range(4)] == [False, True, True, True]
        metrics = (await client.get("/internal/cache/metrics")).json()
    assert (metrics["hits"], metrics["misses"], metrics["hit_ratio"]) == (3, 1, 0.75)
    assert metrics["stores"] == 1
    memory = metrics["tiers"]["memory"]
    assert memory["hits"] == 3
    assert memory["latency"]["p99_ms"] >= memory["latency"]["p50_ms"] > 0


@pytest.mark.parametrize(
    ("scope", "summarize_hit", "qa_hit"),
    [
        ({"operation": "summarize"}, False, True),
        ({"model": "local"}, False, False),
        ({"prompt_version": qa.OPERATION.prompt_version, "operation": "qa"}, True, False),
        ({"prompt_version": "1999-01-01.1"}, True, True),
        ({"all": True}, False, False),
    ],
)
async def test_invalidation_deletes_exactly_its_scope(
    make_client: ClientFactory, scope: dict[str, object], summarize_hit: bool, qa_hit: bool
) -> None:
    async with make_client() as client:
        await hit(client, SUMMARIZE)
        await hit(client, QA)
        response = await client.post("/internal/cache/invalidate", json=scope)
        assert response.status_code == 200
        expected = [summarize_hit, qa_hit].count(False)
        assert response.json()["deleted"] == response.json()["memory_deleted"] == expected
        assert (await hit(client, SUMMARIZE), await hit(client, QA)) == (summarize_hit, qa_hit)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"all": False},
        {"all": True, "operation": "qa"},
        {"operation": "translate"},
        {"all": 1},
        {"all": "true"},
    ],
)
async def test_invalidation_needs_one_clear_scope(
    make_client: ClientFactory, body: dict[str, object]
) -> None:
    async with make_client() as client:
        response = await client.post("/internal/cache/invalidate", json=body)
    assert response.status_code == 422


@pytest.mark.parametrize("path", ["/internal/cache/status", "/internal/cache/metrics"])
async def test_cache_routes_need_an_api_key(make_client: ClientFactory, path: str) -> None:
    async with make_client(client_key=None) as client:
        assert (await client.get(path)).status_code == 401


async def test_the_disabled_preset_never_serves_from_cache(make_client: ClientFactory) -> None:
    async with make_client(cache_preset="disabled") as client:
        assert [await hit(client, SUMMARIZE) for _ in range(2)] == [False, False]
        status = (await client.get("/internal/cache/status")).json()
        health = (await client.get("/v1/health")).json()
    assert status["tier"] == "disabled"
    assert (health["status"], health["cache_healthy"]) == ("healthy", None)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client, prefix = shared_redis(), unique_prefix()
    yield prefix
    delete_prefix(client, prefix)
    client.close()


@pytest.mark.redis
async def test_status_and_invalidation_reach_redis(
    make_client: ClientFactory, redis_prefix: str
) -> None:
    settings = {"cache_redis_url": SHARED_URL, "cache_key_prefix": redis_prefix}
    async with make_client(**settings) as client:
        await hit(client, SUMMARIZE)
        await hit(client, QA)
        status = (await client.get("/internal/cache/status")).json()
        response = await client.post("/internal/cache/invalidate", json={"operation": "qa"})
        after = (await client.get("/internal/cache/status")).json()
    assert (status["tier"], status["connected"], status["keys"]) == ("redis", True, 2)
    assert status["redis"]["status"] == "connected"
    assert response.json()["redis_deleted"] == 1
    assert response.json()["pattern"] == f"{redis_prefix}:ai:*:qa:*:*:*"
    assert after["keys"] == 1


@pytest.mark.redis
async def test_with_an_encryption_key_redis_holds_only_ciphertext(
    make_client: ClientFactory, redis_prefix: str
) -> None:
    settings = {
        "cache_redis_url": SHARED_URL,
        "cache_key_prefix": redis_prefix,
        "cache_encryption_key": Fernet.generate_key().decode(),
    }
    async with make_client(**settings) as client:
        assert [await hit(client, SUMMARIZE) for _ in range(2)] == [False, True]
        status = (await client.get("/internal/cache/status")).json()
    assert status["security"]["configuration"]["encryption_enabled"] is True
    redis = shared_redis()
    [stored] = [redis.get(key) for key in redis.scan_iter(match=f"{redis_prefix}:ai:*")]
    redis.close()
    assert stored is not None
    assert stored[:1] == b"\x02"
    assert b"Nile" not in stored
    assert b"summarize" not in stored
