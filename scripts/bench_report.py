"""Tables and a chart from bench_versions.py's runs: medians, ratios to 3.12 and run-to-run spread."""

import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

START = "<!-- bench-versions:start -->"
END = "<!-- bench-versions:end -->"
FREE_THREADED_ABIS = ("cp313t", "cp314t")
LINUX_X86_64 = re.compile(r"linux[_0-9]*_x86_64")


@dataclass(frozen=True, slots=True)
class Interpreter:
    path: str
    version: tuple[int, int, int]
    free_threaded: bool
    jit: bool
    tag: str = ""

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}{'t' if self.free_threaded else ''}"


@dataclass(frozen=True, slots=True)
class Result:
    table: str  # "suite" (benchmarks/bench_*.py) or "stack" (benchmarks/stack)
    group: str
    name: str
    median: float  # seconds
    fastest: float  # the fastest round, in seconds: the least disturbed by other processes
    gil: bool | None = None  # bench_threads.py's record of the GIL during the run


@dataclass(frozen=True, slots=True)
class Run:
    tag: str
    repeat: int
    result: Result


@dataclass(frozen=True, slots=True)
class Report:
    interpreters: Sequence[Interpreter]
    notes: dict[str, list[str]]  # tag -> what did not run, and why
    runs: Sequence[Run]
    repeats: int
    command: str
    minutes: float
    load: dict[str, list[float]]  # tag -> the 1-minute load average as each of its runs began
    api_packages: list[str]  # what `uv sync --package llm-starter-api --no-dev` installs
    machine: str
    measured: str  # when the runs ended, UTC

    @property
    def reference(self) -> str:
        """The tag ratios are taken against: the first 3.12."""
        return next(
            (i.tag for i in self.interpreters if i.minor == "3.12"), self.interpreters[0].tag
        )

    def series(
        self, table: str, stat: Literal["median", "fastest"] = "median"
    ) -> dict[tuple[str, str], dict[str, list[float]]]:
        """(group, name) -> tag -> one value of `stat` per run, in run order."""
        rows: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for run in sorted(self.runs, key=lambda run: run.repeat):
            if run.result.table == table:
                rows[run.result.group, run.result.name][run.tag].append(getattr(run.result, stat))
        return rows


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def save(report: Report, path: Path) -> None:
    """Everything measured, so that `--rerender` can redo the tables without measuring again."""
    path.write_text(json.dumps(asdict(report), indent=1))


def load(path: Path) -> Report:
    data = json.loads(path.read_text())
    interpreters = [
        Interpreter(**i | {"version": tuple(i["version"])}) for i in data["interpreters"]
    ]
    runs = [Run(r["tag"], r["repeat"], Result(**r["result"])) for r in data["runs"]]
    return Report(**data | {"interpreters": interpreters, "runs": runs})


def read_json(path: Path, table: str) -> list[Result]:
    """pytest-benchmark's --benchmark-json (or the stack workload's copy of its layout)."""
    data = json.loads(path.read_text())
    return [
        Result(
            table,
            b["group"],
            b["name"],
            b["stats"]["median"],
            b["stats"]["min"],
            b.get("extra_info", {}).get("gil_enabled"),
        )
        for b in data["benchmarks"]
    ]


def duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def spread(values: Sequence[float]) -> str:
    """Run-to-run spread: half the range of the runs' values, relative to their median."""
    if len(values) < 2:
        return "-"
    return f"±{50 * (max(values) - min(values)) / statistics.median(values):.1f}%"


def geomean(values: Iterable[float]) -> float:
    values = list(values)
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else math.nan


