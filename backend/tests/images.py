"""The images as their Dockerfiles define them, for running their commands here without Docker."""

import json
import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)
# The app's own settings that this environment could leak into the image's.
LEAKY = ("REDIS_URL", "CACHE_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "API_KEY")


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


def process_env(image_env: Mapping[str, str], **extra: str) -> dict[str, str]:
    """This environment without the app's settings, plus the image's ENV and `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKY and not k.startswith("UVICORN_")}
    return {**env, **image_env, **extra, "PATH": f"{VENV_BIN}{os.pathsep}{env['PATH']}"}
