"""Throughput of the production server command, uvicorn --workers N, against granian and a bare app.

`uvicorn` is backend/Dockerfile's command with its server limits (h11, which bounds the request
head); `uvicorn-httptools` is the same on httptools, faster to parse but with no bound on headers.

    uv run --with granian python scripts/bench_servers.py [--workers 2] [--seconds 10] [--rounds 3]
        [--servers uvicorn bare ...] [--python .venv/bin/python --python .venv-3.12/bin/python]

Needs wrk (`apt-get install -y wrk`). Each round starts each server in turn with the production
settings (JSON logs at WARNING unless --log-level says otherwise, to a discarded stderr; metrics in
multiprocess mode; rate limits off so every request is served) and runs wrk against GET /v1/health and a cache-hit POST /v1/text_processing/process.
Servers and wrk share this machine: compare the servers with each other within one run, not with
numbers from another machine. "bare" is `benchmarks/bare_app.py` under the same uvicorn command: the
same routes answering the same JSON with nothing else, so the app's own cost on a cache hit shows as
a ratio. "no-middleware" is the real app with none of our middleware (no cache-hit path either), so
on GET /v1/health the middleware stack's cost shows. Each --python (a venv's interpreter holding
the app, e.g. from `make install PY=3.12`) runs every server in turn. Prints a Markdown table
with each server's ratio to uvicorn and to bare on the same Python, and the range over the rounds.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

APP = "llm_starter_api.main:create_app"
KEY = "bench-key-0123456789abcdef"
BODY = (
    '{"text": "Rivers carry water to the sea. The Nile is the longest river in Africa, and the '
    'Amazon carries the most water of all rivers.", "operation": "summarize"}'
)
POST_SCRIPT = f"""
wrk.method = "POST"
wrk.body = '{BODY}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "{KEY}"
"""
STUCK: dict[str, int] = {}
"""Servers that ignored SIGTERM for 30 s, and how often."""
ENDPOINTS = {
    "GET /v1/health": ("/v1/health", None),
    "POST /process (hit)": ("/v1/text_processing/process", POST_SCRIPT),
}


@dataclass(frozen=True, slots=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


# backend/Dockerfile's server limits (its UVICORN_* ENV), as flags.
LIMITS = (
    *("--h11-max-incomplete-event-size", "16384", "--limit-concurrency", "256"),
    *("--timeout-keep-alive", "5", "--backlog", "512"),
)


def commands(python: str, workers: int, port: int) -> dict[str, list[str]]:
    """The command line of each server, as production would run it."""
    address = ("--host", "127.0.0.1", "--port", str(port))
    uvicorn = [
        *(python, "-m", "uvicorn", APP, "--factory", *address, *LIMITS),
        *("--workers", str(workers), "--no-access-log", "--no-server-header"),
    ]
    return {
        # backend/Dockerfile's command; WEB_CONCURRENCY there is --workers here.
        "uvicorn": [*uvicorn, "--http", "h11"],
        # The same on httptools, which parses faster but bounds no request head.
        "uvicorn-httptools": [*uvicorn, "--http", "httptools"],
        "granian": [
            *(python, "-m", "granian", "--interface", "asgi", "--factory", *address),
            *("--workers", str(workers), "--no-ws", "--log-level", "warning", APP),
        ],
        "bare": [
            *(python, "-m", "uvicorn", "bare_app:create_app", "--factory", *address),
            *("--app-dir", "benchmarks", "--workers", str(workers), "--no-access-log"),
            *("--http", "h11"),  # the production parser, so the ratio is the app's cost alone
        ],
        "no-middleware": [
            *(python, "-m", "uvicorn", "bare_app:create_app_without_middleware"),
            *("--factory", *address, "--app-dir", "benchmarks", "--workers", str(workers)),
            *("--no-access-log", "--no-server-header", "--http", "h11"),
        ],
    }


def version(python: str) -> str:
    """The interpreter's version, as `3.13.0`."""
    argv = [python, "-c", "import sys; print(sys.version.split()[0])"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=1) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, script: Path | None, *, seconds: int, connections: int) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(rps, duration_ms(p50), duration_ms(p99), int(errors.group(1)) if errors else 0)


