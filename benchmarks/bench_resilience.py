"""Cost of the resilience layer: a successful call through it, and failing fast while a breaker is open.

Each benchmark round runs CALLS calls in one event loop turn-taking, so loop start-up is not measured;
divide a median by CALLS for the cost of one call.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.config_values import ResilienceOverrides
from llm_starter_api.infra.resilience.breaker import CircuitOpen
from llm_starter_api.infra.resilience.calls import Resilience
from llm_starter_api.infra.resilience.policy import resolve

CALLS = 1_000
MODEL = object()


async def answer(model: object) -> int:
    """A model call that succeeds at once: what is left to measure is the wrapper."""
    return 1


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def resilience() -> Resilience[object]:
    policy = resolve(
        "production", ResilienceOverrides(), timeout=30.0, classes={"summarize": "standard"}
    )
    return Resilience.create(policy, [("openai:bench-model", MODEL)])


def rounds(
    loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[object]]
) -> Callable[[], int]:
    async def many() -> int:
        for _ in range(CALLS):
            await call()
        return CALLS

    return lambda: loop.run_until_complete(many())


@pytest.mark.benchmark(group="resilience-overhead")
def test_baseline_bare_call(benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop) -> None:
    assert benchmark(rounds(loop, lambda: answer(MODEL))) == CALLS


@pytest.mark.benchmark(group="resilience-overhead")
def test_call_through_breaker_deadline_and_retry(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop
) -> None:
    wrapped = resilience()
    assert (
        benchmark(rounds(loop, lambda: wrapped.call("summarize", lambda _, model: answer(model))))
        == CALLS
    )
    assert wrapped.counts["summarize"].retries == 0


@pytest.mark.benchmark(group="resilience-open")
def test_baseline_bare_call_next_to_fail_fast(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop
) -> None:
    assert benchmark(rounds(loop, lambda: answer(MODEL))) == CALLS


@pytest.mark.benchmark(group="resilience-open")
def test_fail_fast_while_the_breaker_is_open(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop
) -> None:
    wrapped = resilience()
    breaker = wrapped.breakers["openai:bench-model"]
    for _ in range(wrapped.policy.default.failure_threshold):
        loop.run_until_complete(breaker.record_failure())

    async def rejected() -> None:
        try:
            await wrapped.call("summarize", lambda _, model: answer(model))
        except CircuitOpen:
            return
        raise AssertionError("the open breaker let a call through")

    assert benchmark(rounds(loop, rejected)) == CALLS
