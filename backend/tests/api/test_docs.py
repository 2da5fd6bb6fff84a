"""Swagger UI and ReDoc are served with their assets by the app itself, so they work offline."""

import re

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"]),
        ("/redoc", ["redoc.standalone.js", "favicon.png"]),
    ],
)
async def test_docs_pages_load_every_asset_from_this_server(
    client: httpx.AsyncClient, page: str, assets: list[str]
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "/openapi.json" in html
    assert not re.findall(r"https?://", html)  # no CDN, no font service, no remote favicon
    for asset in assets:
        assert f"/docs/assets/{asset}" in html
        served = await client.get(f"/docs/assets/{asset}")
        assert served.status_code == 200
        assert len(served.content) > 1000


async def test_docs_follow_the_root_path_behind_a_proxy(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app, root_path="/api")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        html = (await client.get("/api/docs")).text
    assert "/api/docs/assets/swagger-ui-bundle.js" in html
    assert "/api/openapi.json" in html


async def test_docs_csp_allows_no_other_host(client: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc", "/docs/assets/swagger-ui.css"):
        csp = (await client.get(path)).headers["content-security-policy"]
        assert "http" not in csp
        assert "script-src 'self' 'unsafe-inline'" in csp
        assert "frame-ancestors 'none'" in csp


async def test_the_docs_are_not_operations_of_the_api(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]


async def test_docs_requests_are_labelled_by_their_route(client: httpx.AsyncClient) -> None:
    sample = "http_requests_total"
    for path in ("/docs", "/redoc"):
        labels = {"method": "GET", "route": path, "status": "200"}
        before = REGISTRY.get_sample_value(sample, labels) or 0.0
        assert (await client.get(path)).status_code == 200
        assert REGISTRY.get_sample_value(sample, labels) == before + 1
