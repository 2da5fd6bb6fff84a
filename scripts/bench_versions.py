# /// script
# requires-python = ">=3.12"
# dependencies = ["matplotlib>=3.9"]
# ///
"""Benchmark every Python found here: the suite on 3.12+, the stack-only workload on 3.11+.

Usage: make bench-versions [ARGS="--quick --python /opt/python-3.13t/bin/python3"]
   or: uv run --script scripts/bench_versions.py [--repeats 3] [--quick] [--python PATH ...]

Finds interpreters through pyenv, `uv python find` and --python; gives each its own venvs
(.venv-bench-<tag> from uv.lock, .venv-bench-<tag>-stack from benchmarks/stack/requirements.txt);
runs every interpreter's benchmarks --repeats times, interleaved, and writes the tables into
docs/performance.md between its markers and the chart into docs/img/python-versions.png.
Where the app cannot be installed (a free-threaded build), the benchmark files that import
without it run in a venv holding only their own dependencies; the rest are reported with the reason.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench_report import (
    Interpreter,
    Report,
    Result,
    Run,
    chart,
    load,
    machine,
    markdown,
    now,
    read_json,
    save,
    write_docs,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".benchmarks" / "versions"
WANTED = ("3.11", "3.12", "3.13", "3.13t", "3.14", "3.14t")
SUITE_FROM = (3, 12)  # the project's requires-python
# What the benchmark files need besides the app: installed where the app cannot be.
KIT = ("pytest", "pytest-asyncio", "pytest-benchmark", "vadersentiment", "zstandard")
PROBE = (
    "import json, os, sys, sysconfig; print(json.dumps({"
    "'executable': os.path.realpath(sys.executable), 'version': list(sys.version_info[:3]), "
    "'implementation': sys.implementation.name, "
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), "
    "'jit': 'experimental-jit' in (sysconfig.get_config_var('CONFIG_ARGS') or '')}))"
)
LEAD = re.compile(r"^\W*(?:E\s+)?")  # uv's box drawing, pytest's "E   "
FAILURE = re.compile(
    r"Failed to (?:build|download)|No module named|[A-Za-z]Error:|^error:|included because|GIL"
)


@dataclass(slots=True)
class Env:
    python: Interpreter
    suite: Path | None = None  # the suite venv's python
    suite_files: list[str] | None = None  # None: all of benchmarks/; else the files that import
    app: bool = False  # whether the app itself is installed (uv sync worked)
    stack: Path | None = None
    notes: list[str] = field(default_factory=list)  # what did not run, and why


def run(argv: list[str], *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # argv built here from found interpreters and fixed flags
        argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def reason(output: str) -> str:
    """The lines of a failure's output that say why, shortened."""
    lines = [LEAD.sub("", line) for line in output.splitlines() if FAILURE.search(line)]
    picked = lines[:3] or output.strip().splitlines()[-1:] or ["no output"]
    return "; ".join(picked)[:400]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")  # find interpreters, never fetch them
    return env | extra


def probe(path: str) -> Interpreter | None:
    done = run([path, "-c", PROBE])
    if done.returncode != 0:
        return None
    info = json.loads(done.stdout)
    if info["implementation"] != "cpython":
        return None
    version = (info["version"][0], info["version"][1], info["version"][2])
    return Interpreter(info["executable"], version, info["free_threaded"], info["jit"])


def discover(uv: str, extra: list[str]) -> list[Interpreter]:
    """One CPython per minor (3.11 to 3.14, t) from pyenv, else uv; plus every --python; tagged."""
    found: list[str] = []
    if pyenv := shutil.which("pyenv"):
        for name in run([pyenv, "versions", "--bare"]).stdout.split():
            if re.fullmatch(r"3\.1[1-4]\.\d+t?", name):
                prefix = run([pyenv, "prefix", name]).stdout.strip()
                found += [f"{prefix}/bin/python{name[:4]}{'t' * name.endswith('t')}"]
    for request in WANTED:
        done = run([uv, "python", "find", "--system", request], env=child_env())
        found += [done.stdout.strip()] if done.returncode == 0 else []
    chosen: dict[str, Interpreter] = {}  # by minor for found ones, by path for --python
    for path in filter(os.path.exists, found + extra):
        interpreter = probe(path)
        if interpreter and (3, 11) <= interpreter.version[:2] <= (3, 14):
            key = interpreter.path if path in extra else interpreter.minor
            chosen.setdefault(key, interpreter)
    unique = sorted(
        {i.path: i for i in chosen.values()}.values(), key=lambda i: (i.version, i.free_threaded)
    )
    minors = [i.minor for i in unique]
    # The same minor twice (pyenv's 3.13.0 and a self-built 3.13.5): tag both with full versions.
    full = {i.path: ".".join(map(str, i.version)) + "t" * i.free_threaded for i in unique}
    return [replace(i, tag=i.minor if minors.count(i.minor) == 1 else full[i.path]) for i in unique]


