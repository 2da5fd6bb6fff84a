"""Start-up: time from launch to a healthy `/v1/health`, and memory after warm-up, next to a bare app.

Each round starts one uvicorn process (one worker, as the production command runs each worker) and
polls `/v1/health` until it answers 200. The app runs with production settings on the Redis at
127.0.0.1:6379 (its own DB and key prefix) and the embedded engine; the baseline is
`benchmarks/bare_app.py`, a FastAPI app answering the same routes with fixed JSON. After the last
round's warm-up (health checks and a few `/process` calls), the process's resident memory goes into
the benchmark's `extra_info` and the summary prints it as a ratio to the bare app's.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

KEY = "startup-bench-key-0123456789abcdef"
ROUNDS = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert match is not None
    return int(match.group(1)) / 1024


class Server:
    """One uvicorn process of `factory`; `start()` returns once `/v1/health` answers 200."""

    def __init__(self, factory: str, env: dict[str, str], tmp: Path) -> None:
        self.factory, self.env, self.tmp = factory, env, tmp
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "uvicorn", self.factory, "--factory", "--port", str(port)]
        with (self.tmp / "server.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [*argv, "--no-access-log", "--http", "h11"],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 120
        with httpx.Client(timeout=5) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.factory} exited; see {self.tmp / 'server.log'}")
                try:
                    if client.get(f"{self.url}/v1/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.factory} not healthy within 120 s")
                time.sleep(0.01)  # a start-up poll, not a wait on a test condition

    def warm_rss_mb(self) -> float:
        """Resident memory after the requests a fresh instance meets first."""
        assert self.process is not None
        headers = {"X-API-Key": KEY}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as client:
            for n in range(20):
                client.get("/v1/health").raise_for_status()
                body = {"operation": "summarize", "text": f"Rivers carry water to the sea. {n}"}
                client.post("/v1/text_processing/process", json=body).raise_for_status()
        return _rss_mb(self.process.pid)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def _measure(benchmark: BenchmarkFixture, server: Server, started: list[Server]) -> None:
    started.append(server)

    def setup() -> None:
        server.stop()

    benchmark.pedantic(server.start, setup=setup, rounds=ROUNDS, iterations=1)  # type: ignore[no-untyped-call]
    benchmark.extra_info["rss_mb"] = round(server.warm_rss_mb(), 1)


@pytest.mark.benchmark(group="startup")
def test_baseline_bare_fastapi_app(
    benchmark: BenchmarkFixture, launch: list[Server], tmp_path: Path
) -> None:
    env = {"PYTHONPATH": str(Path(__file__).parent)}
    _measure(benchmark, Server("bare_app:create_app", env, tmp_path), launch)


@pytest.mark.benchmark(group="startup")
def test_app_production_settings(
    benchmark: BenchmarkFixture, launch: list[Server], tmp_path: Path
) -> None:
    env = {
        "ENVIRONMENT": "production",
        "API_KEY": KEY,
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "CACHE_KEY_PREFIX": f"bench-startup-{os.getpid()}",
        "RATE_LIMIT_ENABLED": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    _measure(benchmark, Server("llm_starter_api.main:create_app", env, tmp_path), launch)
