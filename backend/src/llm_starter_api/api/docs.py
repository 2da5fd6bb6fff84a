"""Swagger UI at /docs and ReDoc at /redoc, their scripts served by this process: no CDN needed."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/docs"
REDOC = "/redoc"
ASSETS = "/docs/assets"
"""Under /docs, so the docs' Content-Security-Policy covers the assets too."""

# fastapi-offline ships swagger-ui-dist's and redoc's bundles (with their licences) as package data;
# we take the files and keep FastAPI's own page builders.
ASSET_DIR = Path(fastapi_offline.__file__).parent / "static"


def _assets(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{ASSETS}"


def _openapi_url(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{request.app.openapi_url}"


async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over this API's OpenAPI schema."""
    assets = _assets(request)
    return get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )


async def redoc(request: Request) -> HTMLResponse:
    """ReDoc over this API's OpenAPI schema."""
    assets = _assets(request)
    return get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets (create the app with docs_url=None, redoc_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=ASSET_DIR))
    # On the app itself, as FastAPI's own docs routes are: the access log and metrics label
    # top-level routes by their path, and an included router would be one more level to match.
    for path, page in ((DOCS, swagger_ui), (REDOC, redoc)):
        app.add_api_route(path, page, include_in_schema=False, response_class=HTMLResponse)
