"""POST /process end to end with the embedded engine, next to a bare FastAPI endpoint."""

import asyncio
import itertools
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.config import Settings
from llm_starter_api.main import create_app
from llm_starter_models import TextProcessingRequest, TextProcessingResponse

SENTENCES = [
    "The council approved the new library budget after a long debate.",
    "Visitors had doubled since the reading room reopened in May.",
    "Staff asked for longer opening hours on weekends and holidays.",
    "The renovation finished two months early and under budget.",
    "Several schools now bring their classes every week.",
]
TEXT = " ".join(SENTENCES * 40)  # about 440 words
BODY = {"text": TEXT, "operation": "summarize", "options": {"max_length": 60}}
RESPONSE = TextProcessingResponse(operation="summarize", result=" ".join(SENTENCES[:3]))


def bare_app() -> FastAPI:
    """The same request and response models, no auth, no engine: the floor of the stack."""
    app = FastAPI()

    @app.post("/v1/text_processing/process")
    async def process(request: TextProcessingRequest) -> TextProcessingResponse:
        return RESPONSE

    return app


@pytest.fixture
def post() -> Iterator[Callable[[FastAPI], Callable[[], None]]]:
    """Drive an app's lifespan and POST /process on one event loop, synchronously."""
    loop = asyncio.new_event_loop()
    stack: list[Callable[[], None]] = []

    def prepare(app: FastAPI) -> Callable[[], None]:
        lifespan = app.router.lifespan_context(app)
        loop.run_until_complete(lifespan.__aenter__())
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench")

        def close() -> None:
            loop.run_until_complete(client.aclose())
            loop.run_until_complete(lifespan.__aexit__(None, None, None))

        stack.append(close)
        counter = itertools.count()

        def once() -> None:
            # A distinct text per call, so no cache can answer for the engine.
            body = BODY | {"text": f"{TEXT} Call {next(counter)}."}
            response = loop.run_until_complete(
                client.post("/v1/text_processing/process", json=body)
            )
            assert response.status_code == 200, response.text

        return once

    yield prepare
    for close in stack:
        close()
    loop.close()


@pytest.mark.benchmark(group="process-endpoint")
def test_baseline_bare_fastapi_endpoint(
    benchmark: BenchmarkFixture, post: Callable[[FastAPI], Callable[[], None]]
) -> None:
    benchmark(post(bare_app()))


@pytest.mark.benchmark(group="process-endpoint")
def test_process_summarize_with_the_embedded_engine(
    benchmark: BenchmarkFixture, post: Callable[[FastAPI], Callable[[], None]]
) -> None:
    settings = Settings(_env_file=None, environment="testing")
    benchmark(post(create_app(settings)))
