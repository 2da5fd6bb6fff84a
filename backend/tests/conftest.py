"""Backend fixtures: settings, an app, and clients speaking to it in-process."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pydantic_ai.models
import pytest
from apitest import ClientFactory, client_factory, make_settings, serve
from fastapi import FastAPI
from redisproc import RedisServer
from spawn import spawn  # noqa: F401  (the fixture, for every test)

from llm_starter_api.config import Settings
from llm_starter_api.main import create_app

# Unit tests never reach a real LLM; tests of the provider path opt in against a local fake server.
pydantic_ai.models.ALLOW_MODEL_REQUESTS = False


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(app) as client:
        yield client


@pytest.fixture
def make_client() -> ClientFactory:
    """`async with make_client(**setting_overrides) as client:` for tests needing other settings."""
    return client_factory


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A started redis-server of this test's own (its own port and data), stopped afterwards.

    For what the shared server cannot do: stop and restart, TLS, or arq's unprefixed keys.
    """
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
