"""Admin scope: /internal takes only INTERNAL_API_KEYS; client keys get 403 there, admin keys 401 elsewhere."""

import logging
from typing import Any

import httpx
import pytest
from apitest import API_KEY, ClientFactory, make_settings
from pydantic import ValidationError
from spawn import Spawner, api_command, base_env, free_port
from waits import wait_until

from llm_starter_api.config import ConfigError, load_settings

ADMIN_KEY = "admin-key-9876543210"
SECOND_KEY = "second-client-key-42"
PRODUCTION: dict[str, Any] = {
    "environment": "production",
    "internal_api_enabled": True,
    "additional_api_keys": SECOND_KEY,
    "internal_api_keys": ADMIN_KEY,
}
# The destructive admin actions the issue names, and a read.
ADMIN_ACTIONS = [
    ("POST", "/internal/cache/invalidate", {"all": True}),
    ("POST", "/internal/resilience/circuit-breakers/local/reset", None),
    ("GET", "/internal/info", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ACTIONS)
@pytest.mark.parametrize("client_key", [API_KEY, SECOND_KEY, f"  {SECOND_KEY} "])
async def test_client_keys_are_forbidden_on_internal(
    make_client: ClientFactory, method: str, path: str, body: object, client_key: str
) -> None:
    async with make_client(client_key=client_key, **PRODUCTION) as client:
        response = await client.request(method, path, json=body)
    assert response.status_code == 403
    assert response.json()["error_code"] == "forbidden"
    assert response.json()["success"] is False
    assert "INTERNAL_API_KEYS" in response.json()["error"]
    assert client_key.strip() not in response.text


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ACTIONS)
async def test_admin_key_may_use_internal(
    make_client: ClientFactory, method: str, path: str, body: object
) -> None:
    async with make_client(client_key=None, **PRODUCTION) as client:
        response = await client.request(
            method, path, json=body, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("key", [None, "not-a-key-at-all"])
async def test_unknown_or_missing_keys_get_401_on_internal(
    make_client: ClientFactory, key: str | None
) -> None:
    async with make_client(client_key=key, **PRODUCTION) as client:
        response = await client.post("/internal/cache/invalidate", json={"all": True})
    assert response.status_code == 401
    assert response.json()["error_code"] == "unauthorized"


async def test_admin_key_is_no_client_key_unless_listed_as_one(
    make_client: ClientFactory,
) -> None:
    async with make_client(client_key=ADMIN_KEY, **PRODUCTION) as client:
        refused = await client.get("/v1/text_processing/operations")
    listed = {**PRODUCTION, "additional_api_keys": f"{SECOND_KEY},{ADMIN_KEY}"}
    async with make_client(client_key=ADMIN_KEY, **listed) as client:
        accepted = await client.get("/v1/text_processing/operations")
    assert refused.status_code == 401
    assert accepted.status_code == 200


async def test_metrics_stay_on_client_keys(make_client: ClientFactory) -> None:
    async with make_client(**PRODUCTION) as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/internal/info")).status_code == 403


async def test_without_admin_keys_testing_lets_client_keys_in_and_logs_it(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="llm_starter_api.api.internal"):
        async with make_client(additional_api_keys=SECOND_KEY) as client:
            first = await client.post("/internal/cache/invalidate", json={"all": True})
            second = await client.get("/internal/info", headers={"X-API-Key": SECOND_KEY})
    assert (first.status_code, second.status_code) == (200, 200)
    (line,) = [r.getMessage() for r in caplog.records if "INTERNAL_API_KEYS" in r.getMessage()]
    assert "client key" in line
    assert API_KEY not in line
    assert SECOND_KEY not in line


async def test_admin_keys_scope_internal_in_testing_too(make_client: ClientFactory) -> None:
    async with make_client(internal_api_keys=ADMIN_KEY) as client:
        forbidden = await client.get("/internal/info")
        allowed = await client.get("/internal/info", headers={"X-API-Key": ADMIN_KEY})
    assert (forbidden.status_code, allowed.status_code) == (403, 200)


@pytest.mark.parametrize("enabled", [True, None])
def test_production_internal_api_without_admin_keys_is_refused(enabled: bool | None) -> None:
    overrides = {**PRODUCTION, "internal_api_keys": "", "internal_api_enabled": enabled}
    if enabled:
        with pytest.raises(ValidationError, match="INTERNAL_API_KEYS"):
            make_settings(**overrides)
    else:  # /internal off: no admin key needed
        assert make_settings(**overrides).internal_api_on is False


def test_load_settings_names_internal_api_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "ENVIRONMENT": "production",
        "API_KEY": API_KEY,
        "INTERNAL_API_ENABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("INTERNAL_API_KEYS", raising=False)
    with pytest.raises(ConfigError, match="INTERNAL_API_KEYS") as raised:
        load_settings()
    assert API_KEY not in str(raised.value)


def test_keys_are_trimmed_in_settings() -> None:
    settings = make_settings(api_key=f" {API_KEY}\t", internal_api_keys=f" {ADMIN_KEY} , ")
    assert settings.api_keys == (API_KEY,)
    assert settings.admin_keys == (ADMIN_KEY,)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_production_server_scopes_admin_keys_and_refuses_to_start_without_them(
    spawn: Spawner,
) -> None:
    port = free_port()
    env = base_env(
        ENVIRONMENT="production",
        API_KEY=API_KEY,
        ADDITIONAL_API_KEYS=SECOND_KEY,
        INTERNAL_API_ENABLED="true",
        INTERNAL_API_KEYS=ADMIN_KEY,
    )
    server = spawn("api", api_command(port), env)
    url = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        try:
            return httpx.get(f"{url}/v1/health/live", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(serving, what="the production server answering", watch=[server])
    invalidate = f"{url}/internal/cache/invalidate"
    by_client = httpx.post(invalidate, json={"all": True}, headers={"X-API-Key": SECOND_KEY})
    by_admin = httpx.post(invalidate, json={"all": True}, headers={"X-API-Key": ADMIN_KEY})
    assert (by_client.status_code, by_client.json()["error_code"]) == (403, "forbidden")
    assert by_admin.status_code == 200
    server.stop()

    del env["INTERNAL_API_KEYS"]
    refused = spawn("api-without-admin-keys", api_command(free_port()), env)
    wait_until(lambda: not refused.alive, what="start-up refused")
    output = refused.output()
    assert "INTERNAL_API_KEYS" in output
    assert "Traceback" not in output
    assert API_KEY not in output
    assert SECOND_KEY not in output
