"""Run the test suite on every supported Python found here, each in its own venv.

Usage: uv run scripts/run_tests.py [--python 3.12 ...] [-- PYTEST_ARGS]
Stdlib only, so any Python 3.12+ can start it.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("3.12", "3.13")  # a missing one fails the run
OPTIONAL = ("3.14",)  # tested when found
DEFAULT_PYTEST_ARGS = ("--cov", "--cov-report=term")
PYTEST_SUMMARY = re.compile(r"^=*\s*(?P<counts>(?:\d+ \w+|no tests ran)(?:, \d+ \w+)*) in [\d.]+s")


@dataclass(frozen=True, slots=True)
class Result:
    version: str
    outcome: str
    counts: str = "-"
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in {"passed", "skipped"}


def venv_for(version: str) -> str:
    """The Makefile's rule: .python-version's interpreter in .venv, any other in .venv-VERSION."""
    pin = ROOT / ".python-version"
    lines = [line.strip() for line in pin.read_text().splitlines()] if pin.exists() else []
    pinned = next((line for line in lines if line and not line.startswith("#")), "3.13")
    return ".venv" if version == pinned else f".venv-{version}"


def output_of(argv: Sequence[str]) -> str | None:
    """Return the command's stripped stdout, or None when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def find_python(uv: str, version: str) -> str | None:
    """Locate an interpreter via uv, then pyenv (whose shims hide inactive versions)."""
    if found := output_of([uv, "python", "find", "--system", version]):
        return found
    pyenv = shutil.which("pyenv")
    prefix = output_of([pyenv, "prefix", version]) if pyenv else None
    if prefix and (python := Path(prefix) / "bin" / "python").exists():
        return str(python)
    return None


def run_pytest(argv: Sequence[str], env: dict[str, str]) -> tuple[int, str]:
    """Stream pytest's output and return its exit code and final counts line."""
    counts = "-"
    with subprocess.Popen(  # noqa: S603 - fixed argv
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            if match := PYTEST_SUMMARY.match(line):
                counts = match["counts"]
    return proc.returncode, counts


def test_on(uv: str, version: str, python: str, pytest_args: Sequence[str]) -> Result:
    print(f"\n==> Python {version} ({python}) in {venv_for(version)}", flush=True)
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": venv_for(version)}
    start = time.perf_counter()
    sync = [uv, "sync", "--locked", "--all-packages", "--python", python]
    if subprocess.run(sync, cwd=ROOT, env=env, check=False).returncode != 0:  # noqa: S603 - fixed argv
        return Result(version, "FAILED (uv sync)", seconds=time.perf_counter() - start)
    code, counts = run_pytest([uv, "run", "--no-sync", "pytest", *pytest_args], env)
    # Exit code 5 (no tests collected) is a failure too.
    outcome = "passed" if code == 0 else f"FAILED (exit {code})"
    return Result(version, outcome, counts, time.perf_counter() - start)


def print_table(results: Sequence[Result]) -> None:
    rows = [("python", "result", "tests", "time")]
    for r in results:
        duration = "-" if r.seconds is None else f"{r.seconds:.1f}s"
        rows.append((r.version, r.outcome, r.counts, duration))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print()
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        action="append",
        metavar="VERSION",
        help=f"test only this version (repeatable); default: {', '.join(REQUIRED + OPTIONAL)}",
    )
    parser.add_argument(
        "pytest_args",
        nargs="*",
        help=f"arguments for pytest after `--` (default: {' '.join(DEFAULT_PYTEST_ARGS)})",
    )
    args = parser.parse_args()
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        parser.error("uv not found: install it (pip install uv) or run `make install` once")
    pytest_args = args.pytest_args or DEFAULT_PYTEST_ARGS

    results = []
    for version in args.python or (*REQUIRED, *OPTIONAL):
        if python := find_python(uv, version):
            results.append(test_on(uv, version, python, pytest_args))
        elif version in OPTIONAL:
            results.append(Result(version, "skipped", "not installed"))
        else:
            results.append(Result(version, "FAILED", "not installed"))
    print_table(results)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
