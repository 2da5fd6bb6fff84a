"""The full middleware stack against the same app without it, on a cheap authenticated endpoint.

Request id, access log and metrics, security headers, rate limit (memory storage) and body limit
all run; the endpoint does almost nothing, so the ratio is the stack's worst-case share.
"""

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.config import Settings
from llm_starter_api.main import create_app

KEY = "bench-key-0123456789"
PATH = "/v1/text_processing/operations"


def _settings() -> Settings:
    # A limit no run reaches: every request pays for counting, none is refused.
    return Settings(
        _env_file=None,
        environment="testing",
        api_key=KEY,
        rate_limit_standard="10000000/hour",
        log_format="json",
    )


def without_middleware() -> FastAPI:
    """The same app, routes, dependencies and handlers, with none of our middleware."""
    app = create_app(_settings())
    app.user_middleware.clear()
    return app


@pytest.fixture
def get() -> Iterator[Callable[[FastAPI], Callable[[], None]]]:
    """Drive an app's lifespan and GET the endpoint on one event loop, synchronously."""
    loop = asyncio.new_event_loop()
    closers: list[Callable[[], None]] = []

    def prepare(app: FastAPI) -> Callable[[], None]:
        lifespan = app.router.lifespan_context(app)
        loop.run_until_complete(lifespan.__aenter__())
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app),
            base_url="http://bench",
            headers={"X-API-Key": KEY},
        )

        def close() -> None:
            loop.run_until_complete(client.aclose())
            loop.run_until_complete(lifespan.__aexit__(None, None, None))

        closers.append(close)

        def once() -> None:
            response = loop.run_until_complete(client.get(PATH))
            assert response.status_code == 200, response.text

        return once

    yield prepare
    for close in closers:
        close()
    loop.close()


@pytest.mark.benchmark(group="middleware")
def test_baseline_app_without_middleware(
    benchmark: BenchmarkFixture, get: Callable[[FastAPI], Callable[[], None]]
) -> None:
    benchmark(get(without_middleware()))


@pytest.mark.benchmark(group="middleware")
def test_full_middleware_stack(
    benchmark: BenchmarkFixture, get: Callable[[FastAPI], Callable[[], None]]
) -> None:
    benchmark(get(create_app(_settings())))
