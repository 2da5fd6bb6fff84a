"""Whether to call Redis now: after a failure, one probe per backoff window, backoff growing to a cap."""

import logging
import random
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Availability:
    """Up until a call fails; then down, letting one call through per window to see if it is back."""

    def __init__(
        self,
        *,
        first_backoff: float = 0.2,
        max_backoff: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self.up = True
        self._backoff = first_backoff
        self._retry_at = 0.0
        self._probing = False
        self.failures = 0

    def allow(self) -> bool:
        """Whether this caller may call Redis; while down, only the first caller of each window."""
        if self.up:
            return True
        now = self._clock()
        if now < self._retry_at:
            return False
        # This caller is the probe; everyone else waits for the next window.
        self._retry_at = now + self._backoff
        self._probing = True
        return True

    def succeeded(self) -> None:
        """A call worked: Redis is up."""
        if not self.up:
            logger.info("redis is reachable again; the cache uses it again")
        self.up = True
        self._probing = False
        self._backoff = self.first_backoff

    def failed(self, exc: BaseException) -> None:
        """A call failed: down, and the next probe waits longer (with jitter, so processes spread)."""
        self.failures += 1
        if self.up:
            logger.warning(
                "redis call failed (%s); serving from the memory tier", type(exc).__name__
            )
        elif self._probing:
            self._backoff = min(self._backoff * 2, self.max_backoff)
        else:
            return  # a call started before Redis went down; the window is already set
        self.up = False
        self._probing = False
        jitter = random.uniform(0.8, 1.2)  # noqa: S311  # spreading retries, not secrecy
        self._retry_at = self._clock() + self._backoff * jitter
