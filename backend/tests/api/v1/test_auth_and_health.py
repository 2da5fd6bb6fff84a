"""Auth on protected routes, the auth status route and the public health route."""

import socket

import httpx
import pytest
from apitest import API_KEY, ClientFactory
from spawn import Spawner, answers_ok, api_command, base_env, free_port
from waits import PATIENCE, wait_until

PROTECTED = [
    ("GET", "/v1/auth/status"),
    ("GET", "/v1/text_processing/operations"),
    ("POST", "/v1/text_processing/process"),
    ("POST", "/v1/text_processing/batch_process"),
    ("GET", "/v1/text_processing/batch_status/any"),
    ("GET", "/internal/info"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}])
async def test_protected_routes_refuse_missing_or_wrong_keys(
    make_client: ClientFactory, method: str, path: str, headers: dict[str, str]
) -> None:
    async with make_client(client_key=None) as client:
        response = await client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error_code"] == "unauthorized"
    assert "wrong" not in response.text


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
async def test_auth_status_accepts_either_header_and_never_echoes_the_key(
    make_client: ClientFactory, header: str
) -> None:
    value = API_KEY if header == "X-API-Key" else f"Bearer {API_KEY}"
    async with make_client(client_key=None) as client:
        response = await client.get("/v1/auth/status", headers={header: value})
    assert response.status_code == 200
    assert response.json()["authenticated"] is True
    assert response.json()["api_key_prefix"] is None
    assert API_KEY[:4] not in response.text


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-API-Key", f"  {API_KEY} \t"),
        ("Authorization", f"Bearer   {API_KEY}  "),
        ("Authorization", f"  bearer {API_KEY}"),
    ],
)
async def test_both_key_headers_are_trimmed_alike(
    make_client: ClientFactory, header: str, value: str
) -> None:
    async with make_client(client_key=None) as client:
        response = await client.get("/v1/auth/status", headers={header: value})
    assert response.status_code == 200
    assert response.json()["authenticated"] is True


@pytest.mark.slow
def test_a_real_server_trims_both_key_headers(spawn: Spawner) -> None:
    port = free_port()
    server = spawn("api", api_command(port), base_env(API_KEY=API_KEY))
    live = f"http://127.0.0.1:{port}/v1/health/live"
    wait_until(lambda: answers_ok(live), what="serving", watch=[server])
    for header in (f"X-API-Key:  {API_KEY} \t", f"Authorization: Bearer  {API_KEY}  "):
        with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
            request = f"GET /v1/auth/status HTTP/1.1\r\nHost: t\r\n{header}\r\n"
            sock.sendall(f"{request}Connection: close\r\n\r\n".encode())
            status_line = sock.makefile("rb").readline()
        assert status_line.startswith(b"HTTP/1.1 200"), (header.split(":")[0], status_line)


async def test_additional_keys_are_accepted(make_client: ClientFactory) -> None:
    async with make_client(
        client_key=None, additional_api_keys="second-key-xyz, third-key-xyz"
    ) as client:
        response = await client.get("/v1/auth/status", headers={"X-API-Key": "third-key-xyz"})
    assert response.json()["authenticated"] is True


async def test_without_keys_development_runs_open_and_says_so(make_client: ClientFactory) -> None:
    async with make_client(client_key=None, api_key=None, environment="development") as client:
        status = await client.get("/v1/auth/status")
        operations = await client.get("/v1/text_processing/operations")
    assert status.status_code == 200
    assert status.json()["authenticated"] is False
    assert "no API keys" in status.json()["message"]
    assert operations.status_code == 200


async def test_health_is_public_and_template_compatible(make_client: ClientFactory) -> None:
    async with make_client(client_key=None) as client:
        response = await client.get("/v1/health")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "healthy"
    assert data["ai_model_available"] is True
    assert {"timestamp", "version", "resilience_healthy", "cache_healthy"} <= set(data)


async def test_request_id_is_returned_and_accepted_from_the_client(
    client: httpx.AsyncClient,
) -> None:
    generated = await client.get("/v1/health")
    echoed = await client.get("/v1/health", headers={"X-Request-ID": "trace-42"})
    insane = await client.get("/v1/health", headers={"X-Request-ID": "<script>"})
    assert len(generated.headers["x-request-id"]) == 32
    assert echoed.headers["x-request-id"] == "trace-42"
    assert insane.headers["x-request-id"] != "<script>"


async def test_unknown_route_is_404_in_the_error_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert "/v1/text_processing/process" in schema["paths"]
