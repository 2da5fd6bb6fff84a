"""A fake OpenAI-compatible chat-completions server on a real socket, scripted reply by reply."""

import asyncio
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Self

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from waits import wait_until

# Usage the fake reports for every answer, so tests can follow token counts through.
PROMPT_TOKENS = 12
COMPLETION_TOKENS = 3
DEFAULT_TEXT = "A fake answer."


@dataclass(frozen=True, slots=True)
class Text:
    """Answer with an assistant message."""

    content: str


@dataclass(frozen=True, slots=True)
class ToolCall:
    """Answer with one tool call; `name` defaults to the request's first tool (the output tool)."""

    arguments: Mapping[str, Any] | str
    """A string is sent as is, so tests can send arguments that are not even JSON."""
    name: str | None = None


@dataclass(frozen=True, slots=True)
class HTTPError:
    """Answer with an OpenAI-style error body."""

    status: int
    message: str = "fake provider error"
    retry_after: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Hang:
    """Wait `seconds` (or until the client gives up), then answer with `then` (default: the usual)."""

    seconds: float
    then: Text | ToolCall | HTTPError | None = None


@dataclass(frozen=True, slots=True)
class Gate:
    """Wait until the test sets `opened` (or the client gives up), then answer with `then`."""

    opened: threading.Event
    then: Text | ToolCall | HTTPError | None = None


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close the connection without sending a byte of response."""


type Reply = Text | ToolCall | HTTPError | Hang | Gate | Disconnect


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake received it; header names are lower case."""

    body: dict[str, Any]
    headers: dict[str, str]

    def messages(self, role: str) -> list[str]:
        """The text content of the messages sent with `role`."""
        return [m["content"] for m in self.body["messages"] if m["role"] == role]


class FakeOpenAI:
    """An ASGI app answering `POST /v1/chat/completions` from a script, recording every request."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.url = ""
        """The base URL to give the OpenAI client, ending in `/v1`; set once the server runs."""
        # deque and list operations are atomic: the test thread scripts, the server thread reads.
        self._replies: deque[Reply] = deque()
        self._ids = itertools.count(1)

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests; an empty queue answers every request validly."""
        self._replies.extend(replies)

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[Self]:
        """Serve a new fake on 127.0.0.1 on an ephemeral port, in a thread, until the block ends."""
        fake = cls()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        host, port = sock.getsockname()
        fake.url = f"http://{host}:{port}/v1"
        config = uvicorn.Config(
            fake,
            http="h11",  # `Disconnect` reaches into h11's request cycle for the transport
            ws="none",
            lifespan="off",
            proxy_headers=False,
            access_log=False,
            log_config=None,  # leave the test process's logging alone
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            wait_until(
                lambda: server.started or not thread.is_alive(), what="the fake OpenAI server"
            )
            if not server.started:
                raise RuntimeError("the fake OpenAI server did not start")
            yield fake
        finally:
            server.should_exit = True
            thread.join(timeout=5.0)
            sock.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if (request.method, request.url.path) != ("POST", "/v1/chat/completions"):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        body = await request.json()
        self.requests.append(RecordedRequest(body, dict(request.headers)))
        reply = self._replies.popleft() if self._replies else None
        match reply:
            case Disconnect():
                # ASGI has no way to drop a connection; uvicorn's h11 `send` is bound to its cycle.
                send.__self__.transport.close()  # type: ignore[attr-defined]
                # Returns once uvicorn has seen the connection go, so it answers nothing itself.
                await receive()
                return
            case Hang(seconds, then):
                await _disconnect_within(seconds, receive)
                # Answering a client that left is a no-op, and keeps uvicorn from answering 500.
                reply = then
            case Gate(opened, then):
                await _disconnect_or_open(opened, receive)
                reply = then
        await self._respond(reply, body)(scope, receive, send)

    def _respond(self, reply: Text | ToolCall | HTTPError | None, body: dict[str, Any]) -> Response:
        tools = body.get("tools") or []
        if body.get("stream"):
            reply = HTTPError(400, "the fake OpenAI server does not stream")
        elif reply is None and tools:
            reply = ToolCall(example(tools[0]["function"]["parameters"]))
        elif reply is None and (schema := _json_schema_asked(body)) is not None:
            reply = Text(json.dumps(example(schema)))
        elif reply is None:
            reply = Text(DEFAULT_TEXT)
        match reply:
            case HTTPError(status, text, retry_after, code):
                error = {"message": text, "type": "fake_error", "param": None, "code": code}
                headers = {"Retry-After": retry_after} if retry_after is not None else None
                return JSONResponse({"error": error}, status_code=status, headers=headers)
            case Text(content):
                answer: dict[str, object] = {"role": "assistant", "content": content}
                return self._completion(body, answer, finish_reason="stop")
            case ToolCall(arguments, name):
                function = {
                    "name": name or tools[0]["function"]["name"],
                    "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
                }
                call = {"id": f"call_{next(self._ids)}", "type": "function", "function": function}
                answer = {"role": "assistant", "content": None, "tool_calls": [call]}
                return self._completion(body, answer, finish_reason="tool_calls")

    def _completion(
        self, body: dict[str, Any], message: Mapping[str, object], *, finish_reason: str
    ) -> JSONResponse:
        choice = {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        usage = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        }
        return JSONResponse(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake-model"),
                "choices": [choice],
                "usage": usage,
            }
        )


def _json_schema_asked(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The schema of a `response_format` asking for JSON-schema output (native mode), if any."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    schema: Mapping[str, Any] = response_format["json_schema"]["schema"]
    return schema


async def _disconnect_within(seconds: float, receive: Receive) -> None:
    """Wait `seconds`, or less if the client disconnects first (so the server can stop at once)."""
    with suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            # The body has been read, so the next message is the disconnect.
            while (await receive())["type"] != "http.disconnect":
                pass


async def _disconnect_or_open(opened: threading.Event, receive: Receive) -> None:
    """Wait until `opened` is set (by the test's thread) or the client disconnects."""
    left = asyncio.ensure_future(receive())  # the body has been read: the next is the disconnect
    try:
        # Polling: a threading.Event (set from the test's thread) cannot be awaited here.
        while not (opened.is_set() or left.done()):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    finally:
        left.cancel()


def example(schema: Mapping[str, Any], defs: Mapping[str, Any] | None = None) -> Any:
    """A small value valid against the JSON schemas pydantic-ai sends for output tools."""
    defs = schema.get("$defs", defs or {})
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if options := schema.get("anyOf") or schema.get("oneOf"):
        return example(options[0], defs)
    match schema.get("type"):
        case "object":
            properties = schema.get("properties", {})
            return {name: example(sub, defs) for name, sub in properties.items()}
        case "array":
            return [example(schema.get("items", {}), defs)] * max(1, schema.get("minItems", 1))
        case "string":
            return "fake" + "x" * schema.get("minLength", 0)
        case "integer" | "number":
            low, high = schema.get("minimum", 0), schema.get("maximum", 1)
            return (low + high) / 2 if schema["type"] == "number" else low
        case "boolean":
            return True
        case _:
            return None
