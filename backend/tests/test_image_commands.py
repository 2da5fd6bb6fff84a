"""The images' commands, as the Dockerfiles and compose.yaml write them, run here without Docker.

No Docker engine runs on the project's machines (.github/workflows/images.yml builds and runs the
images). What can run here does: each runtime stage's CMD with its ENV, and its HEALTHCHECK command
answering 0 once the process is up; the compose worker's command and its `arq --check` health check;
the compose API's readiness health check, also while its Redis is stopped.
Only the port (and 0.0.0.0, which becomes 127.0.0.1) is changed, so tests can run side by side.
"""

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from apitest import API_KEY
from images import ROOT, localised, process_env, runtime_stage
from redisproc import RedisServer
from spawn import free_port
from waits import wait_until

# Longer than PATIENCE, so a wait that runs out reports what it waited for.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


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
        try:
            # Generous: on a loaded machine the check's own imports take seconds.
            run = subprocess.run(check, env=env, cwd=workdir, capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return False  # a check that times out has failed; Docker runs it again too
        return run.returncode == 0

    wait_until(passes, what=f"{check} passing")


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_image_command_serves_and_passes_its_healthcheck(dockerfile: str, tmp_path: Path) -> None:
    image = runtime_stage(ROOT / dockerfile)
    port = free_port()
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    # What compose.yaml adds for the API: a key (production requires one) and the multiprocess dir.
    env = process_env(image.env, API_KEY=API_KEY, PROMETHEUS_MULTIPROC_DIR=str(metrics))
    with running(localised(image.command, image.port, port), env, tmp_path) as proc:
        wait_until_healthy(localised(image.healthcheck, image.port, port), env, proc, tmp_path)
    assert proc.returncode == 0, (tmp_path / "process.log").read_text()[-3000:]


def test_compose_worker_runs_and_passes_arq_check(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    worker = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["worker"]
    image = runtime_stage(ROOT / "backend" / "Dockerfile")
    env = process_env(image.env, API_KEY=API_KEY, REDIS_URL=redis_server.url)
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
        outage = subprocess.run(check, env=env, cwd=tmp_path, capture_output=True, timeout=60)
        assert outage.returncode == 0, outage.stderr
    assert proc.returncode == 0, (tmp_path / "process.log").read_text()[-3000:]
