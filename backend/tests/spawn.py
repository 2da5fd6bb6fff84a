"""Child processes of tests: output to a log file, every wait bounded, reaped on every path.

The `spawn` fixture (conftest) owns each process a test starts and stops whatever is still running
when the test ends, pass or fail. Waits fail at once when a watched process has exited.
"""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx
import pytest
from waits import wait_until

APP_FACTORY = "llm_starter_api.main:create_app"
WORKER_SETTINGS = "llm_starter_api.jobs.worker.WorkerSettings"
WORKER_LOG_CONFIG = "llm_starter_api.jobs.worker.LOG_CONFIG"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def base_env(**overrides: str) -> dict[str, str]:
    """This environment without the app's own settings that could leak in, plus `overrides`."""
    leaky = ("REDIS_URL", "CACHE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY")
    env = {k: v for k, v in os.environ.items() if k not in leaky}
    return {**env, "ENVIRONMENT": "testing", **overrides}


def api_command(port: int) -> list[str]:
    """One uvicorn process serving the app on `port`, as the images start it."""
    return [
        sys.executable, "-m", "uvicorn", APP_FACTORY, "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip


def worker_command() -> list[str]:
    """One arq worker process, as `make worker` starts it."""
    return [sys.executable, "-m", "arq", "--custom-log-dict", WORKER_LOG_CONFIG, WORKER_SETTINGS]


class Process:
    """A child process whose output goes to a log file (a pipe nobody reads would block it)."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        env: Mapping[str, str],
        workdir: Path,
        cwd: Path | None = None,
    ):
        self.name = name
        self.command = list(command)
        self.env = dict(env)
        self.workdir = workdir
        self.cwd = cwd or workdir
        """Where it runs: the test's own directory unless the test says otherwise."""
        self.log = workdir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> "Process":
        """Start it (again, after a kill or stop); its output is appended to the log."""
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def output(self) -> str:
        """The end of what it wrote so far."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def fail(self, why: str) -> None:
        pytest.fail(f"{self.name}: {why}\n--- {self.log.name} ---\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        if self.popen is not None and self.alive:
            self.popen.send_signal(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()  # SIGKILL cannot be ignored: this returns

    def stop(self, *, grace: float = 15) -> None:
        """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
        if self.popen is None or not self.alive:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()


class Spawner:
    """Starts the processes of one test and stops every one of them when the test ends."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.processes: list[Process] = []

    def __call__(
        self,
        name: str,
        command: Sequence[str],
        env: Mapping[str, str],
        *,
        start: bool = True,
        cwd: Path | None = None,
    ) -> Process:
        process = Process(name, command, env, self.workdir, cwd)
        self.processes.append(process)
        return process.start() if start else process

    def reap(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawner]:
    """`spawn(name, command, env)` starts a process; every one still running is stopped at the end."""
    spawner = Spawner(tmp_path)
    yield spawner
    spawner.reap()


def answers_ok(url: str) -> bool:
    """Whether GET `url` answers 200 now."""
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def wait_healthy(process: Process, url: str) -> None:
    """Until the API at `url` answers GET /v1/health with 200."""
    wait_until(lambda: answers_ok(f"{url}/v1/health"), what=f"{url} healthy", watch=[process])