def measure(
    name: str, argv: list[str], port: int, scripts: dict[str, Path | None], args: argparse.Namespace
) -> dict[str, Result]:
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as metrics_dir:
        env = {
            **os.environ,
            "ENVIRONMENT": "production",
            "API_KEY": KEY,
            "LOG_LEVEL": args.log_level,
            "RATE_LIMIT_ENABLED": "false",
            "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
        }
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            argv,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a stuck worker can be killed too
        )
        try:
            wait_ready(url, process)
            results = {}
            for endpoint, (path, _) in ENDPOINTS.items():
                # Warm-up: every worker fills its memory cache tier and its connection pools.
                wrk(url + path, scripts[endpoint], seconds=2, connections=args.connections)
                results[endpoint] = wrk(
                    url + path,
                    scripts[endpoint],
                    seconds=args.seconds,
                    connections=args.connections,
                )
                print(f"  {name:8} {endpoint:20} {results[endpoint]}", file=sys.stderr)
            return results
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop within 30 s of SIGTERM; killed", file=sys.stderr)
                STUCK[name] = STUCK.get(name, 0) + 1
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--servers",
        nargs="+",
        default=["uvicorn", "uvicorn-httptools", "granian", "bare", "no-middleware"],
    )
    parser.add_argument("--python", action="append", default=[], metavar="PATH")
    parser.add_argument(
        "--log-level", default="WARNING", help="INFO writes the access line of every request"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    pythons = {version(python): python for python in args.python or [sys.executable]}
    with tempfile.TemporaryDirectory() as scratch:
        scripts: dict[str, Path | None] = {}
        for endpoint, (_, lua) in ENDPOINTS.items():
            if lua is None:
                scripts[endpoint] = None
                continue
            scripts[endpoint] = Path(scratch) / "post.lua"
            scripts[endpoint].write_text(lua)  # type: ignore[union-attr]
        runs: dict[tuple[str, str], list[dict[str, Result]]] = {}
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}/{args.rounds}", file=sys.stderr)
            # Alternating servers within each round spreads any drift of the machine over all.
            for label, python in pythons.items():
                port = free_port()
                for name, argv in commands(python, args.workers, port).items():
                    if name in args.servers:
                        measured = measure(f"{name} {label}", argv, port, scripts, args)
                        runs.setdefault((label, name), []).append(measured)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"\n{args.workers} workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"median of {args.rounds} rounds, LOG_LEVEL={args.log_level}, {os.cpu_count()} CPUs, "
        f"load average at the end {load}\n"
    )
    print(
        "| Python | server | endpoint | req/s | ratio to uvicorn | ratio to bare "
        "| rounds, req/s | p50 ms | p99 ms | non-2xx |"
    )
    print("|---|---|---|---:|---:|---:|---|---:|---:|---:|")
    for endpoint in ENDPOINTS:
        for (label, name), results in runs.items():
            rps = [r[endpoint].requests_per_second for r in results]
            ratios = [
                f"{statistics.median(rps) / median_rps(runs[label, base], endpoint):.2f}"
                if (label, base) in runs
                else "-"
                for base in ("uvicorn", "bare")
            ]
            p50 = statistics.median(r[endpoint].p50_ms for r in results)
            p99 = statistics.median(r[endpoint].p99_ms for r in results)
            errors = sum(r[endpoint].errors for r in results)
            print(
                f"| {label} | {name} | {endpoint} | {statistics.median(rps):,.0f} "
                f"| {ratios[0]} | {ratios[1]} | {min(rps):,.0f}-{max(rps):,.0f} "
                f"| {p50:.1f} | {p99:.1f} | {errors} |"
            )
    for name, count in STUCK.items():
        print(f"\n{name} did not stop within 30 s of SIGTERM in {count} of {args.rounds} rounds.")
    return 0


def median_rps(results: list[dict[str, Result]], endpoint: str) -> float:
    """The median throughput of one server on one endpoint over the rounds."""
    return statistics.median(r[endpoint].requests_per_second for r in results)


if __name__ == "__main__":
    sys.exit(main())
