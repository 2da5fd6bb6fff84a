"""create_app() and the lifespan that owns shared resources."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from llm_starter_api import __version__
from llm_starter_api.api import internal, v1
from llm_starter_api.api.docs import install_docs
from llm_starter_api.api.internal.monitoring import metrics_router
from llm_starter_api.api.openapi import add_links, bounded_request_schemas
from llm_starter_api.api.route_classes import ROUTE_CLASSES
from llm_starter_api.api.v1.cached_answers import CachedAnswers
from llm_starter_api.config import Settings, load_settings
from llm_starter_api.errors import install_error_handlers
from llm_starter_api.infra.monitoring.access import AccessMiddleware
from llm_starter_api.infra.monitoring.boundary import ErrorBoundaryMiddleware
from llm_starter_api.infra.monitoring.logs import configure_logging, default_format
from llm_starter_api.infra.monitoring.metrics import process_exited
from llm_starter_api.infra.monitoring.tracing import setup_tracing
from llm_starter_api.infra.resilience.disconnect import CancelOnDisconnect
from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.infra.security.headers import SecurityHeadersMiddleware
from llm_starter_api.infra.security.limiter import RateLimiter, connect_storage, create_limiter
from llm_starter_api.infra.security.rate_limit import RateLimitMiddleware
from llm_starter_api.infra.security.request_limits import RequestLimitMiddleware
from llm_starter_api.resources import Resources, load_operations
from llm_starter_models import ErrorResponse

# What the middleware and the error handler may answer on any operation, in the one error body.
COMMON_ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        400: "Malformed body, or input refused as prompt injection (INJECTION_DETECTION=block)",
        408: "The body did not arrive within REQUEST_BODY_TIMEOUT_SECONDS",
        413: "Body over MAX_REQUEST_BYTES",
        415: "Compressed body (Content-Encoding) or a Content-Type other than JSON",
        429: "Rate limited: wait Retry-After seconds (X-RateLimit-* headers report the limit; "
        "a batch costs one unit per item)",
        503: "Rate limits cannot be checked: Redis is down and RATE_LIMIT_ON_STORAGE_ERROR=closed",
    }.items()
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application: middleware, error handlers and routers (`uvicorn --factory`)."""
    settings = settings or load_settings()
    configure_logging(
        level=settings.log_level, fmt=default_format(settings.environment, settings.log_format)
    )
    limiter = create_limiter(settings)

    operations = load_operations(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources.create(settings, operations)
        app.state.resources = resources
        app.state.rate_limit_redis = connect_storage(limiter, settings, shared=resources.redis)
        try:
            yield
        finally:
            if app.state.rate_limit_redis is not None:
                await app.state.rate_limit_redis.aclose()
            await resources.aclose()
            if tracer is not None:
                tracer.shutdown()
            process_exited(settings.prometheus_multiproc_dir)

    app = FastAPI(
        title="LLM Starter API",
        version=__version__,
        description="Text processing with LLMs: summarize, sentiment, key points, questions, QA.",
        lifespan=lifespan,
        responses=COMMON_ERRORS,
        docs_url=None,  # /docs and /redoc come from install_docs, with their assets served locally
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.operations = operations
    app.state.api_keys = APIKeys(settings.api_keys)
    install_error_handlers(app)
    _add_middleware(app, settings, limiter)
    for router in v1.ROUTERS:
        app.include_router(router, prefix=v1.PREFIX)
    if settings.metrics_enabled:
        app.include_router(metrics_router)
    if settings.internal_api_on:
        internal.install(app, settings)
    install_docs(app)
    app.openapi = partial(_openapi_with_json_errors, app)  # type: ignore[method-assign]
    tracer = setup_tracing(app, settings)
    return app


def _openapi_with_json_errors(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with error responses of streaming routes documented as the JSON they are."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = FastAPI.openapi(app)  # builds and keeps it in app.openapi_schema
    # The text routes read their bodies through the operation registry (api/v1/bodies.py).
    schema.setdefault("components", {}).setdefault("schemas", {}).update(
        bounded_request_schemas(
            app.state.operations.openapi_schemas(),
            max_text_length=app.state.settings.max_text_length,
            max_batch_size=app.state.settings.max_batch_size,
            streaming=[op.id for op in app.state.operations if op.streams],
        )
    )
    add_links(schema)
    # FastAPI gives a route's extra responses the route's media type (text/event-stream for
    # streams); errors never stream, they are the one JSON error body.
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status[0] in "45" and "text/event-stream" in content:
                content["application/json"] = content.pop("text/event-stream")
    return schema


def _add_middleware(app: FastAPI, settings: Settings, limiter: RateLimiter) -> None:
    # Each call wraps the ones before: the last added runs first on the way in.
    app.add_middleware(CachedAnswers)  # memory-tier hits of /process, inside every limit
    # Outside CachedAnswers, which reads the body the route then takes parsed: the body read is
    # what starts the watch for a client leaving. Outer layers still see the request end.
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(
        RequestLimitMiddleware,
        max_bytes=settings.request_byte_limit,
        timeout_seconds=settings.request_body_timeout_seconds,
    )
    if settings.rate_limit_enabled:
        app.add_middleware(
            RateLimitMiddleware,
            limiter=limiter,
            keys=app.state.api_keys,
            classify=ROUTE_CLASSES,
            trusted_proxies=settings.trusted_proxies,
        )
    if settings.cors_origins:
        # Outside the limits, so browsers can read a 429 or 413 too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "X-API-Key",
                "Content-Type",
                "X-Request-ID",
                "Idempotency-Key",
            ],
            expose_headers=[
                "X-Request-ID",
                "Location",
                "Idempotent-Replayed",
                "Retry-After",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
            ],
            max_age=600,
        )
    app.add_middleware(ErrorBoundaryMiddleware)  # unhandled errors still get ids and headers
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.environment == "production")
    app.add_middleware(AccessMiddleware)  # outermost: ids, logs and counts every response
