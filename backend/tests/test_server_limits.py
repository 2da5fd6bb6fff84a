"""Server limits of the image's command, against a real uvicorn: header size, body time, concurrency.

Each test starts the runtime stage's CMD with its ENV (backend/Dockerfile), as test_image_commands
does, changing only the port and, where a test needs a small value, one variable.
"""

import contextlib
import http.client
import json
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from apitest import API_KEY
from images import ROOT, localised, process_env, runtime_stage
from spawn import Process, Spawner, answers_ok, free_port
from waits import PATIENCE, wait_until

# Longer than PATIENCE, so a wait that runs out reports what it waited for.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def start_image_command(spawn: Spawner, tmp_path: Path, **env: str) -> tuple[Process, int]:
    """The API image's command on a free port, serving; `env` overrides the image's ENV."""
    image = runtime_stage(ROOT / "backend" / "Dockerfile")
    port = free_port()
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    environment = process_env(
        image.env, API_KEY=API_KEY, PROMETHEUS_MULTIPROC_DIR=str(metrics), **env
    )
    server = spawn("api", localised(image.command, image.port, port), environment)
    live = f"http://127.0.0.1:{port}/v1/health/live"
    wait_until(lambda: answers_ok(live), what="the image's command serving", watch=[server])
    return server, port


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool
    """Whether the server closed the connection after answering."""


def exchange(port: int, request: bytes) -> Answer:
    """Send raw bytes on a new connection and read the server's answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        # The server may answer and close before taking everything; its answer is still read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        try:
            response.begin()
            headers = {name.lower(): value for name, value in response.getheaders()}
            try:
                body = response.read()
                closed = response.will_close and sock.recv(1) == b""
            except ConnectionResetError:
                # Closing with part of the request unread makes the kernel send a reset.
                body, closed = b"", True
            return Answer(response.status, headers, body, closed)
        finally:
            response.close()


def test_a_1_mb_header_is_refused(spawn: Spawner, tmp_path: Path) -> None:
    _, port = start_image_command(spawn, tmp_path)
    big = b"a" * (1024 * 1024)
    response = exchange(
        port, b"GET /v1/health/live HTTP/1.1\r\nHost: t\r\nX-Big: " + big + b"\r\n\r\n"
    )
    assert (response.status, response.closed) in ((400, True), (431, True))
    small = exchange(port, b"GET /v1/health/live HTTP/1.1\r\nHost: t\r\nX-Small: abc\r\n\r\n")
    assert small.status == 200


def test_a_stalled_body_is_cut_at_the_body_timeout(spawn: Spawner, tmp_path: Path) -> None:
    _, port = start_image_command(spawn, tmp_path, REQUEST_BODY_TIMEOUT_SECONDS="1")
    head = (
        "POST /v1/text_processing/process HTTP/1.1\r\nHost: t\r\n"
        f"X-API-Key: {API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    # A tenth of the body, then nothing: the server's answer can only come from the timeout.
    answer = exchange(port, head.encode() + b'{"text": "')
    body = json.loads(answer.body)
    assert answer.status == 408
    assert (body["success"], body["error_code"]) == (False, "request_timeout")
    assert (answer.headers["connection"], answer.closed) == ("close", True)


def test_connections_over_the_cap_get_503(spawn: Spawner, tmp_path: Path) -> None:
    # The image's own cap, on one worker so that every connection counts against the same one.
    cap = int(runtime_stage(ROOT / "backend" / "Dockerfile").env["UVICORN_LIMIT_CONCURRENCY"])
    server, port = start_image_command(spawn, tmp_path, WEB_CONCURRENCY="1")
    live = b"GET /v1/health/live HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    assert exchange(port, live).status == 200

    held = [socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) for _ in range(cap)]
    try:
        wait_until(
            lambda: exchange(port, live).status == 503, what="503 over the cap", watch=[server]
        )
    finally:
        for sock in held:
            sock.close()
    wait_until(lambda: exchange(port, live).status == 200, what="200 again", watch=[server])
