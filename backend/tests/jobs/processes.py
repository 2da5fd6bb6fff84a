"""API (uvicorn) and job worker (arq) processes that tests start, kill and restart."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import pytest
import redis

from llm_starter_api.jobs.worker import HEALTH_CHECK_SECONDS

WORKER_SETTINGS = "llm_starter_api.jobs.worker.WorkerSettings"


def base_env(**overrides: str) -> dict[str, str]:
    """This environment without the app's own settings that could leak in, plus `overrides`."""
    leaky = ("REDIS_URL", "CACHE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY")
    env = {k: v for k, v in os.environ.items() if k not in leaky}
    return {**env, "ENVIRONMENT": "testing", **overrides}


class Process:
    """A child process whose output goes to a log file (a pipe nobody reads would block it)."""

    def __init__(self, name: str, command: Sequence[str], env: Mapping[str, str], workdir: Path):
        self.name = name
        self.command = list(command)
        self.env = dict(env)
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def fail(self, why: str) -> None:
        tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        pytest.fail(f"{self.name}: {why}\n--- {self.log.name} ---\n{tail}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        if self.popen is not None and self.alive:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within 15 s."""
        if self.popen is None or not self.alive:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def api(env: Mapping[str, str], workdir: Path, port: int, *, name: str = "api") -> Process:
    """One uvicorn process serving the app on `port`."""
    command = [
        sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    return Process(name, command, env, workdir)


def worker(env: Mapping[str, str], workdir: Path, *, name: str = "worker") -> Process:
    """One arq worker process, as `make worker` starts it."""
    return Process(name, [sys.executable, "-m", "arq", WORKER_SETTINGS], env, workdir)


def wait_healthy(process: Process, url: str, seconds: float = 60) -> None:
    """Until GET /v1/health answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive:
            process.fail("exited at start")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.fail(f"not healthy within {seconds} s")


def wait_polling(process: Process, client: redis.Redis, queue: str, seconds: float = 60) -> None:
    """Until the worker has written its health key, which it does on its first poll.

    A new queue has no health key until then; a queue whose worker was killed still has it.
    """
    key = f"{queue}:health-check"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive:
            process.fail("exited at start")
        if client.exists(key):
            return
        time.sleep(0.1)
    process.fail(f"no health key within {seconds} s (it refreshes every {HEALTH_CHECK_SECONDS} s)")
