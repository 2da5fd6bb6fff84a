"""Fallback models: tried in order when the primary is open or spent, marked degraded, never cached."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fakes.openai_server import FakeOpenAI, HTTPError, Text
from infra.resilience.resilience_support import PROCESS, Sleeps, body, fake_provider_app

from llm_starter_api.resources import Resources

TWO_TRIES = json.dumps({"attempts": 2, "failure_threshold": 2, "recovery_timeout": 60})


@pytest.fixture
async def failing_primary(
    provider: FakeOpenAI,
) -> AsyncIterator[tuple[httpx.AsyncClient, Resources]]:
    """An app whose primary fails twice (enough to trip its breaker), with `local` as fallback."""
    provider.script(HTTPError(503), HTTPError(503))
    async with fake_provider_app(
        provider.url, llm_fallback_models="local", resilience_custom_config=TWO_TRIES
    ) as (client, resources):
        resources.resilience.sleep = Sleeps()
        yield client, resources


async def test_when_the_primary_is_spent_the_fallback_answers_marked_degraded(
    provider: FakeOpenAI, failing_primary: tuple[httpx.AsyncClient, Resources]
) -> None:
    client, resources = failing_primary

    response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    metadata = response.json()["metadata"]
    assert (metadata["model"], metadata["degraded"], metadata["engine"]) == (
        "local",
        True,
        "extractive",
    )
    assert len(provider.requests) == 2
    assert resources.resilience.counts["summarize"].fallbacks == 1


async def test_while_the_primary_is_open_the_fallback_answers_without_calling_it(
    provider: FakeOpenAI, failing_primary: tuple[httpx.AsyncClient, Resources]
) -> None:
    client, resources = failing_primary
    await client.post(PROCESS, json=body())  # trips the primary's breaker

    response = await client.post(PROCESS, json=body(operation="sentiment"))

    assert response.status_code == 200, response.text
    assert response.json()["metadata"]["model"] == "local"
    assert len(provider.requests) == 2  # the second request never reached the provider
    assert resources.resilience.counts["sentiment"].rejected == 1


async def test_a_healthy_primary_answers_without_degraded_metadata(provider: FakeOpenAI) -> None:
    async with fake_provider_app(provider.url, llm_fallback_models="local") as (client, _):
        response = await client.post(PROCESS, json=body())

    metadata = response.json()["metadata"]
    assert metadata["model"] == "openai:fake-model"
    assert "degraded" not in metadata


async def test_permanent_failures_do_not_fall_back(provider: FakeOpenAI) -> None:
    provider.script(HTTPError(401, code="invalid_api_key"))

    async with fake_provider_app(provider.url, llm_fallback_models="local") as (client, _):
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 502


async def test_degraded_answers_are_not_cached(provider: FakeOpenAI) -> None:
    provider.script(HTTPError(503), HTTPError(503), Text("The primary is back."))

    async with fake_provider_app(
        provider.url,
        llm_fallback_models="local",
        resilience_custom_config=json.dumps({"attempts": 2}),
        cache_preset="development",
    ) as (client, resources):
        resources.resilience.sleep = Sleeps()
        degraded = await client.post(PROCESS, json=body())
        again = await client.post(PROCESS, json=body())

    assert degraded.json()["metadata"]["degraded"] is True
    assert again.json()["result"] == "The primary is back."
    assert again.json()["cache_hit"] is False


async def test_without_fallbacks_an_open_breaker_fails_fast_with_retry_after(
    provider: FakeOpenAI,
) -> None:
    provider.script(HTTPError(503), HTTPError(503))

    async with fake_provider_app(provider.url, resilience_custom_config=TWO_TRIES) as (
        client,
        resources,
    ):
        resources.resilience.sleep = Sleeps()
        await client.post(PROCESS, json=body())
        response = await client.post(PROCESS, json=body())
        health = await client.get("/v1/health")

    assert response.status_code == 503
    assert response.json()["error_code"] == "provider_unavailable"
    assert response.json()["details"] == {"reason": "circuit_open", "model": "openai:fake-model"}
    assert 55 <= int(response.headers["retry-after"]) <= 60
    assert len(provider.requests) == 2
    assert (health.json()["status"], health.json()["resilience_healthy"]) == ("degraded", False)
