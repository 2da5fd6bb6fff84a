"""The breaker state machine on a controllable clock, in memory and in Redis (the same rules)."""

import logging
from collections.abc import AsyncIterator

import pytest
from infra.resilience.resilience_support import REDIS_URL, Clock, delete_prefix, unique_prefix
from redis.asyncio import Redis

from llm_starter_api.infra.resilience.breaker import (
    BreakerConfig,
    BreakerState,
    BreakerStore,
    CircuitBreaker,
    CircuitOpen,
    MemoryStore,
)
from llm_starter_api.infra.resilience.redis_store import RedisStore

CONFIG = BreakerConfig(failure_threshold=3, window=10.0, recovery_timeout=5.0)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[BreakerStore]:
    if request.param == "memory":
        yield MemoryStore(CONFIG)
        return
    prefix = unique_prefix()
    client = Redis.from_url(REDIS_URL, socket_timeout=2)
    yield RedisStore(client, "provider:model", CONFIG, prefix=prefix)
    await delete_prefix(client, prefix)
    await client.aclose()


@pytest.fixture
def breaker(store: BreakerStore, clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("provider:model", store, clock=clock)


async def trip(breaker: CircuitBreaker) -> None:
    for _ in range(CONFIG.failure_threshold):
        await breaker.acquire()
        await breaker.record_failure()


async def state(breaker: CircuitBreaker) -> BreakerState:
    return (await breaker.snapshot()).state


async def test_breaker_opens_at_the_threshold_of_failures_within_the_window(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    for _ in range(CONFIG.failure_threshold - 1):
        await breaker.record_failure()
        clock.advance(1.0)
    assert await state(breaker) is BreakerState.CLOSED

    await breaker.record_failure()

    assert await state(breaker) is BreakerState.OPEN
    assert breaker.counts.opened == 1


async def test_failures_older_than_the_window_are_forgotten(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await breaker.record_failure()
    await breaker.record_failure()
    clock.advance(CONFIG.window + 0.5)

    await breaker.record_failure()

    shot = await breaker.snapshot()
    assert (shot.state, shot.failures) == (BreakerState.CLOSED, 1)


async def test_open_breaker_fails_fast_with_the_remaining_recovery_time(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await trip(breaker)
    clock.advance(2.0)

    with pytest.raises(CircuitOpen) as raised:
        await breaker.acquire()

    assert raised.value.status_code == 503
    assert raised.value.retry_after == pytest.approx(CONFIG.recovery_timeout - 2.0)
    assert (await breaker.snapshot()).retry_after == pytest.approx(3.0)
    assert breaker.counts.rejected == 1


async def test_after_recovery_one_probe_passes_and_its_success_closes_the_breaker(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await trip(breaker)
    clock.advance(CONFIG.recovery_timeout)

    assert await breaker.acquire() is True  # the probe
    assert await state(breaker) is BreakerState.HALF_OPEN
    with pytest.raises(CircuitOpen):
        await breaker.acquire()  # one probe at a time
    await breaker.record_success()

    assert await state(breaker) is BreakerState.CLOSED
    assert await breaker.acquire() is False


async def test_a_failed_probe_reopens_for_a_full_recovery_timeout(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await trip(breaker)
    clock.advance(CONFIG.recovery_timeout)
    await breaker.acquire()

    await breaker.record_failure()

    assert await state(breaker) is BreakerState.OPEN
    clock.advance(CONFIG.recovery_timeout - 0.1)
    with pytest.raises(CircuitOpen):
        await breaker.acquire()
    clock.advance(0.2)
    assert await breaker.acquire() is True


async def test_an_abandoned_probe_is_replaced_after_another_recovery_timeout(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    await trip(breaker)
    clock.advance(CONFIG.recovery_timeout)
    await breaker.acquire()  # this probe never reports back

    clock.advance(CONFIG.recovery_timeout)

    assert await breaker.acquire() is True
    assert await state(breaker) is BreakerState.HALF_OPEN


async def test_reset_closes_the_breaker_and_forgets_its_failures(breaker: CircuitBreaker) -> None:
    await trip(breaker)

    shot = await breaker.reset()

    assert (shot.state, shot.failures) == (BreakerState.CLOSED, 0)
    assert await breaker.acquire() is False
    assert breaker.counts.closed == 1


async def test_every_transition_is_logged_and_counted(
    breaker: CircuitBreaker, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="llm_starter_api.infra.resilience.breaker")

    await trip(breaker)
    clock.advance(CONFIG.recovery_timeout)
    await breaker.acquire()
    await breaker.record_success()

    assert [record.getMessage() for record in caplog.records] == [
        "circuit breaker provider:model: closed -> open",
        "circuit breaker provider:model: open -> half_open",
        "circuit breaker provider:model: half_open -> closed",
    ]
    assert caplog.records[0].levelno == logging.WARNING
    counts = breaker.counts
    assert (counts.opened, counts.half_opened, counts.closed) == (1, 1, 1)
    assert (counts.calls, counts.failures) == (CONFIG.failure_threshold + 1, 3)
