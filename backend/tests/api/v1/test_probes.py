"""Liveness and readiness: cheap, token-free; 503 only for what the instance cannot serve without."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from apitest import ClientFactory, make_settings, serve
from redisproc import RedisServer, unique_prefix
from waits import eventually

from llm_starter_api.infra.monitoring.readiness import Check, verdict
from llm_starter_api.main import create_app

TEXT = "Rivers carry water to the sea. The Nile is the longest river in Africa."


async def test_liveness_checks_nothing_else(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})


async def test_ready_when_the_model_is_configured_and_breakers_closed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["checks"]["model"] == {"ok": True, "detail": "local", "required": True}


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ([Check("model", True, "local"), Check("redis", True, "reachable", False)], "ready"),
        ([Check("model", True, "local"), Check("redis", False, "down", False)], "degraded"),
        ([Check("model", False, "none"), Check("redis", True, "reachable", False)], "not_ready"),
        ([Check("model", False, "none"), Check("redis", False, "down", False)], "not_ready"),
    ],
)
def test_only_a_failed_required_check_makes_an_instance_not_ready(
    checks: list[Check], expected: str
) -> None:
    assert verdict(checks) == expected


async def test_degraded_but_ready_when_the_configured_redis_is_unreachable(
    make_client: ClientFactory,
) -> None:
    async with make_client(cache_redis_url="redis://127.0.0.1:1/0") as client:
        response = await client.get("/v1/health/ready")
        live = await client.get("/v1/health/live")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["redis"]["required"] is False
    assert "127.0.0.1" not in response.text  # no connection details
    assert live.status_code == 200


async def test_degraded_but_ready_when_every_breaker_is_open() -> None:
    app = create_app(make_settings())
    async with serve(app) as client:
        breaker = app.state.resources.resilience.breakers["local"]
        for _ in range(100):
            await breaker.record_failure()
            if (await breaker.snapshot()).state == "open":
                break
        response = await client.get("/v1/health/ready")
        health = (await client.get("/v1/health")).json()
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert response.json()["checks"]["circuit_breakers"] == {
        "ok": False,
        "detail": "open: local",
        "required": False,
    }
    assert (health["status"], health["resilience_healthy"]) == ("degraded", False)


async def test_health_keeps_its_template_fields(client: httpx.AsyncClient) -> None:
    data = (await client.get("/v1/health")).json()
    assert {"status", "timestamp", "version", "ai_model_available"} <= set(data)


async def both_healths(client: httpx.AsyncClient) -> dict[str, Any]:
    """/v1/health, after checking /v1/text_processing/health says the same."""
    public = (await client.get("/v1/health")).json()
    text = (await client.get("/v1/text_processing/health")).json()
    del public["timestamp"], text["timestamp"]
    assert text == public
    return public


@pytest.mark.redis
@pytest.mark.slow
async def test_a_redis_outage_degrades_readiness_without_failing_it(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings = {"cache_redis_url": server.url, "cache_key_prefix": unique_prefix()}
        async with serve(create_app(make_settings(**settings))) as client:
            ready = await client.get("/v1/health/ready")
            assert (ready.status_code, ready.json()["status"]) == (200, "ready")
            assert (await both_healths(client))["cache_healthy"] is True

            server.stop()
            ready = await client.get("/v1/health/ready")
            assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
            assert ready.json()["checks"]["redis"]["ok"] is False
            answered = await client.post(
                "/v1/text_processing/process", json={"text": TEXT, "operation": "summarize"}
            )
            assert answered.status_code == 200  # served from the memory fallback
            health = await both_healths(client)
            assert (health["status"], health["cache_healthy"]) == ("degraded", False)

            server.start()  # same port

            async def ready_again() -> bool:
                response = await client.get("/v1/health/ready")
                return response.status_code == 200 and response.json()["status"] == "ready"

            await eventually(ready_again, what="readiness back to ready after Redis restarted")

            async def healthy_again() -> bool:
                # Each route may see Redis come back at its own moment: wait for both, then compare.
                routes = ("/v1/health", "/v1/text_processing/health")
                return all(
                    [(await client.get(route)).json()["status"] == "healthy" for route in routes]
                )

            await eventually(healthy_again, what="health back to healthy after Redis restarted")
            assert (await both_healths(client))["cache_healthy"] is True
    finally:
        server.stop()


async def test_text_health_agrees_with_health(client: httpx.AsyncClient) -> None:
    health = await both_healths(client)
    assert (health["cache_healthy"], health["resilience_healthy"]) == (True, True)
