"""The project's stack without the project: FastAPI, pydantic and redis-py doing what the API does.

It runs on Python 3.11 too (the project needs 3.12), so 3.11 -> 3.12 -> 3.13 gets a number, with
the same library versions everywhere (requirements.txt here). Usage:

    python benchmarks/stack/workload.py --json out.json [--rounds 7] [--round-time 0.05]

Writes pytest-benchmark's JSON layout (name, group, stats.median/iqr in seconds), so the
same reader takes both. Redis is the local server on 127.0.0.1:6379, DB 9, under a random prefix
that is deleted afterwards; without it the Redis rows are left out and the reason printed.
"""

import argparse
import asyncio
import json
import random
import statistics
import string
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
import redis
from fastapi import FastAPI
from pydantic import BaseModel, Field

_rng = random.Random(20251126)  # fixed seed: every run measures the same payloads
_WORDS = ["".join(_rng.choices(string.ascii_lowercase, k=_rng.randint(1, 9))) for _ in range(300)]
TEXT = ". ".join(" ".join(_rng.choices(_WORDS, k=20)).capitalize() for _ in range(50))


class Request(BaseModel):
    text: str = Field(min_length=1, max_length=100_000)
    operation: Literal["summarize", "sentiment", "key_points", "questions", "qa"]
    question: str | None = None
    options: dict[str, int] = Field(default_factory=dict)
    user_metadata: dict[str, str] | None = None


class Response(BaseModel):
    operation: str
    success: bool = True
    result: str | None = None
    key_points: list[str] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    processing_time: float | None = None
    timestamp: datetime
    cache_hit: bool = False


REQUEST = {
    "text": TEXT,
    "operation": "summarize",
    "question": None,
    "options": {"max_length": 150},
    "user_metadata": {"source": "benchmark"},
}
REQUEST_JSON = json.dumps(REQUEST).encode()
JSON = {"content-type": "application/json"}
RESPONSE = Response(
    operation="key_points",
    key_points=[" ".join(_rng.choices(_WORDS, k=15)) + "." for _ in range(10)],
    metadata={"word_count": 1000, "model": "openai:gpt-4o-mini"},
    processing_time=1.234,
    timestamp=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
)


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/process")
    async def process(request: Request) -> Response:
        return RESPONSE

    return app


def fastapi_post() -> Callable[[], object]:
    """POST a 1,000-word request through FastAPI's validation and serialisation, in process."""
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(bare_app()), base_url="http://stack")

    def call() -> object:
        response = loop.run_until_complete(
            client.post("/process", content=REQUEST_JSON, headers=JSON)
        )
        assert response.status_code == 200, response.text
        return response

    return call


def asyncio_gather() -> object:
    """A hundred tiny coroutines gathered on a fresh loop: the event loop's own overhead."""

    async def tiny(i: int) -> int:
        await asyncio.sleep(0)
        return i

    async def main() -> list[int]:
        return await asyncio.gather(*(tiny(i) for i in range(100)))

    return asyncio.run(main())


def redis_calls(client: redis.Redis, prefix: str) -> dict[str, Callable[[], object]]:
    """Twenty GETs of a 1 KB answer one by one, and the same in one pipeline."""
    keys = [f"{prefix}:{i}" for i in range(20)]
    value = json.dumps({"result": TEXT[:900]}).encode()
    for key in keys:
        client.set(key, value, ex=600)

    def one_by_one() -> object:
        return [client.get(key) for key in keys]

    def pipelined() -> object:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.get(key)
        return pipe.execute()

    return {"redis_20_gets": one_by_one, "redis_20_gets_pipelined": pipelined}


def workloads() -> dict[str, Callable[[], object]]:
    return {
        "stdlib_json_roundtrip": lambda: json.dumps(json.loads(REQUEST_JSON)),
        "pydantic_validate_request_json": lambda: Request.model_validate_json(REQUEST_JSON),
        "pydantic_dump_response_json": RESPONSE.model_dump_json,
        "fastapi_post_in_process": fastapi_post(),
        "asyncio_gather_100": asyncio_gather,
    }


def measure(call: Callable[[], object], *, rounds: int, round_time: float) -> dict[str, float]:
    """Median, minimum and IQR of one call's time over `rounds` rounds of about `round_time` seconds each."""
    call()  # warm up: imports, caches, connections
    loops = 1
    while True:  # calibrate: how many calls make a round of about `round_time`
        start = time.perf_counter()
        for _ in range(loops):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= round_time / 4:
            break
        loops *= 2
    loops = max(1, round(loops * round_time / elapsed))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(loops):
            call()
        times.append((time.perf_counter() - start) / loops)
    quartiles = statistics.quantiles(times, n=4)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "iqr": quartiles[2] - quartiles[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", required=True, help="where to write the results")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--round-time", type=float, default=0.05, help="seconds per round")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()

    calls = workloads()
    prefix = f"stackbench{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(args.redis_url, socket_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        print(f"redis rows left out: {exc}", file=sys.stderr)
    else:
        calls |= redis_calls(client, prefix)
    results = []
    try:
        for name, call in calls.items():
            stats = measure(call, rounds=args.rounds, round_time=args.round_time)
            results.append({"name": name, "group": "stack", "stats": stats})
            print(f"{name:32} {stats['median'] * 1e6:10.1f} us", file=sys.stderr)
    finally:
        for key in client.scan_iter(f"{prefix}:*") if "redis_20_gets" in calls else ():
            client.delete(key)
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump({"machine_info": {"python_version": sys.version}, "benchmarks": results}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
