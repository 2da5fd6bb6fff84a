"""CPU-bound work in 1, 2 and 4 threads: the embedded engine, cache-key hashing, zstd compression.

Every measured call does the same total work (UNITS units) on a thread pool started beforehand, so
a ratio to the group's one-thread baseline is the inverse of the speed-up: 0.50x is twice as fast.
Under the GIL only work that releases it can scale; on a free-threaded build (3.13t) pure-Python
work can too. Each result records in `extra_info` whether the GIL was on while it ran.

Needs only the standard library, `llm_starter_api.llm.local` (vaderSentiment) and zstandard, so it
also runs where the full app cannot be installed. zstandard is imported last, by its own tests: on a
free-threaded build an extension without free-threading support switches the GIL back on.
"""

import hashlib
import json
import random
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.llm import local

UNITS = 8  # units of work per measured call, split over the threads
THREADS = [2, 4]  # compared to one thread; this machine kind has 2 cores

type RunIn = Callable[[int, Callable[[], object]], Callable[[], None]]


def _engine_text() -> str:
    """The 1,000-word report of bench_local_engine.py, so both files measure the same text."""
    text = runpy.run_path(str(Path(__file__).with_name("bench_local_engine.py")))["TEXT"]
    assert isinstance(text, str)
    return text


TEXT = _engine_text()
_rng = random.Random(20251126)  # fixed seed: every run hashes and compresses the same bytes
_WORDS = TEXT.split()
REQUESTS = [
    {
        "operation": _rng.choice(["summarize", "key_points", "questions", "qa"]),
        "model": "openai:gpt-4o-mini",
        "prompt_version": "2026-11-26.1",
        "inputs": {
            "text": " ".join(_rng.choices(_WORDS, k=120)),
            "question": None,
            "options": {"max_length": _rng.randint(50, 300)},
        },
    }
    for _ in range(200)
]
# Twenty cached answers of ~3 KB each, the size the cache compresses.
ANSWERS = [
    json.dumps({"result": " ".join(_rng.choices(_WORDS, k=500)), "cache_hit": False}).encode()
    for _ in range(20)
]


def engine_unit() -> None:
    """One request of each structured kind through the embedded engine."""
    local.summarize(TEXT, max_length=150)
    local.key_points(TEXT, max_points=5)
    local.questions(TEXT, num_questions=5)


def hashing_unit() -> None:
    """Cache keys of 200 request-like dicts: canonical JSON, then SHA-256 and BLAKE2b."""
    for request in REQUESTS:
        data = json.dumps(request, sort_keys=True).encode()
        hashlib.sha256(data).hexdigest()
        hashlib.blake2b(data, digest_size=32).hexdigest()


def gil_enabled() -> bool:
    """Whether the GIL is on now (always, before 3.13)."""
    check: Callable[[], bool] | None = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else check()


@pytest.fixture
def run_in() -> Iterator[RunIn]:
    """`run_in(threads, unit)`: a call that runs UNITS units on a pool of `threads` threads."""
    pools: list[ThreadPoolExecutor] = []

    def prepare(threads: int, unit: Callable[[], object]) -> Callable[[], None]:
        pool = ThreadPoolExecutor(max_workers=threads)
        pools.append(pool)
        list(pool.map(lambda _: unit(), range(threads)))  # start every thread before measuring

        def call() -> None:
            for future in [pool.submit(unit) for _ in range(UNITS)]:
                future.result()

        return call

    yield prepare
    for pool in pools:
        pool.shutdown()


def zstd_unit() -> Callable[[], None]:
    """Compress and decompress the twenty answers at the cache's level (3)."""
    import zstandard  # here, not at the top: see the module docstring

    # zstandard's (de)compressor objects must not be shared by threads running at once.
    mine = threading.local()

    def unit() -> None:
        if not hasattr(mine, "compressor"):
            mine.compressor = zstandard.ZstdCompressor(level=3)
            mine.decompressor = zstandard.ZstdDecompressor()
        for answer in ANSWERS:
            mine.decompressor.decompress(mine.compressor.compress(answer))

    return unit


UNIT_OF: dict[str, Callable[[], Callable[[], None]]] = {
    "engine": lambda: engine_unit,
    "hashing": lambda: hashing_unit,
    "zstd": zstd_unit,  # last: see the module docstring
}


# Each kind of work in its own group: one thread (the baseline), then THREADS threads.
@pytest.mark.parametrize(
    ("work", "threads"),
    [
        pytest.param(
            work,
            threads,
            id=f"{work}-{'baseline-1' if threads == 1 else threads}",
            marks=pytest.mark.benchmark(group=f"threads-{work}"),
        )
        for work in UNIT_OF
        for threads in (1, *THREADS)
    ],
)
def test_threads(benchmark: BenchmarkFixture, run_in: RunIn, work: str, threads: int) -> None:
    benchmark(run_in(threads, UNIT_OF[work]()))
    # Once an import has switched the GIL on, it stays on: reading it afterwards is enough.
    benchmark.extra_info.update(threads=threads, units=UNITS, gil_enabled=gil_enabled())
