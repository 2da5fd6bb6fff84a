"""A cap on the model calls one process has in flight, so a crowd gets a fast 503, not a long wait.

An LLM API spends its life waiting on providers: past what the process's CPU can drive, more
concurrent calls only make every call slower (and the event loop late for everyone). Calls over
the cap wait at most `queue_seconds` for a slot, then are refused with Retry-After.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from llm_starter_api.errors import AppError
from llm_starter_api.infra.monitoring.metrics import CALLS_IN_FLIGHT, CALLS_QUEUED, CALLS_SHED


class Overloaded(AppError):
    status_code = 503
    error_code = "overloaded"
    default_message = "The server has too many model calls in flight; retry shortly"


class Admission:
    """At most `limit` calls at once in this process; the rest wait up to `queue_seconds`."""

    def __init__(self, limit: int, *, queue_seconds: float, retry_after: float = 1.0) -> None:
        self.limit = limit
        self.queue_seconds = queue_seconds
        self.retry_after = retry_after
        self._slots = asyncio.Semaphore(limit)
        self.in_flight = 0
        self.queued = 0

    def admit(self) -> None:
        """Refuse now, before any other work, when every slot is taken and none may be waited for."""
        if self._slots.locked() and self.queue_seconds <= 0:
            self._shed()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block; Overloaded when none frees in time."""
        self.admit()
        if self._slots.locked():
            self.queued += 1
            CALLS_QUEUED.inc()
            try:
                async with asyncio.timeout(self.queue_seconds):
                    await self._slots.acquire()
            except TimeoutError:
                self._shed()
            finally:
                self.queued -= 1
                CALLS_QUEUED.dec()
        else:
            await self._slots.acquire()  # free: returns at once
        self.in_flight += 1
        CALLS_IN_FLIGHT.inc()
        try:
            yield
        finally:
            self.in_flight -= 1
            CALLS_IN_FLIGHT.dec()
            self._slots.release()

    def _shed(self) -> None:
        CALLS_SHED.inc()
        raise Overloaded(
            details={"reason": "model_calls_in_flight", "limit": self.limit},
            retry_after=self.retry_after,
        )
