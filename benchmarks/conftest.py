"""Benchmark harness: each group holds one `baseline` benchmark that the others are compared to.

Conventions: files `benchmarks/bench_*.py`, functions `test_*` using the `benchmark` fixture,
marked `@pytest.mark.benchmark(group="...")`; exactly one name per group contains "baseline".
Run with `make bench`; the summary prints each median as a ratio to its group's baseline,
measured in the same run, so the numbers hold on any machine.
"""

import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pytest_benchmark.logger import PytestBenchmarkWarning

type Bench = Mapping[str, Any]  # pytest-benchmark's flattened stats for one benchmark

_RESULTS = pytest.StashKey[list[Bench]]()


def pytest_configure() -> None:
    # A run stopped by the checks below, or fully deselected, has nothing to save: not an error.
    # pytest-benchmark warns at session end, outside per-test filters, under pytest's
    # configure-time filters (filterwarnings=error), so the exception goes into those directly.
    warnings.filterwarnings("ignore", "Not saving anything", PytestBenchmarkWarning)


def _group_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("benchmark")
    group = marker.kwargs.get("group") if marker else None
    return group if isinstance(group, str) else None


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so every group is checked whole
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse to run unless every benchmark is grouped and each group has exactly one baseline."""
    groups: dict[str, list[pytest.Item]] = defaultdict(list)
    problems = []
    for item in items:
        if "benchmark" not in getattr(item, "fixturenames", ()):
            continue
        if (group := _group_of(item)) is None:
            problems.append(f"{item.nodeid}: missing @pytest.mark.benchmark(group=...)")
        else:
            groups[group].append(item)
    for group, members in sorted(groups.items()):
        baselines = [item.nodeid for item in members if "baseline" in item.name]
        if len(baselines) != 1:
            found = ", ".join(baselines) or "none"
            problems.append(
                f"group {group!r}: needs exactly one *baseline* benchmark, found {found}"
            )
    if problems:
        raise pytest.UsageError("benchmark conventions:\n  " + "\n  ".join(problems))


def pytest_benchmark_group_stats(config: pytest.Config, benchmarks: Sequence[Bench]) -> None:
    """Keep this run's results for the summary; returning None leaves grouping to pytest-benchmark."""
    # Rows with a path come from --benchmark-compare files, not from this run.
    config.stash[_RESULTS] = [bench for bench in benchmarks if bench.get("path") is None]


def pytest_benchmark_update_json(config: pytest.Config, output_json: dict[str, Any]) -> None:
    """Drop raw timings from --benchmark-json (megabytes) unless --benchmark-save-data asks for them."""
    if not config.getoption("benchmark_save_data"):
        for bench in output_json["benchmarks"]:
            bench["stats"].pop("data", None)


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.2f} {unit}"
    return f"{seconds / 1e-9:.1f} ns"


def _rows(benches: Sequence[Bench]) -> list[tuple[str, str, str, str]]:
    baseline = next((bench for bench in benches if "baseline" in bench["name"]), None)
    base_median = baseline["median"] if baseline else 0.0
    rows = [("name", "median", "vs baseline", "IQR/median")]
    for bench in sorted(benches, key=lambda bench: bench["median"]):
        median = bench["median"]
        ratio = f"{median / base_median:.2f}x" if base_median > 0 else "-"
        spread = f"{100 * bench['iqr'] / median:.1f}%" if median > 0 else "-"
        rows.append((bench["name"], _duration(median), ratio, spread))
    # Some groups also record memory (bench_startup): its own ratio to the baseline's.
    base_rss = (baseline or {}).get("extra_info", {}).get("rss_mb")
    for bench in sorted(benches, key=lambda bench: bench["median"]):
        if (rss := bench.get("extra_info", {}).get("rss_mb")) is not None:
            memory = f"{rss / base_rss:.2f}x" if base_rss else "-"
            rows.append((f"{bench['name']} (RSS after warm-up)", f"{rss:.1f} MB", memory, "-"))
    return rows


@pytest.hookimpl(trylast=True)  # after pytest-benchmark's own tables
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    results = config.stash.get(_RESULTS, [])
    if not results:
        return
    groups: dict[str, list[Bench]] = defaultdict(list)
    for bench in results:
        groups[bench["group"]].append(bench)
    terminalreporter.section("median relative to the group's baseline (same run)")
    for group, benches in sorted(groups.items()):
        rows = _rows(benches)
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        terminalreporter.write_line(f"\n{group}")
        for name, *numbers in rows:
            cells = [name.ljust(widths[0])]
            cells += [cell.rjust(width) for cell, width in zip(numbers, widths[1:], strict=True)]
            terminalreporter.write_line("  " + "  ".join(cells))
