"""In-process single flight: concurrent calls with the same key share one run of the work."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


class SingleFlight[T]:
    """The first caller of a key starts the work as a task; later callers await the same task."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[T]] = {}

    def __len__(self) -> int:
        return len(self._running)

    async def run(self, key: str, work: Callable[[], Coroutine[Any, Any, T]]) -> tuple[T, bool]:
        """The work's result (or its exception), and whether this caller started it."""
        task = self._running.get(key)
        leader = task is None
        if task is None:
            # A task of its own, so a leader whose request is cancelled does not cancel the others.
            task = asyncio.create_task(work())
            self._running[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task), leader

    def _forget(self, key: str, done: asyncio.Task[T]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        if not done.cancelled():
            done.exception()  # callers that went away need no 'never retrieved' log
