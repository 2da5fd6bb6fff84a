"""A crowd of slow model calls: every request a cache miss, a provider that answers after 2 s.

    make bench-crowd [ARGS="--connections 50 200 800 --workers 1 2 --seconds 20 --settle 60 --retry-after"]

Needs wrk and redis-server. Starts a redis-server of its own, a fake OpenAI-compatible provider that
answers every chat completion after --delay seconds (scripts/redis_burst.py's), and the API with
backend/Dockerfile's production command and server limits (uvicorn --workers N, rate limits off,
JSON logs at WARNING). For each worker count and each number of connections, wrk keeps that many
requests in flight for --seconds, each with a new text, and counts the answers by kind: 200,
503 `overloaded` from the cap on model calls in flight (LLM_MAX_CONCURRENT_CALLS, it has
Retry-After), and anything else (uvicorn's own 503 past --limit-concurrency, timeouts). While the
largest crowd runs, a probe sends one request at a time and times each `overloaded` refusal.

Prints a Markdown table: successful req/s against the ideal (connections / delay, at most
workers x cap / delay), p50/p99 over all answers, the refusals, Redis errors in the log (a pool
that ran dry, the cache switching to its memory tier, a breaker losing its Redis state), and the
API's RSS (all its processes) before the load, after it, and --settle seconds later. The machine
runs wrk, the provider and the API at once: compare rows of one run, not numbers across machines.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench_servers import LIMITS
from redis_burst import answers, fake_provider, free_port, serve_in_thread, wait

APP = "llm_starter_api.main:create_app"
KEY = "crowd-key-0123456789abcdef"
# Each request a new text (a cache miss and a model call); answers counted by kind per thread.
WRK_SCRIPT = f"""
local threads = {{}}
function setup(thread)
  thread:set("id", #threads + 1)  -- each thread's texts its own: threads share a random seed
  table.insert(threads, thread)
end
function init(args)
  counter, ok, shed, other, backoffs = 0, 0, 0, 0, 0
end
delay = function()
  -- With --retry-after, one request waits out Retry-After for every refusal: clients that honour
  -- it, as the OpenAI and Anthropic SDKs do (wrk's delay is per thread, not per connection).
  if backoffs > 0 then
    backoffs = backoffs - 1
    return BACKOFF_MS
  end
  return 0
end
request = function()
  counter = counter + 1
  local body = '{{"operation": "summarize", "text": "Crowd document NONCE-' .. id .. '-' .. counter .. ' ' ..
    math.random(1, 1000000000) .. ': rivers carry water to the sea."}}'
  return wrk.format("POST", "/v1/text_processing/process",
    {{["Content-Type"] = "application/json", ["X-API-Key"] = "{KEY}"}}, body)
end
response = function(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 503 and (headers["retry-after"] or headers["Retry-After"]) then
    shed = shed + 1
    backoffs = backoffs + 1
  else
    other = other + 1
  end
end
done = function(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, thread in ipairs(threads) do
    o, s, x = o + thread:get("ok"), s + thread:get("shed"), x + thread:get("other")
  end
  io.write(string.format("ANSWERS ok=%d shed=%d other=%d\\n", o, s, x))
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    seconds: float
    ok: int
    shed: int
    other: int
    socket_errors: int
    p50_ms: float
    p99_ms: float


def duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, script: Path, *, connections: int, seconds: int, backoff_ms: int = 0) -> Load:
    # Each run its own texts: wrk seeds math.random the same way every time.
    lua = WRK_SCRIPT.replace("NONCE", str(time.time_ns()))
    script.write_text(lua.replace("BACKOFF_MS", str(backoff_ms)))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "60s"]
    out = subprocess.run(  # noqa: S603 - fixed argv
        [*command, "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    counts = re.search(r"ANSWERS ok=(\d+) shed=(\d+) other=(\d+)", out)
    elapsed = re.search(r"requests in ([\d.]+)(s|m)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if counts is None or elapsed is None or p50 is None or p99 is None:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    took = float(elapsed.group(1)) * (60 if elapsed.group(2) == "m" else 1)
    return Load(
        seconds=took,
        ok=int(counts.group(1)),
        shed=int(counts.group(2)),
        other=int(counts.group(3)),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        p50_ms=duration_ms(p50.group(1)),
        p99_ms=duration_ms(p99.group(1)),
    )


def drain(url: str) -> None:
    """Until the calls of the last crowd have ended: wrk hangs up, the server still awaits them."""
    request = urllib.request.Request(url + "/metrics", headers={"X-API-Key": KEY})  # noqa: S310

    def idle() -> bool:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local URL
            found = re.search(rb"^llm_calls_in_flight(?:\{[^}]*\})? (\S+)$", response.read(), re.M)
        return found is not None and float(found.group(1)) == 0

    wait(idle, "the last crowd's calls to end", seconds=180)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MB."""
    children = subprocess.run(  # noqa: S603 - fixed argv
        ["ps", "-o", "pid=", "--ppid", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    total = 0
    for each in [str(pid), *children]:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            total += int(match.group(1)) if match else 0
    return total / 1024


def probe_refusals(
    port: int, stop: threading.Event, refusals: list[float], others: list[str]
) -> None:
    """One request at a time while the crowd runs: how long each `overloaded` 503 takes."""
    n = 0
    while not stop.is_set():
        n += 1
        body = json.dumps({"operation": "summarize", "text": f"Probe {n} {time.time_ns()}: rain."})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request(
                "POST",
                "/v1/text_processing/process",
                body,
                {"Content-Type": "application/json", "X-API-Key": KEY},
            )
            response = connection.getresponse()
            payload = response.read()
        except OSError:
            others.append("connection error")  # e.g. uvicorn's connection cap
            continue
        finally:
            connection.close()
        took = time.perf_counter() - started
        if response.status == 503 and b'"overloaded"' in payload:
            refusals.append(took * 1000)
        else:
            others.append(str(response.status))


def probed(refused_ms: list[float], unrefused: list[str]) -> str:
    """What the one-at-a-time probe saw: how fast refusals came, and what else it got."""
    parts = [f"probe: {len(refused_ms)} refused"]
    if refused_ms:
        parts.append(f"p50 {statistics.median(refused_ms):.0f} ms, max {max(refused_ms):.0f} ms")
    if unrefused:
        kinds = ", ".join(f"{unrefused.count(k)} x {k}" for k in sorted(set(unrefused)))
        parts.append(f"not refused: {kinds}")
    return "(" + "; ".join(parts) + ")"


def run(args: argparse.Namespace, workers: int, provider_url: str, workdir: Path) -> list[str]:
    redis_port, api_port = free_port(), free_port()
    redis = subprocess.Popen(  # noqa: S603 - fixed argv
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
        cwd=workdir,
    )
    metrics = workdir / f"metrics-{workers}"
    metrics.mkdir()
    log = workdir / f"api-{workers}.log"
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "API_KEY": KEY,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_ENABLED": "false",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "LLM_MODEL": "openai:fake-model",
        "OPENAI_BASE_URL": provider_url,
        "LLM_MAX_CONCURRENT_CALLS": str(args.cap),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    argv = [
        *(sys.executable, "-m", "uvicorn", APP, "--factory", "--port", str(api_port), *LIMITS),
        *("--workers", str(workers), "--no-access-log", "--http", "h11"),
    ]
    url = f"http://127.0.0.1:{api_port}"
    script = workdir / "crowd.lua"
    rows = []
    with log.open("wb") as out:
        api = subprocess.Popen(argv, env=env, stdout=out, stderr=out)  # noqa: S603 - fixed argv
    try:
        wait(lambda: answers(f"{url}/v1/health/live"), "the API")
        wrk(url, script, connections=workers * 4, seconds=2)  # warm-up: pools, agents
        drain(url)
        before = rss_mb(api.pid)
        for connections in args.connections:
            probe: list[float] = []
            unrefused: list[str] = []
            stop = threading.Event()
            prober = threading.Thread(
                target=probe_refusals, args=(api_port, stop, probe, unrefused)
            )
            drain(url)
            if connections == max(args.connections):
                prober.start()
            try:
                load = wrk(
                    url,
                    script,
                    connections=connections,
                    seconds=args.seconds,
                    backoff_ms=1000 if args.retry_after else 0,
                )
            finally:
                stop.set()
                if prober.is_alive():
                    prober.join(timeout=90)
            ideal = min(connections, workers * args.cap) / args.delay
            refusals = probed(probe, unrefused) if prober.ident is not None else ""
            rows.append(
                f"| {workers} | {connections} | {load.ok / load.seconds:.1f} | {ideal:.0f} "
                f"| {load.p50_ms / 1000:.2f} s | {load.p99_ms / 1000:.2f} s "
                f"| {load.shed} {refusals} | {load.other + load.socket_errors} |"
            )
        after = rss_mb(api.pid)
        time.sleep(args.settle)  # memory a while after the crowd left, not a wait for a condition
        settled = rss_mb(api.pid)
        text = log.read_text(errors="replace")
    finally:
        api.terminate()
        api.wait(timeout=60)
        redis.terminate()
        redis.wait(timeout=30)
    redis_errors = sum(
        text.count(marker)
        for marker in ("redis call failed", "breaker state in Redis unreachable", "No connection")
    )
    rows.append(
        f"| {workers} | RSS | {before:.0f} MB before | {after:.0f} MB after "
        f"| {settled:.0f} MB {args.settle} s later | Redis errors: {redis_errors} | | |"
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200, 800])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--delay", type=float, default=2.0, help="the provider's answer time")
    parser.add_argument("--cap", type=int, default=100, help="LLM_MAX_CONCURRENT_CALLS")
    parser.add_argument("--settle", type=int, default=60, help="seconds before the last RSS")
    parser.add_argument(
        "--retry-after",
        action="store_true",
        help="clients wait out Retry-After (1 s) after an `overloaded` 503 before sending again",
    )
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    provider_port = free_port()
    provider = serve_in_thread(fake_provider(args.delay), provider_port)
    print(
        f"provider answers after {args.delay} s; LLM_MAX_CONCURRENT_CALLS={args.cap}; "
        f"wrk -t2 -d{args.seconds}s; {os.cpu_count()} cores shared by wrk, provider and API; "
        f"clients {'honour' if args.retry_after else 'ignore'} Retry-After\n"
    )
    print(
        "| workers | connections | successful req/s | ideal | p50 | p99 "
        "| 503 overloaded | other failures |"
    )
    print("|---|---|---|---|---|---|---|---|")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for workers in args.workers:
                for line in run(
                    args, workers, f"http://127.0.0.1:{provider_port}/v1", Path(scratch)
                ):
                    print(line, flush=True)
    finally:
        provider.should_exit = True
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
