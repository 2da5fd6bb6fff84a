"""The images' commands, as the Dockerfiles and compose.yaml write them, run here without Docker.

No Docker engine runs on the project's machines (.github/workflows/images.yml builds and runs the
images). What can run here does: each runtime stage's CMD with its ENV, and its HEALTHCHECK command
answering 0 once the process is up; the compose worker's command and its `arq --check` health check;
the compose API's readiness health check, also while its Redis is stopped.
Only the port (and 0.0.0.0, which becomes 127.0.0.1) is changed, so tests can run side by side.
"""

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from apitest import API_KEY
from redisproc import RedisServer
from spawn import free_port
from waits import wait_until

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)
# The app's own settings that this environment could leak into the image's.
LEAKY = ("REDIS_URL", "CACHE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "API_KEY")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the runtime stage of a Dockerfile runs, and with which environment."""

    command: list[str]
    healthcheck: list[str]
    env: dict[str, str]
    port: str


def runtime_stage(dockerfile: Path) -> Runtime:
    """The last stage's CMD, HEALTHCHECK CMD, ENV and EXPOSE (the `runtime` target)."""
    text = dockerfile.read_text().replace("\\\n", " ")
    stage = text.rsplit("\nFROM ", 1)[1]
    assert " AS runtime" in stage.splitlines()[0], f"{dockerfile}: the last stage is not `runtime`"
    lines = [line.strip() for line in stage.splitlines()]
    env: dict[str, str] = {}
    for line in (line for line in lines if line.startswith("ENV ")):
        env.update(item.split("=", 1) for item in shlex.split(line[4:]))
    env.pop("PATH")  # the venv's bin directory plays /app/.venv/bin here
    (cmd,) = [json.loads(line[4:]) for line in lines if line.startswith("CMD ")]
    (check,) = [
        json.loads(line.split(" CMD ", 1)[1]) for line in lines if line.startswith("HEALTHCHECK ")
    ]
    (port,) = [line.split()[1] for line in lines if line.startswith("EXPOSE ")]
    return Runtime(cmd, check, env, port)


def localised(argv: list[str], port: str, local_port: int) -> list[str]:
    """The same command on a free port of 127.0.0.1."""
    return [
        arg.replace("0.0.0.0", "127.0.0.1").replace(f":{port}/", f":{local_port}/")  # noqa: S104
        if arg != port
        else str(local_port)
        for arg in argv
    ]


def process_env(workdir: Path, image_env: Mapping[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    return {**env, **image_env, **extra, "PATH": f"{VENV_BIN}{os.pathsep}{env['PATH']}"}


@contextmanager
def running(
    argv: list[str], env: dict[str, str], workdir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `argv` as the image would; SIGTERM it afterwards (as `docker stop` does) and reap it."""
    log = (workdir / "process.log").open("wb")
    proc = subprocess.Popen(
        argv, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def wait_until_healthy(
    check: list[str], env: dict[str, str], proc: subprocess.Popen[bytes], workdir: Path
) -> None:
    """Run the health check command until it exits 0, as Docker's HEALTHCHECK does."""

    def passes() -> bool:
        assert proc.poll() is None, (workdir / "process.log").read_text()[-3000:]
        run = subprocess.run(check, env=env, cwd=workdir, capture_output=True, timeout=15)
        return run.returncode == 0

    wait_until(passes, what=f"{check} passing")


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_image_command_serves_and_passes_its_healthcheck(dockerfile: str, tmp_path: Path) -> None:
    image = runtime_stage(ROOT / dockerfile)
    port = free_port()
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    # What compose.yaml adds for the API: a key (production requires one) and the multiprocess dir.
    env = process_env(tmp_path, image.env, API_KEY=API_KEY, PROMETHEUS_MULTIPROC_DIR=str(metrics))
    with running(localised(image.command, image.port, port), env, tmp_path) as proc:
        wait_until_healthy(localised(image.healthcheck, image.port, port), env, proc, tmp_path)
    assert proc.returncode == 0, (tmp_path / "process.log").read_text()[-3000:]


def test_compose_worker_runs_and_passes_arq_check(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    worker = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["worker"]
    image = runtime_stage(ROOT / "backend" / "Dockerfile")
    env = process_env(tmp_path, image.env, API_KEY=API_KEY, REDIS_URL=redis_server.url)
    check = worker["healthcheck"]["test"]
    assert check[0] == "CMD"
    with running(worker["command"], env, tmp_path) as proc:
        wait_until_healthy(check[1:], env, proc, tmp_path)


def test_compose_api_healthcheck_passes_and_stays_passing_while_redis_is_down(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    api = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["api"]
    image = runtime_stage(ROOT / "backend" / "Dockerfile")
    port = free_port()
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    env = process_env(
        tmp_path,
        image.env,
        API_KEY=API_KEY,
        REDIS_URL=redis_server.url,
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
    )
    assert api["healthcheck"]["test"][0] == "CMD"
    check = localised(api["healthcheck"]["test"][1:], image.port, port)
    with running(localised(image.command, image.port, port), env, tmp_path) as proc:
        wait_until_healthy(check, env, proc, tmp_path)
        redis_server.stop()
        # Readiness answers 200 "degraded": the API serves from memory, so it stays healthy.
        outage = subprocess.run(check, env=env, cwd=tmp_path, capture_output=True, timeout=15)
        assert outage.returncode == 0, outage.stderr
    assert proc.returncode == 0, (tmp_path / "process.log").read_text()[-3000:]
