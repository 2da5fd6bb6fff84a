"""Body limits enforced while reading: lying Content-Length, chunked bodies; no compressed bodies."""

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
from apitest import API_KEY, make_settings
from fastapi import FastAPI
from starlette.types import Message

from llm_starter_api.main import create_app

PROCESS = "/v1/text_processing/process"
LIMIT = 4096


async def _call(
    app: FastAPI, headers: dict[str, str], chunks: Sequence[bytes], *, stall: bool = False
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One raw ASGI request whose body arrives in `chunks`, however its headers describe it;
    with `stall`, the rest of the body never comes."""
    pending = [
        {"type": "http.request", "body": chunk, "more_body": stall or i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []
    answered = asyncio.Event()

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        # Like a server: the client is gone only once it has its answer.
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            answered.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PROCESS,
        "raw_path": PROCESS.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], response_headers, json.loads(body)


@pytest.fixture
def app() -> FastAPI:
    return create_app(make_settings(max_request_bytes=LIMIT))


def _headers(**extra: str) -> dict[str, str]:
    return {"content-type": "application/json", "x-api-key": API_KEY, **extra}


def _payload(size: int) -> bytes:
    text = "word " * (size // 5)
    return json.dumps({"text": text, "operation": "sentiment"}).encode()


async def test_declared_oversize_body_is_refused_before_reading(app: FastAPI) -> None:
    status, headers, body = await _call(app, _headers(**{"content-length": "999999"}), [b"{}"])
    assert status == 413
    assert body["error_code"] == "request_too_large"
    assert body["details"] == {"max_bytes": LIMIT}
    assert body["request_id"] == headers["x-request-id"]


async def test_body_longer_than_its_content_length_is_cut_off_at_the_limit(app: FastAPI) -> None:
    payload = _payload(3 * LIMIT)
    chunks = [payload[i : i + 1000] for i in range(0, len(payload), 1000)]
    status, _, body = await _call(app, _headers(**{"content-length": "100"}), chunks)
    assert status == 413
    assert body["error_code"] == "request_too_large"


async def test_chunked_body_without_length_is_cut_off_at_the_limit(app: FastAPI) -> None:
    payload = _payload(3 * LIMIT)
    chunks = [payload[i : i + 700] for i in range(0, len(payload), 700)]
    status, _, body = await _call(app, _headers(**{"transfer-encoding": "chunked"}), chunks)
    assert (status, body["error_code"]) == (413, "request_too_large")


async def test_chunked_body_under_the_limit_is_processed(app: FastAPI) -> None:
    payload = _payload(LIMIT // 2)
    chunks = [payload[i : i + 300] for i in range(0, len(payload), 300)]
    status, _, body = await _call(app, _headers(), chunks)
    assert status == 200
    assert body["operation"] == "sentiment"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
async def test_compressed_bodies_are_refused_with_415(app: FastAPI, encoding: str) -> None:
    status, _, body = await _call(app, _headers(**{"content-encoding": encoding}), [b"{}"])
    assert (status, body["error_code"]) == (415, "unsupported_media_type")


async def test_identity_encoding_is_accepted(app: FastAPI) -> None:
    status, _, _ = await _call(app, _headers(**{"content-encoding": "identity"}), [_payload(200)])
    assert status == 200


@pytest.mark.parametrize("path", [PROCESS, "/v1/text_processing/batch_process"])
async def test_a_stalled_body_is_answered_408_at_the_body_timeout(path: str) -> None:
    # Seconds are not measured: the stalled body never ends, so any answer is the timeout's.
    app = create_app(make_settings(request_body_timeout_seconds=0.05))
    headers = _headers(**{"content-length": "1000"})
    status, response_headers, body = await _call(app, headers, [b'{"text": "'], stall=True)
    assert (status, body["error_code"]) == (408, "request_timeout")
    assert body["details"] == {"timeout_seconds": 0.05}
    assert response_headers["connection"] == "close"


async def test_a_body_that_arrives_in_time_is_not_cut(app: FastAPI) -> None:
    payload = _payload(LIMIT // 2)
    chunks = [payload[i : i + 100] for i in range(0, len(payload), 100)]
    status, _, _ = await _call(app, _headers(**{"content-length": str(len(payload))}), chunks)
    assert status == 200


def test_default_limit_fits_the_largest_valid_batch_fully_escaped() -> None:
    settings = make_settings()
    largest_batch = settings.max_text_length * settings.max_batch_size * len("\\u00e9")
    assert settings.request_byte_limit > largest_batch
    assert make_settings(max_request_bytes=2048).request_byte_limit == 2048
