"""The rollback in docs/python-versions.md, run as written in a copy of the repository."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python-versions.md"
# What make or a CI job may have put in our environment that would steer the copy's make or uv:
# MAKEFLAGS carries `PY=3.12` from `make test PY=3.12` into every make below it.
STEERING = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PY", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON")
STEERING += ("VIRTUAL_ENV",)
VERSION = "import sys; print('%d.%d' % sys.version_info[:2], sys.prefix)"


def doc_blocks(section: str) -> list[str]:
    """The shell blocks of one `##` section of the doc, as written."""
    text = DOC.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [
        re.sub(r"^\s+", "", block, flags=re.M).strip()
        for block in re.findall(r"```sh\n(.*?)```", body, re.S)
    ]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run to completion in its own process group (killed whole on timeout); return its output."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, _ = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"{command} did not finish within 300 s")
    assert proc.returncode == 0, f"{command} failed:\n{out[-3000:]}"
    return out


def copy_of_repository(into: Path) -> Path:
    """The tracked files of this checkout (as they are on disk), without venvs or caches."""
    listed = run(["git", "ls-files", "-z"], ROOT, dict(os.environ)).split("\0")
    for name in filter(None, listed):
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    return into


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_documented_rollback_and_roll_forward_switch_the_venv_make_and_uv_run_use(
    tmp_path: Path,
) -> None:
    blocks = doc_blocks("Rolling back to 3.12")
    back = next(b for b in blocks if "pin 3.12" in b)
    forward = next(b for b in blocks if "pin 3.13" in b)
    repo = copy_of_repository(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if k not in STEERING}
    # The doc's `uv` is the one make uses: on PATH, else the private copy `make` bootstrapped.
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    env["PATH"] = f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}"
    venv = str(repo / ".venv")

    for block, version in ((back, "3.12"), (forward, "3.13")):
        run(["sh", "-c", block], repo, env)
        assert (repo / ".python-version").read_text().strip() == version
        made = run([f"{venv}/bin/python", "-c", VERSION], repo, env).split()
        assert made == [version, venv], f"after `{block}`: .venv is {made}"
        # uv run reads the same pin and finds .venv already right: no rebuild, same interpreter.
        config = (repo / ".venv" / "pyvenv.cfg").stat().st_mtime_ns
        used = run(["uv", "run", "--locked", "python", "-c", VERSION], repo, env).split()[-2:]
        assert used == [version, venv], f"after `{block}`: uv run used {used}"
        assert (repo / ".venv" / "pyvenv.cfg").stat().st_mtime_ns == config
    assert sorted(p.name for p in repo.glob(".venv*")) == [".venv"]
