"""CACHE_SCOPE: one client's cached answers never answer another (issue 14, point 1)."""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY, ClientFactory
from redisproc import SHARED_URL, RedisServer, delete_prefix, shared_redis, unique_prefix
from spawn import Spawner, api_command, base_env, free_port, wait_healthy

from llm_starter_api.infra.security.client import key_fingerprint

pytestmark = pytest.mark.redis

SECOND_KEY = "second-key-0123456789"
ADMIN_KEY = "admin-key-0123456789abc"
PROCESS = "/v1/text_processing/process"
INVALIDATE = "/internal/cache/invalidate"
A, B = {"X-API-Key": API_KEY}, {"X-API-Key": SECOND_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}
BODY = {
    "text": "The harbour tide rose twice today and every ferry ran late into the night.",
    "operation": "summarize",
}


@pytest.fixture
def prefix() -> Iterator[str]:
    client, prefix = shared_redis(), unique_prefix()
    yield prefix
    delete_prefix(client, prefix)
    client.close()


def settings(prefix: str, **overrides: Any) -> dict[str, Any]:
    """Two client keys and an admin key over the shared Redis, under the test's own prefix."""
    return {
        "cache_redis_url": SHARED_URL,
        "cache_key_prefix": prefix,
        "additional_api_keys": [SECOND_KEY],
        "internal_api_keys": [ADMIN_KEY],
        **overrides,
    }


def cache_keys(prefix: str) -> list[str]:
    with shared_redis() as client:
        return [k.decode() for k in client.scan_iter(match=f"{prefix}:*", count=500)]


async def post(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(PROCESS, json=BODY, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_another_key_sending_the_same_text_is_a_miss_and_its_owner_s_repeat_a_hit(
    make_client: ClientFactory, prefix: str
) -> None:
    async with make_client(**settings(prefix), client_key=None) as client:
        first = await post(client, A)
        other = await post(client, B)
        repeat = await post(client, A)
    assert [first["cache_hit"], other["cache_hit"], repeat["cache_hit"]] == [False, False, True]
    assert "cached_at" not in other["metadata"]  # B learns nothing of A's answer, nor when
    # The hit is timed now; the time its answer was made is metadata.cached_at.
    assert repeat["metadata"]["cached_at"] == first["timestamp"]
    assert datetime.fromisoformat(repeat["timestamp"]) >= datetime.fromisoformat(first["timestamp"])
    assert repeat["timestamp"] != first["timestamp"]


async def test_redis_key_names_carry_fingerprints_never_a_raw_key(
    make_client: ClientFactory, prefix: str
) -> None:
    async with make_client(**settings(prefix), client_key=None) as client:
        await post(client, A)
        await post(client, B)
    names = cache_keys(prefix)
    answers = [n for n in names if n.startswith(f"{prefix}:ai:")]
    assert {n.split(":")[2] for n in answers} == {
        key_fingerprint(API_KEY),
        key_fingerprint(SECOND_KEY),
    }
    for secret in (API_KEY, SECOND_KEY, ADMIN_KEY):
        assert not [n for n in names if secret in n]


async def test_without_keys_every_caller_shares_the_anonymous_scope(
    make_client: ClientFactory, prefix: str
) -> None:
    overrides = settings(prefix, api_key=None, additional_api_keys=[])
    async with make_client(**overrides, client_key=None) as client:
        assert [(await post(client, {}))["cache_hit"] for _ in range(2)] == [False, True]
    assert [n.split(":")[2] for n in cache_keys(prefix) if ":ai:" in n] == ["anonymous"]


async def test_the_shared_scope_serves_every_key_the_same_answer(
    make_client: ClientFactory, prefix: str
) -> None:
    async with make_client(**settings(prefix, cache_scope="shared"), client_key=None) as client:
        first = await post(client, A)
        other = await post(client, B)
    assert (first["cache_hit"], other["cache_hit"]) == (False, True)
    assert other["metadata"]["cached_at"] == first["timestamp"]
    assert [n.split(":")[2] for n in cache_keys(prefix) if ":ai:" in n] == ["shared"]


async def test_invalidating_a_scope_removes_only_that_scope_s_answers(
    make_client: ClientFactory, prefix: str
) -> None:
    async with make_client(**settings(prefix), client_key=None) as client:
        await post(client, A)
        await post(client, B)
        scope = key_fingerprint(API_KEY)
        response = await client.post(INVALIDATE, json={"scope": scope}, headers=ADMIN)
        assert response.status_code == 200, response.text
        assert response.json()["pattern"] == f"{prefix}:ai:{scope}:*:*:*:*"
        assert response.json()["redis_deleted"] == 1
        assert (await post(client, A))["cache_hit"] is False
        assert (await post(client, B))["cache_hit"] is True
        # Client keys are not admin keys; a scope that is no fingerprint is named as the field.
        refused = await client.post(INVALIDATE, json={"scope": scope}, headers=B)
        bad = await client.post(INVALIDATE, json={"scope": API_KEY}, headers=ADMIN)
    assert refused.status_code == 403
    assert bad.status_code == 422
    assert API_KEY not in bad.text


async def test_a_batch_item_is_cached_in_its_submitter_s_scope(
    make_client: ClientFactory, prefix: str
) -> None:
    batch = {"requests": [BODY]}
    async with make_client(**settings(prefix), client_key=None) as client:
        await post(client, A)
        response = await client.post("/v1/text_processing/batch_process", json=batch, headers=B)
        mine = await post(client, B)
    [item] = response.json()["results"]
    assert item["response"]["cache_hit"] is False
    assert mine["cache_hit"] is True  # the batch stored B's answer in B's scope


async def test_a_stream_never_reveals_another_key_s_cached_answer(
    make_client: ClientFactory, prefix: str
) -> None:
    async with make_client(**settings(prefix), client_key=None) as client:
        first = await post(client, A)
        async with client.stream("POST", PROCESS + "/stream", json=BODY, headers=B) as response:
            lines = [line async for line in response.aiter_lines()]
    done = json.loads(lines[lines.index("event: done") + 1].removeprefix("data: "))
    assert done["cache_hit"] is False
    assert "cached_at" not in done["metadata"]
    assert done["timestamp"] != first["timestamp"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_api_processes_keep_each_key_s_answers_apart(
    tmp_path: Path, redis_server: RedisServer, spawn: Spawner
) -> None:
    prefix = unique_prefix()
    env = base_env(
        API_KEY=API_KEY,
        ADDITIONAL_API_KEYS=SECOND_KEY,
        INTERNAL_API_KEYS=ADMIN_KEY,
        CACHE_REDIS_URL=redis_server.url,
        CACHE_KEY_PREFIX=prefix,
    )
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for port, url in zip(ports, urls, strict=True):
        wait_healthy(spawn(f"api-{port}", api_command(port), env), url)
    first_url, second_url = urls
    with httpx.Client(timeout=30) as http:

        def hit(url: str, headers: dict[str, str]) -> bool:
            response = http.post(url + PROCESS, json=BODY, headers=headers)
            assert response.status_code == 200, response.text
            return bool(response.json()["cache_hit"])

        # A computes on the first process; B, on the second, is a miss; A there is a hit (Redis).
        assert [hit(first_url, A), hit(second_url, B), hit(second_url, A)] == [False, False, True]
    with redis.Redis.from_url(redis_server.url) as client:
        names = [k.decode() for k in client.scan_iter(match=f"{prefix}:ai:*")]
    assert sorted(n.split(":")[2] for n in names) == sorted(
        [key_fingerprint(API_KEY), key_fingerprint(SECOND_KEY)]
    )
