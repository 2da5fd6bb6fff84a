"""The limiter's decisions while its storage fails and after it returns empty, and costs per hit.

Two limiters sharing one storage stand for two processes sharing Redis; the storage is limits'
own in-memory one, switched off and on by the test (test_outage.py does the same against two
real server processes and a real redis-server that is killed and restarted).
"""

from contextlib import suppress
from typing import Any

import pytest
from limits.aio.storage import MemoryStorage
from limits.errors import StorageError

from llm_starter_api.infra.security.limiter import (
    OnStorageError,
    RateLimiter,
    RateLimitUnavailable,
    RouteClass,
)

HEAVY = RouteClass.HEAVY
LIMIT = 10  # per hour: no window ends during a test


class SwitchableStorage(MemoryStorage):
    """limits' memory storage that fails like an unreachable Redis while `down`."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StorageError(ConnectionError("Connection refused"))

    async def acquire_entry(self, *args: Any, **kwargs: Any) -> bool:
        self._check()
        return await super().acquire_entry(*args, **kwargs)

    async def get_moving_window(self, *args: Any, **kwargs: Any) -> tuple[float, int]:
        self._check()
        return await super().get_moving_window(*args, **kwargs)


class Clock:
    """Monotonic seconds the test moves on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def processes(
    mode: OnStorageError, storage: SwitchableStorage, clock: Clock, count: int = 2
) -> list[RateLimiter]:
    """`count` limiters (processes) sharing `storage`, each told there are `count` processes."""
    limiters = []
    for _ in range(count):
        limiter = RateLimiter(
            {HEAVY: f"{LIMIT}/hour"}, on_storage_error=mode, processes=count, monotonic=clock
        )
        limiter.use_storage(storage)
        limiters.append(limiter)
    return limiters


async def admitted(limiters: list[RateLimiter], requests: int, *, via: list[int]) -> int:
    """How many of `requests` hits are admitted, sent round-robin through the limiters `via`."""
    count = 0
    for n in range(requests):
        limiter = limiters[via[n % len(via)]]
        with suppress(RateLimitUnavailable):
            count += (await limiter.hit(HEAVY, "key:a")).allowed
    return count


async def outage(
    mode: OnStorageError, *, before: list[int], during: list[int]
) -> tuple[int, int, int]:
    """Admitted per phase: storage up, storage down, storage back but empty (as a restarted Redis)."""
    storage, clock = SwitchableStorage(), Clock()
    limiters = processes(mode, storage, clock)
    up = await admitted(limiters, 20, via=before)
    storage.down = True
    down = await admitted(limiters, 20, via=during)
    storage.down = False
    await storage.reset()
    clock.now += limiters[0].retry_seconds
    back = await admitted(limiters, 20, via=[0, 1])
    return up, down, back


async def test_local_mode_keeps_each_process_to_its_share_and_the_limit_holds() -> None:
    # Traffic spread over both processes: each admitted its share before the outage.
    assert await outage("local", before=[0, 1], during=[0, 1]) == (LIMIT, 0, 0)


async def test_local_mode_worst_case_is_the_limit_plus_the_shares_left_unused() -> None:
    # Everything went through process 0 before the outage; process 1's share was untouched.
    up, down, back = await outage("local", before=[0], during=[0, 1])
    assert (up, down, back) == (LIMIT, LIMIT // 2, 0)


async def test_open_mode_admits_everything_while_the_storage_is_down() -> None:
    assert await outage("open", before=[0, 1], during=[0, 1]) == (LIMIT, 20, LIMIT)


async def test_closed_mode_refuses_while_down_with_the_time_until_the_next_try() -> None:
    storage, clock = SwitchableStorage(), Clock()
    limiter = processes("closed", storage, clock)[0]
    storage.down = True
    with pytest.raises(RateLimitUnavailable) as refused:
        await limiter.hit(HEAVY, "key:a")
    assert (refused.value.status_code, refused.value.retry_after) == (503, limiter.retry_seconds)
    assert limiter.storage_down
    assert await outage("closed", before=[0, 1], during=[0, 1]) == (LIMIT, 0, 0)


async def test_the_shares_stop_applying_one_window_after_the_outage() -> None:
    storage, clock = SwitchableStorage(), Clock()
    limiters = processes("local", storage, clock)
    storage.down = True
    assert await admitted(limiters, 1, via=[0]) == 1
    storage.down = False
    await storage.reset()  # the hour has passed in Redis too
    clock.now += 3600
    # Back to the shared window alone: one process may use the whole limit again.
    assert await admitted(limiters, 20, via=[0]) == LIMIT
    assert not limiters[0].storage_down


async def test_a_hit_costs_its_units_and_a_refused_cost_takes_none() -> None:
    limiter = RateLimiter({HEAVY: "5/hour"})
    limiter.use_storage(None)
    three = await limiter.hit(HEAVY, "key:a", cost=3)
    four = await limiter.hit(HEAVY, "key:a", cost=4)
    two = await limiter.hit(HEAVY, "key:a", cost=2)
    assert (three.allowed, three.remaining) == (True, 2)
    assert (four.allowed, four.remaining) == (False, 2)
    assert (two.allowed, two.remaining) == (True, 0)


async def test_the_shared_storage_counts_costs_too() -> None:
    storage, clock = SwitchableStorage(), Clock()
    first, second = processes("local", storage, clock)
    assert (await first.hit(HEAVY, "key:a", cost=7)).remaining == LIMIT - 7
    refused = await second.hit(HEAVY, "key:a", cost=4)
    assert (refused.allowed, refused.remaining) == (False, LIMIT - 7)


async def test_while_down_the_headers_report_the_share() -> None:
    storage, clock = SwitchableStorage(), Clock()
    limiter = processes("local", storage, clock, count=4)[0]
    storage.down = True
    decision = await limiter.hit(HEAVY, "key:a")
    assert (decision.limit, decision.remaining) == (LIMIT // 4, LIMIT // 4 - 1)