def prepare(uv: str, python: Interpreter) -> Env:
    """Create the venvs; a venv that cannot be made is a note, not a failure."""
    env = Env(python)
    print(f"[{python.tag}] preparing venvs for {python.path}", file=sys.stderr)
    stack = ROOT / f".venv-bench-{python.tag}-stack"
    steps = [
        [uv, "venv", "--clear", "-q", "--python", python.path, str(stack)],
        [uv, "pip", "sync", "-q", "--python", str(stack), "benchmarks/stack/requirements.txt"],
    ]
    if failed := first_failure(steps):
        env.notes.append(f"stack workload: not installed: {failed}")
    else:
        env.stack = stack / "bin/python"
    if python.version[:2] < SUITE_FROM:
        return env
    venv = ROOT / f".venv-bench-{python.tag}"
    sync = [uv, "sync", "--locked", "--all-packages", "-q", "--python", python.path]
    if failed := first_failure([sync], UV_PROJECT_ENVIRONMENT=str(venv)):
        env.notes.append(f"the app: {failed}")
        return fallback(uv, env, venv)
    env.suite, env.app = venv / "bin/python", True
    return env


def first_failure(steps: list[list[str]], **extra: str) -> str | None:
    """Run the commands in turn; what the first failing one said, or None."""
    for step in steps:
        if (done := run(step, env=child_env(**extra))).returncode != 0:
            return f"`uv {' '.join(step[1:3])}` failed: {reason(done.stderr)}"
    return None


