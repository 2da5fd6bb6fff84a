"""Moving windows in this process's memory: the times of recent hits, per key."""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """The outcome of one hit on one window."""

    allowed: bool
    remaining: int
    reset_at: float
    """Unix time at which the window has room for this hit again (next frees a slot, if allowed)."""


class MemoryWindows:
    """Moving windows of hit times, per key; a hit may cost several units.

    limits' own MemoryStorage expires entries in a task that hops to a thread on every request,
    which cost a quarter of the middleware's throughput (benchmarks/bench_middleware.py); this
    keeps the same moving-window arithmetic with plain deques and an occasional sweep.
    """

    SWEEP_EVERY = 1024

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._hits: dict[str, tuple[int, deque[float]]] = {}
        self._calls = 0

    def hit(self, key: str, amount: int, expiry: int, cost: int = 1) -> Hit:
        """Count `cost` units if the window has room for them within `amount`."""
        now = self.clock()
        hits = self._window(key, expiry, now)
        allowed = len(hits) + cost <= amount
        if allowed:
            hits.extend([now] * cost)
            reset = hits[0] + expiry
        else:
            # Room for `cost` once enough of the oldest hits have left the window.
            leaving = len(hits) + cost - amount
            reset = hits[leaving - 1] + expiry if leaving <= len(hits) else now + expiry
        return Hit(allowed, max(0, amount - len(hits)), reset)

    def record(self, key: str, expiry: int, cost: int = 1) -> None:
        """Count `cost` units that another store admitted, whatever the window holds."""
        now = self.clock()
        self._window(key, expiry, now).extend([now] * cost)

    def _window(self, key: str, expiry: int, now: float) -> deque[float]:
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            self._sweep(now)  # before taking the key's deque, which the sweep may drop
        hits = self._hits.setdefault(key, (expiry, deque()))[1]
        while hits and hits[0] <= now - expiry:
            hits.popleft()
        return hits

    def _sweep(self, now: float) -> None:
        # Clients gone quiet for a whole window leave nothing behind.
        stale = [
            key
            for key, (expiry, hits) in self._hits.items()
            if not hits or hits[-1] <= now - expiry
        ]
        for key in stale:
            del self._hits[key]
