"""Liveness and readiness: cheap, token-free, 503 when a configured dependency is down."""

import httpx
from apitest import ClientFactory, make_settings, serve

from llm_starter_api.main import create_app


async def test_liveness_checks_nothing_else(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})


async def test_ready_when_the_model_is_configured_and_breakers_closed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["checks"]["model"] == {"ok": True, "detail": "local"}


async def test_not_ready_when_the_configured_redis_is_unreachable(
    make_client: ClientFactory,
) -> None:
    async with make_client(cache_redis_url="redis://127.0.0.1:1/0") as client:
        response = await client.get("/v1/health/ready")
        live = await client.get("/v1/health/live")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert "127.0.0.1" not in response.text  # no connection details
    assert live.status_code == 200


async def test_not_ready_when_every_breaker_is_open() -> None:
    app = create_app(make_settings())
    async with serve(app) as client:
        breaker = app.state.resources.resilience.breakers["local"]
        for _ in range(100):
            await breaker.record_failure()
            if (await breaker.snapshot()).state == "open":
                break
        response = await client.get("/v1/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["circuit_breakers"] == {"ok": False, "detail": "open: local"}


async def test_health_keeps_its_template_fields(client: httpx.AsyncClient) -> None:
    data = (await client.get("/v1/health")).json()
    assert {"status", "timestamp", "version", "ai_model_available"} <= set(data)
