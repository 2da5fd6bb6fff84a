"""Circuit breaker: closed, open after too many failures in a window, half-open probe, closed again."""

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from llm_starter_api.errors import ProviderUnavailable

logger = logging.getLogger(__name__)


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpen(ProviderUnavailable):
    """The breaker refused the call; still `provider_unavailable` to clients, with its own reason."""

    default_message = "The language model keeps failing; calls to it are paused, retry later"


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    """When to trip and how long to stay open; times in seconds."""

    failure_threshold: int
    window: float
    recovery_timeout: float


type Transition = tuple[BreakerState, BreakerState]


@dataclass(frozen=True, slots=True)
class Permit:
    """A store's answer to "may I call?"; `probe` marks the one half-open trial call."""

    allowed: bool
    probe: bool = False
    retry_after: float = 0.0
    transition: Transition | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    state: BreakerState
    failures: int
    """Failures inside the current window."""
    retry_after: float
    """Seconds until an open breaker lets a probe through."""


class BreakerStore(Protocol):
    """Where a breaker's state lives; each method is atomic and reports the transition it made."""

    async def acquire(self, now: float) -> Permit: ...
    async def succeed(self, now: float) -> Transition | None: ...
    async def fail(self, now: float) -> Transition | None: ...
    async def reset(self, now: float) -> Transition | None: ...
    async def snapshot(self, now: float) -> Snapshot: ...


_ALLOWED = Permit(allowed=True)


@dataclass(slots=True)
class MemoryStore:
    """State of one breaker in this process."""

    config: BreakerConfig
    state: BreakerState = BreakerState.CLOSED
    failures: deque[float] = field(default_factory=deque)
    since: float = 0.0
    """When the breaker opened, or when the last half-open probe started."""

    def _move(self, to: BreakerState, now: float) -> Transition:
        change = (self.state, to)
        self.state, self.since = to, now
        self.failures.clear()
        return change

    async def acquire(self, now: float) -> Permit:
        if self.state is BreakerState.CLOSED:
            return _ALLOWED
        wait = self.since + self.config.recovery_timeout - now
        if wait > 0:
            return Permit(allowed=False, retry_after=wait)
        if self.state is BreakerState.HALF_OPEN:
            # The last probe never reported (its caller died): let another one through.
            self.since = now
            return Permit(allowed=True, probe=True)
        return Permit(allowed=True, probe=True, transition=self._move(BreakerState.HALF_OPEN, now))

    async def succeed(self, now: float) -> Transition | None:
        if self.state is not BreakerState.HALF_OPEN:
            return None
        return self._move(BreakerState.CLOSED, now)

    async def fail(self, now: float) -> Transition | None:
        if self.state is BreakerState.HALF_OPEN:
            return self._move(BreakerState.OPEN, now)
        if self.state is BreakerState.OPEN:
            return None  # a call admitted before the breaker opened
        self.failures.append(now)
        while self.failures[0] <= now - self.config.window:
            self.failures.popleft()
        if len(self.failures) >= self.config.failure_threshold:
            return self._move(BreakerState.OPEN, now)
        return None

    async def reset(self, now: float) -> Transition | None:
        change = self._move(BreakerState.CLOSED, now)
        return change if change[0] is not BreakerState.CLOSED else None

    async def snapshot(self, now: float) -> Snapshot:
        recent = sum(1 for at in self.failures if at > now - self.config.window)
        wait = self.since + self.config.recovery_timeout - now
        open_wait = max(0.0, wait) if self.state is BreakerState.OPEN else 0.0
        return Snapshot(self.state, recent, open_wait)


@dataclass(slots=True)
class BreakerCounts:
    """What one breaker saw in this process; the observability layer exports these."""

    calls: int = 0
    failures: int = 0
    rejected: int = 0
    opened: int = 0
    half_opened: int = 0
    closed: int = 0


class CircuitBreaker:
    """One provider-and-model's breaker: logs and counts each transition its store reports."""

    def __init__(
        self, name: str, store: BreakerStore, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.name = name
        self.store = store
        self.clock = clock
        self.counts = BreakerCounts()

    async def acquire(self) -> bool:
        """Admit a call (True for a half-open probe), or raise CircuitOpen without calling anyone."""
        permit = await self.store.acquire(self.clock())
        self._record(permit.transition)
        if not permit.allowed:
            self.counts.rejected += 1
            details = {"reason": "circuit_open", "model": self.name}
            raise CircuitOpen(retry_after=permit.retry_after, details=details)
        self.counts.calls += 1
        return permit.probe

    async def record_success(self) -> None:
        """A probe answered: close the breaker."""
        self._record(await self.store.succeed(self.clock()))

    async def record_failure(self) -> None:
        """A transient failure: count it, trip the breaker past the threshold."""
        self.counts.failures += 1
        self._record(await self.store.fail(self.clock()))

    async def reset(self) -> Snapshot:
        """Close the breaker by hand and forget its failures."""
        self._record(await self.store.reset(self.clock()))
        return await self.snapshot()

    async def snapshot(self) -> Snapshot:
        """The state as every worker sees it."""
        return await self.store.snapshot(self.clock())

    def _record(self, change: Transition | None) -> None:
        if change is None:
            return
        before, after = change
        match after:
            case BreakerState.OPEN:
                self.counts.opened += 1
            case BreakerState.HALF_OPEN:
                self.counts.half_opened += 1
            case BreakerState.CLOSED:
                self.counts.closed += 1
        level = logging.WARNING if after is BreakerState.OPEN else logging.INFO
        logger.log(
            level,
            "circuit breaker %s: %s -> %s",
            self.name,
            before,
            after,
            extra={"breaker": self.name, "from_state": str(before), "to_state": str(after)},
        )
