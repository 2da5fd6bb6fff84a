"""Prometheus exposition at /metrics and the JSON summary at /internal/monitoring/metrics."""

from typing import Any

import httpx
import pytest
from apitest import API_KEY, ClientFactory
from prometheus_client import REGISTRY

SECRET_TEXT = "Zanzibar octopus quartet rehearses at dawn"


@pytest.fixture
def body() -> dict[str, Any]:
    return {"text": f"{SECRET_TEXT}. The hall was full and warm.", "operation": "sentiment"}


async def test_metrics_need_the_api_key(make_client: ClientFactory) -> None:
    async with make_client(client_key=None) as client:
        refused = await client.get("/metrics")
        allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {API_KEY}"})
    assert refused.status_code == 401
    assert allowed.status_code == 200
    assert allowed.headers["content-type"].startswith("text/plain; version=")


async def test_production_serves_metrics_with_the_internal_api_off(
    make_client: ClientFactory,
) -> None:
    async with make_client(environment="production") as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/internal/monitoring/metrics")).status_code == 404


async def test_metrics_can_be_switched_off(make_client: ClientFactory) -> None:
    async with make_client(metrics_enabled=False) as client:
        assert (await client.get("/metrics")).status_code == 404


async def test_routes_are_labelled_by_template_never_by_path(client: httpx.AsyncClient) -> None:
    await client.get("/v1/text_processing/batch_status/batch-id-7781")
    await client.get("/v1/no/such/route-5512")
    text = (await client.get("/metrics")).text
    assert 'route="/v1/text_processing/batch_status/{batch_id}"' in text
    assert 'route="unmatched"' in text
    assert "batch-id-7781" not in text
    assert "route-5512" not in text


async def test_a_processed_request_counts_model_calls_tokens_and_cache_lookups(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    calls = ("llm_calls_total", {"model": "local", "operation": "sentiment", "outcome": "ok"})
    tokens = (
        "llm_tokens_total",
        {"model": "local", "operation": "sentiment", "direction": "input", "outcome": "ok"},
    )
    hits = ("cache_lookups_total", {"tier": "memory", "outcome": "hit"})
    before = [REGISTRY.get_sample_value(*sample) or 0.0 for sample in (calls, tokens, hits)]
    first = await client.post("/v1/text_processing/process", json=body)
    second = await client.post("/v1/text_processing/process", json=body)
    after = [REGISTRY.get_sample_value(*sample) or 0.0 for sample in (calls, tokens, hits)]
    assert (first.json()["cache_hit"], second.json()["cache_hit"]) == (False, True)
    assert after[0] == before[0] + 1  # the second answer came from the cache
    assert after[1] > before[1]
    assert after[2] == before[2] + 1


async def test_no_user_text_or_key_reaches_the_exposition(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    await client.post("/v1/text_processing/process", json=body)
    text = (await client.get("/metrics")).text
    assert SECRET_TEXT.split()[0] not in text
    assert API_KEY not in text


async def test_breaker_states_are_exported(client: httpx.AsyncClient) -> None:
    text = (await client.get("/metrics")).text
    assert 'circuit_breaker_state{breaker="local"} 0.0' in text


async def test_summary_reports_requests_errors_and_models(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    await client.post("/v1/text_processing/process", json=body)
    summary = (await client.get("/internal/monitoring/metrics")).json()
    route = summary["requests"]["by_route"]["POST /v1/text_processing/process"]
    assert route["requests"] >= 1
    assert 0.0 <= route["error_rate"] <= 1.0
    assert route["mean_latency_ms"] > 0
    assert summary["llm"]["by_model"]["local"]["calls"] >= 1
    assert summary["llm"]["by_model"]["local"]["cost_usd"] == 0.0
    assert summary["circuit_breakers"] == {"local": "closed"}
    assert {"hits", "misses", "hit_ratio"} <= set(summary["cache"])
