"""Cache hits of `POST /v1/text_processing/process`, answered before FastAPI's routing.

A memory-tier hit needs the API key, the parsed request, the service's checks and one lookup.
FastAPI's routing, dependency solving and response handling around those steps cost several
times as much (`scripts/bench_servers.py`: a hit ran at 0.41x a bare endpoint's throughput through
the route, 0.89x through this; docs/cache.md). So this middleware takes the same steps itself: the same key check
(`APIKeys.admit`), the same request model, the same `TextService.cached` (limits, injection
guard, key, lookup). Whatever it does not answer, a miss, a refusal or a body it cannot read,
goes on to the route with the body replayed, and the route answers exactly as it always has:
refusals and errors have one code path, and it is the route's.

It sits inside the rate limiter, request limits, access log and every other middleware, so a
hit is limited, logged, counted and headed like any response.
"""

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.api.strict_json import check_media_type
from llm_starter_api.api.v1.bodies import PARSED, PREPARED
from llm_starter_api.errors import AppError
from llm_starter_api.infra.security.auth import APIKeys, presented_key
from llm_starter_api.text.batch import owner_of
from llm_starter_api.text.service import TextService

PATH = "/v1/text_processing/process"


class CachedAnswers:
    """Pure ASGI: answers memory-tier hits of the process route; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _route_path(scope) != PATH:
            await self.app(scope, receive, send)
            return
        # The whole body, as the route would read it (the body limit outside still counts it).
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # a disconnect: the route sees it too
            if not message.get("more_body", False):
                body = b"".join(m.get("body", b"") for m in messages)
                if (answer := _answer(scope, body)) is not None:
                    scope["route_template"] = PATH  # for the access log: no router ran

                    await _send_json(send, answer)
                    return
                break
        await self.app(scope, _replay(messages, receive), send)


def _answer(scope: Scope, body: bytes) -> bytes | None:
    """The cached answer as JSON, or None whenever the route should answer instead.

    A body it parsed is left in the request's state for the route: parsed once per request.
    """
    app: FastAPI = scope["app"]
    if app.dependency_overrides:
        return None  # the route's dependencies are replaced (tests): only the route knows them
    connection = HTTPConnection(scope)
    keys: APIKeys = app.state.api_keys
    key = presented_key(connection)
    if not keys.admit(key):
        return None
    try:
        check_media_type(connection.headers.get("content-type", ""))
        request = app.state.operations.parse(body)
    except (AppError, ValidationError):
        return None
    state = scope.setdefault("state", {})
    state[PARSED] = request
    service: TextService = app.state.resources.text_service
    try:
        # The owner the route would see (`require_api_key`): the cache scope of the answer.
        prepared, response = service.lookup(request, owner=owner_of(None if keys.open else key))
    except AppError:
        return None  # the route refuses it again, with the one error body
    state[PREPARED] = prepared  # a miss: the route's `process` takes it, checked and keyed
    # What FastAPI writes for the route's response model.
    return None if response is None else response.model_dump_json(by_alias=True).encode()


async def _send_json(send: Send, body: bytes) -> None:
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _route_path(scope: Scope) -> str:
    # As Starlette's router sees it: without the root path a proxy mounts the app under.
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path.removeprefix(root) if root and path.startswith(root) else path


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
