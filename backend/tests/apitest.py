"""Helpers for backend tests: settings, and an app served in-process with its lifespan."""

import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from waits import wait_until

from llm_starter_api.config import Settings

API_KEY = "test-key-0123456789"

type ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def make_settings(**overrides: Any) -> Settings:
    """Settings for tests: no .env file, the testing environment, one API key."""
    values: dict[str, Any] = {"environment": "testing", "api_key": API_KEY, **overrides}
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def serve(
    app: FastAPI, *, client_key: str | None = API_KEY
) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and yield a client speaking to it in-process."""
    headers = {"X-API-Key": client_key} if client_key else {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://testserver", headers=headers
        ) as client,
    ):
        yield client


def client_factory(
    *, client_key: str | None = API_KEY, **overrides: Any
) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A client sending `client_key`, for an app with the test settings plus `overrides`."""
    from llm_starter_api.main import create_app

    return serve(create_app(make_settings(**overrides)), client_key=client_key)


@contextmanager
def served(app: FastAPI) -> Iterator[int]:
    """Run the app under a real uvicorn server in a thread; yields its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until(
            lambda: server.started or not thread.is_alive(), what="the app serving in a thread"
        )
        assert server.started, "the app did not start"
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
