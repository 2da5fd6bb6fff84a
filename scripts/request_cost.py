"""Microseconds per request through the app in-process: no server, no network, no load generator.

    uv run python scripts/request_cost.py [--path /v1/health] [--drop AccessMiddleware ...]
        [--log-level INFO] [--requests 5000] [--profile]

Drives the ASGI app directly (production settings, memory cache, rate limits off) with the same
request again and again, after a warm-up that fills the cache, and prints the mean time per request.
`--drop` removes middleware by class name (`--drop all` removes all of ours), so each layer's cost
shows as a difference between two runs; `--profile` prints cProfile's top functions instead.
Compare runs with each other on one machine, never with numbers from another: this is for finding
where time goes, `scripts/bench_servers.py` measures throughput over real HTTP.
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import MutableMapping
from typing import Any

KEY = "bench-key-0123456789abcdef"
BODY = (
    b'{"text": "Rivers carry water to the sea. The Nile is the longest river in Africa, and the '
    b'Amazon carries the most water of all rivers.", "operation": "summarize"}'
)

type Message = MutableMapping[str, Any]


def request_scope(path: str) -> tuple[dict[str, Any], bytes]:
    """An HTTP scope as uvicorn builds it: GET for most paths, a POST with a body for /process."""
    post = path.endswith("/process")
    headers = [(b"host", b"127.0.0.1:8000"), (b"x-api-key", KEY.encode())]
    if post:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BODY))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST" if post else "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    return scope, BODY if post else b""


async def one_request(app: Any, path: str) -> int:
    """Send one request; the response's status."""
    scope, body = request_scope(path)
    delivered = False
    status = 0

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never leaves
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def run(args: argparse.Namespace) -> None:
    from llm_starter_api.main import create_app  # after the environment is set

    app = create_app()
    if args.drop:
        drop = set(args.drop)
        app.user_middleware = [
            m for m in app.user_middleware if "all" not in drop and _name(m.cls) not in drop
        ]
    startup: asyncio.Queue[Message] = asyncio.Queue()
    events: asyncio.Queue[Message] = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, startup.get, events.put)
    )
    assert (await events.get())["type"] == "lifespan.startup.complete"
    for _ in range(200):  # warm-up: the cache, the verdict memory, FastAPI's lazy routes
        status = await one_request(app, args.path)
    if status != 200:
        raise SystemExit(f"{args.path} answered {status}")
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    started = time.perf_counter()
    for _ in range(args.requests):
        await one_request(app, args.path)
    elapsed = time.perf_counter() - started
    if profile is not None:
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    kept = ", ".join(_name(m.cls) for m in app.user_middleware) or "none"
    print(f"{args.path}: {elapsed / args.requests * 1e6:.1f} µs per request (middleware: {kept})")
    await startup.put({"type": "lifespan.shutdown"})
    await events.get()
    await lifespan


def _name(middleware: object) -> str:
    return getattr(middleware, "__name__", repr(middleware))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/v1/text_processing/process")
    parser.add_argument("--drop", nargs="*", default=[], help="middleware class names, or all")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as metrics_dir:
        os.environ.update(
            ENVIRONMENT="production",
            API_KEY=KEY,
            LOG_LEVEL=args.log_level,
            RATE_LIMIT_ENABLED="false",
            PROMETHEUS_MULTIPROC_DIR=metrics_dir,
        )
        # The log lines go nowhere, as with a server whose stderr is discarded.
        with open(os.devnull, "w") as devnull:
            sys.stderr = devnull
            try:
                asyncio.run(run(args))
            finally:
                sys.stderr = sys.__stderr__


if __name__ == "__main__":
    main()
