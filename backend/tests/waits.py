"""Waiting for a condition instead of for time: the machine may be slow, never the test wrong.

Deadlines are generous (CI shares two cores with other work); a wait that runs out fails the test
with what it waited for. pytest-timeout bounds every test on top of this.
"""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spawn import Process

PATIENCE = 120.0
"""Seconds a condition may take to hold on a loaded machine before the wait fails the test."""


def wait_until(
    condition: Callable[[], object],
    *,
    what: str,
    watch: Iterable["Process"] = (),
    seconds: float = PATIENCE,
) -> None:
    """Poll `condition` until it is true; fail naming `what` if a watched process exits or time runs out."""
    watched = list(watch)
    deadline = time.monotonic() + seconds
    while True:
        for process in watched:
            if not process.alive:
                process.fail(f"exited while waiting for {what}")
        if condition():
            return
        if time.monotonic() > deadline:
            detail = "".join(f"\n--- {p.name} ---\n{p.output()}" for p in watched)
            pytest.fail(f"{what}: not within {seconds:.0f} s{detail}")
        time.sleep(0.05)


async def eventually(
    condition: Callable[[], object | Awaitable[object]], *, what: str, seconds: float = PATIENCE
) -> None:
    """Yield to the event loop until `condition` (sync or async) holds; fail naming `what` when
    time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        held = condition()
        if await held if inspect.isawaitable(held) else held:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:.0f} s")
        # Polling: the conditions are counters and servers owned by the code under test.
        await asyncio.sleep(0.01)