def fallback(uv: str, env: Env, venv: Path) -> Env:
    """A venv of KIT at uv.lock's versions plus the packages' own code; keep the files that import."""
    constraints = OUT / "constraints.txt"
    export = [uv, "export", "--frozen", "--all-packages", "--no-emit-workspace", "--no-hashes"]
    python = str(venv / "bin/python")
    editable = ["-e", "shared", "-e", "backend"]
    steps = [
        [*export, "-q", "-o", str(constraints)],
        [uv, "venv", "--clear", "-q", "--python", env.python.path, str(venv)],
        [uv, "pip", "install", "-q", "--python", python, "-c", str(constraints), *KIT],
        [uv, "pip", "install", "-q", "--python", python, "--no-deps", *editable],
    ]
    if failed := first_failure(steps):
        env.notes.append(f"no benchmark venv: {failed}")
        return env
    env.suite, env.suite_files = Path(python), []
    for file in sorted(ROOT.glob("benchmarks/bench_*.py")):
        name = str(file.relative_to(ROOT))
        collect = [python, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", name]
        if (done := run(collect)).returncode == 0:
            env.suite_files.append(name)
        else:
            env.notes.append(f"`{name}` does not import: {reason(done.stdout + done.stderr)}")
    return env


def run_suite(env: Env, out: Path, *, rounds: int, max_time: float) -> list[Result]:
    """benchmarks/bench_*.py through pytest-benchmark, as `make bench` runs them."""
    assert env.suite is not None
    files = ["benchmarks"] if env.suite_files is None else env.suite_files
    if not files:
        return []
    argv = [str(env.suite), "-m", "pytest", *files, "-q", "-p", "no:cacheprovider"]
    argv += ["-o", "python_files=bench_*.py", "-o", "testpaths=benchmarks", "--benchmark-only"]
    argv += [f"--benchmark-json={out}", f"--benchmark-min-rounds={rounds}"]
    argv += [f"--benchmark-max-time={max_time}"]
    out.unlink(missing_ok=True)
    done = run(argv, env=child_env())
    if done.returncode != 0:
        env.notes.append(f"{out.stem}: pytest exited {done.returncode}: {reason(done.stdout)}")
    results = read_json(out, "suite") if out.exists() else []
    return results + (startup(env.suite, "suite", "llm_starter_api.main") if env.app else [])


def run_stack(env: Env, out: Path, *, rounds: int, round_time: float) -> list[Result]:
    """benchmarks/stack/workload.py, then the stack's import time."""
    assert env.stack is not None
    argv = [str(env.stack), "benchmarks/stack/workload.py", "--json", str(out)]
    out.unlink(missing_ok=True)
    done = run([*argv, f"--rounds={rounds}", f"--round-time={round_time}"])
    if done.returncode != 0:
        env.notes.append(f"{out.stem}: the stack workload failed: {reason(done.stderr)}")
    results = read_json(out, "stack") if out.exists() else []
    return results + startup(env.stack, "stack", "fastapi, pydantic, redis, httpx")


def startup(python: Path, table: str, modules: str) -> list[Result]:
    """Wall time of a fresh interpreter importing `modules`: the median of 3 after a warm-up."""
    times = []
    for _ in range(4):
        start = time.perf_counter()
        if run([str(python), "-c", f"import {modules}"]).returncode != 0:
            return []
        times.append(time.perf_counter() - start)
    kept = times[1:]
    return [Result(table, "startup", f"import {modules}", statistics.median(kept), min(kept))]


def api_packages(uv: str) -> frozenset[str]:
    """The names of the packages the API needs at run time, from uv.lock."""
    export = [uv, "export", "--frozen", "--no-dev", "--package", "llm-starter-api", "--no-hashes"]
    lines = run([*export, "--no-emit-workspace", "--no-annotate", "--no-header"]).stdout
    return frozenset(re.findall(r"^([A-Za-z0-9._-]+)==", lines, re.MULTILINE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[], metavar="PATH")
    parser.add_argument("--repeats", type=int, default=3, help="runs per interpreter (default 3)")
    parser.add_argument("--quick", action="store_true", help="one run, fewer rounds: a smoke test")
    parser.add_argument("--no-docs", action="store_true", help="print the block, leave docs/ alone")
    parser.add_argument(
        "--rerender", action="store_true", help="redo docs from the last run's saved results"
    )
    args = parser.parse_args()
    uv = os.environ.get("UV") or shutil.which("uv") or sys.exit("uv not found")
    report = load(OUT / "report.json") if args.rerender else measure(uv, args)
    block = markdown(report, ROOT / "uv.lock")
    if args.no_docs:
        print(block)
        return 0
    write_docs(block, ROOT / "docs" / "performance.md")
    chart(report, ROOT / "docs" / "img" / "python-versions.png")
    print(f"wrote docs/performance.md and docs/img/python-versions.png ({report.minutes:.1f} min)")
    return 0


def measure(uv: str, args: argparse.Namespace) -> Report:
    """Every interpreter's runs, interleaved; saved to .benchmarks/versions/report.json."""
    repeats = 1 if args.quick else args.repeats
    rounds, max_time, round_time = (3, 0.05, 0.02) if args.quick else (7, 0.5, 0.05)
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    interpreters = discover(uv, args.python)
    print("found: " + ", ".join(f"{i.tag} ({i.path})" for i in interpreters), file=sys.stderr)
    envs = [prepare(uv, interpreter) for interpreter in interpreters]
    runs: list[Run] = []
    loads: dict[str, list[float]] = {env.python.tag: [] for env in envs}
    for repeat in range(repeats):  # interleaved, so drift on a shared machine hits every version
        for env in envs:
            tag = env.python.tag
            print(f"[{tag}] run {repeat + 1} of {repeats}", file=sys.stderr)
            loads[tag].append(os.getloadavg()[0])
            found = []
            if env.suite is not None:
                found += run_suite(
                    env, OUT / f"{tag}-suite-{repeat}.json", rounds=rounds, max_time=max_time
                )
            if env.stack is not None:
                found += run_stack(
                    env,
                    OUT / f"{tag}-stack-{repeat}.json",
                    rounds=2 * rounds,
                    round_time=round_time,
                )
            runs += [Run(tag, repeat, result) for result in found]
    report = Report(
        interpreters=interpreters,
        notes={env.python.tag: env.notes for env in envs},
        runs=runs,
        repeats=repeats,
        command="uv run --script scripts/bench_versions.py " + shlex.join(sys.argv[1:]),
        minutes=(time.monotonic() - started) / 60,
        load=loads,
        api_packages=sorted(api_packages(uv)),
        machine=machine(),
        measured=now(),
    )
    save(report, OUT / "report.json")
    return report


if __name__ == "__main__":
    sys.exit(main())
