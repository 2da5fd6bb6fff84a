"""Security headers on every response, a looser CSP for the docs, HSTS in production, and CORS."""

import httpx
import pytest
from apitest import ClientFactory


@pytest.mark.parametrize("path", ["/v1/health", "/v1/nothing-here", "/v1/auth/status"])
async def test_every_response_carries_the_security_headers(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-request-id"]
    assert "strict-transport-security" not in response.headers


async def test_docs_get_a_csp_that_lets_swagger_ui_load(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    csp = response.headers["content-security-policy"]
    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in csp  # its bundle from here, its inline start-up
    assert "https:" not in csp  # nothing from a CDN
    assert "frame-ancestors 'none'" in csp


async def test_production_adds_hsts(make_client: ClientFactory) -> None:
    async with make_client(environment="production") as client:
        response = await client.get("/v1/health")
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_no_cors_headers_unless_origins_are_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_configured_origins_pass_preflight_and_read_rate_limit_headers(
    make_client: ClientFactory,
) -> None:
    async with make_client(cors_origins="https://app.example.com") as client:
        preflight = await client.options(
            "/v1/text_processing/process",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-api-key,content-type",
            },
        )
        other = await client.get(
            "/v1/text_processing/operations", headers={"Origin": "https://evil.example"}
        )
        allowed = await client.get(
            "/v1/text_processing/operations", headers={"Origin": "https://app.example.com"}
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in other.headers
    assert "x-ratelimit-remaining" in allowed.headers["access-control-expose-headers"].lower()


def test_origins_must_be_origins() -> None:
    from pydantic import ValidationError

    from llm_starter_api.config import Settings

    with pytest.raises(ValidationError, match="not an origin"):
        Settings(_env_file=None, cors_origins="app.example.com/path")


async def test_browsers_on_configured_origins_can_submit_and_cancel_jobs(
    make_client: ClientFactory,
) -> None:
    async with make_client(cors_origins="https://app.example.com") as client:
        preflight = await client.options(
            "/v1/text_processing/jobs/some-job",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "x-api-key,idempotency-key",
            },
        )
        submitted = await client.get(
            "/v1/text_processing/operations", headers={"Origin": "https://app.example.com"}
        )
    assert preflight.status_code == 200
    assert "DELETE" in preflight.headers["access-control-allow-methods"]
    assert "location" in submitted.headers["access-control-expose-headers"].lower()
