"""Redis under a burst: one uvicorn worker, many concurrent misses, a provider that answers slowly.

    uv run python scripts/redis_burst.py [--connections 800] [--seconds 15] [--delay 2]
        [--pool 50] [--timeout 0.5] [--pool-timeout 10] [--pool-timeout 0.5 ...]

Needs wrk and redis-server. Starts a redis-server of its own, a fake OpenAI-compatible provider
that answers every chat completion after --delay seconds, and the API (one uvicorn worker, rate
limits off, every text distinct so every request misses the cache and takes its lock). wrk keeps
--connections requests in flight. Then it reads the cache's counters and the API's log: Redis
errors, how often the cache switched to its memory tier, how often a breaker lost its Redis state.
Each --pool-timeout (CACHE_REDIS_POOL_TIMEOUT_SECONDS) is one run; 0.5 with --timeout 0.5 is the
pool as it was before the wait got its own setting.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

APP = "llm_starter_api.main:create_app"
KEY = "burst-key-0123456789abcdef"
# Each request a new text: a cache miss, a lock, a model call, a store.
WRK_SCRIPT = f"""
counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)  -- each thread's texts its own: threads share a random seed
end
request = function()
  counter = counter + 1
  local body = '{{"operation": "summarize", "text": "Burst document ' .. id .. '-' .. counter .. ' ' ..
    math.random(1, 1000000000) .. ': rivers carry water to the sea."}}'
  return wrk.format("POST", "/v1/text_processing/process",
    {{["Content-Type"] = "application/json", ["X-API-Key"] = "{KEY}"}}, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fake_provider(delay: float) -> Starlette:
    """Chat completions answered after `delay` seconds, as a slow provider would."""

    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        await asyncio.sleep(delay)
        message = {"role": "assistant", "content": "A short summary."}
        return JSONResponse(
            {
                "id": "chatcmpl-burst",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
            }
        )

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


def serve_in_thread(app: Starlette, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", backlog=4096, lifespan="off"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    wait(lambda: server.started, "the fake provider")
    return server


def wait(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start within {seconds:.0f} s")
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - local URL
            return bool(response.status == 200)
    except OSError:
        return False


def get_json(url: str) -> dict[str, object]:
    request = urllib.request.Request(url, headers={"X-API-Key": KEY})  # noqa: S310 - local URL
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local URL
        body: dict[str, object] = json.load(response)
        return body


def run(args: argparse.Namespace, pool_timeout: float, provider_url: str, workdir: Path) -> str:
    redis_port, api_port = free_port(), free_port()
    redis = subprocess.Popen(  # noqa: S603 - fixed argv
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
        cwd=workdir,
    )
    log = workdir / f"api-{pool_timeout}.log"
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "API_KEY": KEY,
        "INTERNAL_API_ENABLED": "true",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_ENABLED": "false",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_REDIS_MAX_CONNECTIONS": str(args.pool),
        "CACHE_REDIS_TIMEOUT_SECONDS": str(args.timeout),
        "CACHE_REDIS_POOL_TIMEOUT_SECONDS": str(pool_timeout),
        "LLM_MODEL": "openai:fake-model",
        "OPENAI_BASE_URL": provider_url,
        "LLM_TIMEOUT_SECONDS": "120",
    }
    url = f"http://127.0.0.1:{api_port}"
    argv = [sys.executable, "-m", "uvicorn", APP, "--factory", "--port", str(api_port)]
    with log.open("wb") as out:
        api = subprocess.Popen(  # noqa: S603 - fixed argv
            [*argv, "--no-access-log", "--backlog", "4096"], env=env, stdout=out, stderr=out
        )
    try:
        wait(lambda: answers(f"{url}/v1/health/live"), "the API")
        script = workdir / "burst.lua"
        script.write_text(WRK_SCRIPT)
        load = ["-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "60s"]
        wrk = subprocess.run(  # noqa: S603 - fixed argv
            ["wrk", *load, "-s", str(script), url],  # noqa: S607 - wrk from PATH, like bench_servers
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        metrics = get_json(f"{url}/internal/cache/metrics")
        text = log.read_text(errors="replace")  # before shutdown, which closes the pool
    finally:
        api.terminate()
        api.wait(timeout=60)
        redis.terminate()
        redis.wait(timeout=30)
    requests = re.search(r"(\d+) requests in", wrk)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    failures = Counter(re.findall(r"redis call failed \((\w+)\)", text))
    breakers = Counter(re.findall(r"breaker state in Redis unreachable \(([^)]*)\)", text))
    return (
        f"| {args.pool} | {args.timeout} | {pool_timeout} | {requests.group(1) if requests else '?'}"
        f" | {non_2xx.group(1) if non_2xx else 0} | {metrics['errors']}"
        f" | {sum(failures.values())} {dict(failures) or ''}"
        f" | {sum(breakers.values())} {dict(breakers) or ''}"
        f" | {text.count('No connection available')} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=800)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--delay", type=float, default=2.0, help="the provider's answer time")
    parser.add_argument("--pool", type=int, default=50, help="CACHE_REDIS_MAX_CONNECTIONS")
    parser.add_argument("--timeout", type=float, default=0.5, help="CACHE_REDIS_TIMEOUT_SECONDS")
    parser.add_argument("--pool-timeout", type=float, action="append", metavar="SECONDS")
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    provider_port = free_port()
    provider = serve_in_thread(fake_provider(args.delay), provider_port)
    print(
        "| pool | timeout s | pool timeout s | requests | non-2xx | cache errors "
        "| cache switched to memory (cause) | breaker lost Redis | pool exhausted |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for pool_timeout in args.pool_timeout or [10.0]:
                line = run(
                    args, pool_timeout, f"http://127.0.0.1:{provider_port}/v1", Path(scratch)
                )
                print(line, flush=True)
    finally:
        provider.should_exit = True
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
