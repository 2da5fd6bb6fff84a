"""create_app() and the lifespan that owns shared resources."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from llm_starter_api import __version__
from llm_starter_api.api import internal, v1
from llm_starter_api.config import Settings, load_settings
from llm_starter_api.errors import install_error_handlers
from llm_starter_api.infra.monitoring.request_id import RequestIdMiddleware
from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.resources import Resources


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application: middleware, error handlers and routers (`uvicorn --factory`)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources.create(settings)
        app.state.resources = resources
        try:
            yield
        finally:
            await resources.aclose()

    app = FastAPI(
        title="LLM Starter API",
        version=__version__,
        description="Text processing with LLMs: summarize, sentiment, key points, questions, QA.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.api_keys = APIKeys(settings.api_keys)
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(v1.router)
    if settings.internal_api_on:
        app.include_router(internal.router)
    return app
