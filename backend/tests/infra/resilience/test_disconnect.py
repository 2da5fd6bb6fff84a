"""A client that disconnects cancels its request, down to the provider call: no tokens for nobody."""

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from apitest import API_KEY, make_settings, served
from fakes.openai_server import FakeOpenAI, Hang
from fastapi import FastAPI
from infra.resilience.resilience_support import PROCESS, body
from pydantic_ai.models import override_allow_model_requests
from starlette.types import Message, Receive, Scope, Send
from waits import PATIENCE, eventually

from llm_starter_api.infra.resilience.disconnect import CancelOnDisconnect
from llm_starter_api.main import create_app


class WatchedProvider(FakeOpenAI):
    """The fake provider, also noting whether a request's client went away or got its answer."""

    def __init__(self) -> None:
        super().__init__()
        # The server runs in another thread, on its own loop.
        self.left = threading.Event()
        self.answered = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.left.set()
            return message

        await super().__call__(scope, watched, send)
        if not self.left.is_set():
            self.answered.set()


async def post_and_hang_up(port: int, provider: FakeOpenAI) -> None:
    """Send POST /process on a raw connection; close it, unanswered, once the provider has it."""
    payload = json.dumps(body()).encode()
    head = (
        f"POST {PROCESS} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + payload)
    await writer.drain()
    # Hang up only once the call reached the provider: a loaded machine may take a while.
    await eventually(lambda: bool(provider.requests), what="the request reaching the provider")
    writer.close()
    await writer.wait_closed()


async def seen(event: threading.Event) -> bool:
    return await asyncio.to_thread(event.wait, PATIENCE)


@contextmanager
def hanging_provider(seconds: float) -> Iterator[WatchedProvider]:
    with override_allow_model_requests(True), WatchedProvider.running() as provider:
        provider.script(Hang(seconds))
        yield provider


def app_for(provider: FakeOpenAI) -> FastAPI:
    return create_app(
        make_settings(
            llm_model="openai:fake-model", openai_base_url=provider.url, cache_preset="disabled"
        )
    )


@pytest.mark.slow
async def test_client_disconnect_cancels_the_provider_call() -> None:
    # Only the client's leaving can end the provider's wait within the test's timeout.
    with hanging_provider(3600) as provider, served(app_for(provider)) as port:
        await post_and_hang_up(port, provider)

        assert await seen(provider.left)

    assert len(provider.requests) == 1


@pytest.mark.slow
async def test_without_the_middleware_the_provider_call_outlives_its_client() -> None:
    with hanging_provider(0.5) as provider:
        app = app_for(provider)
        app.user_middleware = [m for m in app.user_middleware if m.cls is not CancelOnDisconnect]
        with served(app) as port:
            await post_and_hang_up(port, provider)

            assert await seen(provider.answered)  # the model wrote its answer for nobody
            assert not provider.left.is_set()


def scripted_receive(*messages: Message) -> Receive:
    """A receive that hands out `messages`, then waits forever."""
    queue: asyncio.Queue[Message] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)
    return queue.get


async def test_disconnect_after_the_response_leaves_after_response_work_alone() -> None:
    finished = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        await asyncio.sleep(0.1)  # background work, after the client has its answer
        finished.set()

    receive = scripted_receive(
        {"type": "http.request", "body": b"{}", "more_body": False}, {"type": "http.disconnect"}
    )
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await CancelOnDisconnect(app)({"type": "http", "method": "POST", "path": "/"}, receive, send)

    assert finished.is_set()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


async def test_a_disconnect_after_the_body_cancels_the_handler() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        try:
            await asyncio.sleep(3600)  # only the cancellation ends this within the test's timeout
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    receive = scripted_receive(
        {"type": "http.request", "body": b"{}", "more_body": False}, {"type": "http.disconnect"}
    )

    async def send(message: Message) -> None:
        raise AssertionError("nothing is sent to a client that left")

    await CancelOnDisconnect(app)({"type": "http", "method": "POST", "path": "/"}, receive, send)

    assert seen == ["cancelled"]