def run_text(argv: list[str]) -> str:
    """A command's standard output ('' when it fails)."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603  # fixed argv
    return done.stdout if done.returncode == 0 else ""


def machine() -> str:
    """CPU model and count, RAM, OS and kernel (lscpu and /proc: Linux; '?' elsewhere)."""
    lscpu = shutil.which("lscpu")
    text = run_text([lscpu]) if lscpu else ""
    fields = dict(line.partition(":")[::2] for line in text.splitlines())
    model, cores = fields.get("Model name", "?").strip(), fields.get("CPU(s)", "?").strip()
    meminfo = Path("/proc/meminfo")
    ram = int(meminfo.read_text().split()[1]) / 2**20 if meminfo.exists() else math.nan
    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        system = platform.system()
    return f"{model}, {cores} CPUs, {ram:.1f} GiB RAM, {system}, kernel {platform.release()}"


def ratio_table(report: Report, table: str, tags: Sequence[str]) -> list[str]:
    """Benchmarks by interpreter; closing rows compare the rows every interpreter ran."""
    ref = report.reference
    lines = ["| benchmark | " + " | ".join(tags) + " |", "|---|" + "---:|" * len(tags)]
    series = report.series(table)
    for (group, name), by_tag in sorted(series.items()):
        base = statistics.median(by_tag[ref]) if by_tag.get(ref) else None
        cells = []
        for tag in tags:
            if not (values := by_tag.get(tag)):
                cells.append("not run")
                continue
            median = statistics.median(values)
            ratio = f"{median / base:.2f}x" if base else "-"
            cells.append(f"{duration(median)} · {ratio} · {spread(values)}")
        lines.append(f"| {group}: `{name.removeprefix('test_')}` | " + " | ".join(cells) + " |")
    # The oldest interpreter too, when it is not the reference: 3.11 -> 3.13 in the stack table.
    for against in dict.fromkeys([ref, tags[0]]):
        means = []
        for tag in tags:
            pairs = [
                (row[tag], row[against])
                for row in series.values()
                if row.get(tag) and row.get(against)
            ]
            ratios = [statistics.median(mine) / statistics.median(theirs) for mine, theirs in pairs]
            means.append(f"**{geomean(ratios):.2f}x** ({len(ratios)})" if ratios else "-")
        lines.append(
            f"| geometric mean of ratios to {against} (rows) | " + " | ".join(means) + " |"
        )
    return lines


def thread_table(report: Report, tags: Sequence[str]) -> list[str]:
    """Speed-up over one thread (the group's baseline): per run from medians, and best of all runs."""
    medians, fastest = report.series("suite"), report.series("suite", "fastest")
    gil = {run.tag: run.result.gil for run in report.runs if run.result.gil is not None}
    lines = ["| work | threads | " + " | ".join(tags) + " |", "|---|---:|" + "---:|" * len(tags)]
    for (group, name), by_tag in sorted(medians.items()):
        if not group.startswith("threads-") or "baseline" in name:
            continue
        base = next(key for key in medians if key[0] == group and "baseline" in key[1])
        cells = []
        for tag in tags:
            speedups = _ratios(medians[base].get(tag, []), by_tag.get(tag, []))
            ones, manys = fastest[base].get(tag), fastest[group, name].get(tag)
            best = f"{min(ones) / min(manys):.2f}x" if ones and manys else "-"
            cells.append(
                f"{statistics.median(speedups):.2f}x · {best} · {spread(speedups)}"
                if speedups
                else "not run"
            )
        threads = name.rstrip("]").rsplit("-", 1)[-1]  # test_threads[engine-2]
        lines.append(
            f"| {group.removeprefix('threads-')} | {threads} | " + " | ".join(cells) + " |"
        )
    gils = " | ".join(_yes_no(gil.get(tag)) for tag in tags)
    return [*lines, f"| GIL on while measured | | {gils} |"]


def _ratios(ones: Sequence[float], manys: Sequence[float]) -> list[float]:
    return [one / many for one, many in zip(ones, manys, strict=False)]


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def free_threaded_wheels(lock: Path, api: Sequence[str]) -> list[str]:
    """uv.lock's compiled packages that a free-threaded CPython would have to build from source."""
    head = "| package | version | used by the API at run time | " + " | ".join(FREE_THREADED_ABIS)
    lines = [head + " |", "|---|---|---|" + "---|" * len(FREE_THREADED_ABIS)]
    for package in tomllib.loads(lock.read_text())["package"]:
        wheels = [
            Path(wheel["url"]).name.removesuffix(".whl").split("-")
            for wheel in package.get("wheels", [])
        ]
        # Tags: python-abi-platform; abi "none" runs on any interpreter (pure, or a bundled binary).
        abis = {
            abi
            for *_, abi, platform in wheels
            if platform == "any" or LINUX_X86_64.search(platform)
        }
        missing = [abi for abi in FREE_THREADED_ABIS if abi not in abis]
        if wheels and "none" not in abis and missing:
            cells = ["no" if abi in missing else "yes" for abi in FREE_THREADED_ABIS]
            used = "yes" if package["name"] in api else ""
            lines.append(
                f"| {package['name']} | {package['version']} | {used} | " + " | ".join(cells) + " |"
            )
    return lines


def markdown(report: Report, lock: Path) -> str:
    tags = [i.tag for i in report.interpreters]
    suite_tags = [i.tag for i in report.interpreters if i.version[:2] >= (3, 12)]
    out = [
        START,
        "<!-- Written by scripts/bench_versions.py: rerun it rather than editing this block. -->",
        f"Measured {report.measured} on {report.machine}, with",
        "",
        f"    {report.command}",
        "",
        f"{report.repeats} run(s) per interpreter, interleaved; the whole command took {report.minutes:.0f} min. "
        f"Each cell: median of the runs' medians · ratio to {report.reference} · "
        "run-to-run spread (± half the range of the runs' medians, relative to their median).",
        "",
        "| tag | version | build | load average as its runs began | path |",
        "|---|---|---|---|---|",
    ]
    for i in report.interpreters:
        build = ("free-threaded" if i.free_threaded else "GIL") + (
            ", JIT built in" if i.jit else ", no JIT"
        )
        load = ", ".join(f"{value:.1f}" for value in report.load.get(i.tag, []))
        version = ".".join(map(str, i.version))
        out.append(f"| {i.tag} | {version} | {build} | {load} | `{i.path}` |")
    out += [
        "",
        "### The benchmark suite (`benchmarks/bench_*.py`)",
        "",
        *ratio_table(report, "suite", suite_tags),
    ]
    out += ["", "### Threads: speed-up over one thread (`benchmarks/bench_threads.py`)", ""]
    out += [
        "Each cell: speed-up from the medians · from the fastest round of any run (the least "
        "disturbed by other processes) · run-to-run spread of the first. Above 1.00x the threads "
        "helped.",
        "",
        *thread_table(report, suite_tags),
    ]
    out += [
        "",
        "### The stack alone (`benchmarks/stack/`, same library versions on every interpreter)",
        "",
    ]
    out += ratio_table(report, "stack", tags)
    out += ["", "### What did not run", ""]
    notes = [f"- **{tag}**: {note}" for tag in tags for note in report.notes.get(tag, [])]
    out += notes or ["Everything ran on every interpreter."]
    out += [
        "",
        "### Compiled dependencies in uv.lock without a free-threaded wheel (Linux x86_64)",
        "",
    ]
    out += [
        *free_threaded_wheels(lock, report.api_packages),
        "",
        "![Ratios to 3.12 by interpreter](img/python-versions.png)",
        END,
    ]
    return "\n".join(out) + "\n"


def write_docs(block: str, doc: Path) -> None:
    """Replace the marked block of `doc` (or append one)."""
    text = doc.read_text() if doc.exists() else ""
    if START in text and END in text:
        before, _, rest = text.partition(START)
        text = before + block.rstrip("\n") + rest.partition(END)[2]
    else:
        text = text + ("\n" if text else "") + block
    doc.write_text(text)


def chart(report: Report, path: Path) -> None:
    """A dot per benchmark and interpreter: its ratio to the reference, a bar over its runs' range."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt  # type: ignore[import-not-found]  # only in the script's own env
    from matplotlib.ticker import FixedLocator, NullLocator  # type: ignore[import-not-found]

    tables = [("suite", "benchmark suite"), ("stack", "stack alone")]
    heights = [max(1, len(report.series(table))) for table, _ in tables]
    figure, axes = plt.subplots(
        2, 1, figsize=(10, 2 + 0.3 * sum(heights)), height_ratios=heights, constrained_layout=True
    )
    colours = {i.tag: f"C{n}" for n, i in enumerate(report.interpreters)}
    for axis, (table, title) in zip(axes, tables, strict=True):
        rows = sorted(report.series(table).items())
        tags = [tag for tag in colours if any(tag in by_tag for _, by_tag in rows)]
        if not tags:
            axis.set_visible(False)
            continue
        step = 0.8 / len(tags)
        for index, tag in enumerate(tags):
            ys, ratios, low, high = [], [], [], []
            for y, (_, by_tag) in enumerate(rows):
                base, values = by_tag.get(report.reference), by_tag.get(tag)
                if base and values:
                    ref = statistics.median(base)
                    ratio = statistics.median(values) / ref
                    ys.append(y - 0.4 + (index + 0.5) * step)
                    ratios.append(ratio)
                    low.append(ratio - min(values) / ref)
                    high.append(max(values) / ref - ratio)
            axis.errorbar(
                ratios, ys, xerr=[low, high], fmt="o", markersize=3, elinewidth=0.8,
                color=colours[tag], label=tag,
            )  # fmt: skip
        axis.set_xscale("log")
        axis.set_xlim(0.25, 4)
        axis.xaxis.set_major_locator(FixedLocator([0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4]))
        axis.xaxis.set_minor_locator(NullLocator())
        axis.set_xticklabels(["0.25x", "0.5x", "0.75x", "1x", "1.5x", "2x", "3x", "4x"])
        axis.set_yticks(range(len(rows)))
        axis.set_yticklabels(
            [f"{g}: {n.removeprefix('test_')}"[:60] for (g, n), _ in rows], fontsize=7
        )
        axis.set_ylim(len(rows) - 0.5, -0.5)
        axis.grid(axis="y", linewidth=0.3)
        axis.axvline(1.0, color="black", linewidth=0.8)
        axis.set_title(f"{title}: time relative to {report.reference} (left is faster)", fontsize=9)
        axis.legend(fontsize=7, loc="lower right")
    figure.suptitle(f"{report.machine}\n{report.command}", fontsize=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
