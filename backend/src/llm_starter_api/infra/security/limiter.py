"""RateLimiter: moving windows per client and route class, in Redis shared by every process.

While Redis is unreachable, RATE_LIMIT_ON_STORAGE_ERROR decides: `local` (each process enforces
its share of the limit, the limit divided by RATE_LIMIT_PROCESSES), `open` (admit) or `closed`
(503). Each process also remembers what it admitted, so its share counts the hits made before the
outage, and for one window after Redis returns (perhaps empty) a request must fit both.
"""

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

import limits
from limits import RateLimitItem
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis

from llm_starter_api.config import Settings
from llm_starter_api.errors import AppError
from llm_starter_api.infra.monitoring.metrics import RATE_LIMIT_FALLBACKS, RATE_LIMIT_STORAGE_DOWN
from llm_starter_api.infra.redis import RedisOptions, create_redis
from llm_starter_api.infra.security.windows import MemoryWindows

logger = logging.getLogger(__name__)

type OnStorageError = Literal["local", "open", "closed"]

# After a Redis failure, requests are decided without Redis for this long before it is tried again.
REDIS_RETRY_SECONDS = 5.0


class RouteClass(StrEnum):
    """How expensive a route is: each class has its own limit."""

    HEAVY = "heavy"
    STANDARD = "standard"
    AUTH = "auth"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one hit, with what the X-RateLimit headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    """Unix time at which the window next has room (for the refused cost, when refused)."""

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds until a retry can succeed, at least 1."""
        return max(1, math.ceil(self.reset_at - (now or time.time())))

    def headers(self) -> dict[str, str]:
        """X-RateLimit-Limit, -Remaining and -Reset (Unix seconds)."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.remaining)),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }


class RateLimited(AppError):
    status_code = 429
    error_code = "rate_limited"
    default_message = "Too many requests; retry after the time in Retry-After"


class RateLimitUnavailable(AppError):
    status_code = 503
    error_code = "rate_limit_unavailable"
    default_message = "Rate limits cannot be checked right now (RATE_LIMIT_ON_STORAGE_ERROR=closed)"


class RateLimiter:
    """Hits the limits of a route class for a client; Redis when configured, memory otherwise."""

    def __init__(
        self,
        limits_by_class: Mapping[RouteClass, str],
        *,
        on_storage_error: OnStorageError = "local",
        processes: int = 1,
        retry_seconds: float = REDIS_RETRY_SECONDS,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {cls: limits.parse_many(text) for cls, text in limits_by_class.items()}
        self.on_storage_error = on_storage_error
        self.processes = processes
        self.retry_seconds = retry_seconds
        self._monotonic = monotonic
        self._memory = MemoryWindows(clock)
        self._shared: MovingWindowRateLimiter | None = None
        self._down_until = 0.0
        self._failed_at: float | None = None
        self.storage_down = False

    @property
    def shared(self) -> bool:
        """Whether counts live in shared storage (Redis) rather than this process."""
        return self._shared is not None

    def use_storage(self, storage: Storage | None) -> None:
        """Count in `storage` (shared by workers), or in this process's memory when None."""
        self._memory = MemoryWindows(self._memory.clock)
        self._shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self._down_until, self._failed_at = 0.0, None
        self._set_down(down=False)

    async def hit(self, route_class: RouteClass, identity: str, cost: int = 1) -> Decision:
        """Count `cost` units; the decision reports the most constrained of the class's limits.

        Raises RateLimitUnavailable while the storage is down in `closed` mode.
        """
        items = self.limits[route_class]
        if self._shared is None:
            return self._hit_memory(items, route_class, identity, cost, processes=1)
        if self._monotonic() >= self._down_until:
            try:
                decision = await self._hit_shared(self._shared, items, route_class, identity, cost)
            except StorageError as exc:
                self._storage_failed(exc)
            else:
                self._set_down(down=False)
                return self._remember(decision, items, route_class, identity, cost)
        return self._while_down(items, route_class, identity, cost)

    def _while_down(
        self, items: Sequence[RateLimitItem], route_class: RouteClass, identity: str, cost: int
    ) -> Decision:
        match self.on_storage_error:
            case "closed":
                raise RateLimitUnavailable(retry_after=self._down_until - self._monotonic())
            case "open":
                decision = self._hit_memory(items, route_class, identity, cost, processes=1)
                return replace(decision, allowed=True)
            case "local":
                return self._hit_memory(items, route_class, identity, cost, self.processes)

    def _remember(
        self,
        decision: Decision,
        items: Sequence[RateLimitItem],
        route_class: RouteClass,
        identity: str,
        cost: int,
    ) -> Decision:
        """Note what Redis admitted in this process; within a window of an outage, keep to the share."""
        if not decision.allowed or self.on_storage_error == "open":
            return decision
        for item in items:
            key, expiry = item.key_for(route_class.value, identity), item.get_expiry()
            if self._failed_at is not None and self._monotonic() - self._failed_at < expiry:
                # Redis may have come back empty: what this process admitted still counts.
                share = _share(item, self.processes)
                hit = self._memory.hit(key, share, expiry, cost)
                if not hit.allowed:
                    return Decision(False, share, hit.remaining, hit.reset_at)
            else:
                self._memory.record(key, expiry, cost)
        return decision

    def _hit_memory(
        self,
        items: Sequence[RateLimitItem],
        route_class: RouteClass,
        identity: str,
        cost: int,
        processes: int,
    ) -> Decision:
        decisions = []
        for item in items:
            key, amount = item.key_for(route_class.value, identity), _share(item, processes)
            hit = self._memory.hit(key, amount, item.get_expiry(), cost)
            decision = Decision(hit.allowed, amount, hit.remaining, hit.reset_at)
            if not hit.allowed:
                return decision
            decisions.append(decision)
        return _most_constrained(decisions)

    async def _hit_shared(
        self,
        strategy: MovingWindowRateLimiter,
        items: Sequence[RateLimitItem],
        route_class: RouteClass,
        identity: str,
        cost: int,
    ) -> Decision:
        decisions = []
        for item in items:
            allowed = await strategy.hit(item, route_class.value, identity, cost=cost)
            stats = await strategy.get_window_stats(item, route_class.value, identity)
            decision = Decision(allowed, item.amount, stats.remaining, stats.reset_time)
            if not allowed:
                return decision
            decisions.append(decision)
        return _most_constrained(decisions)

    def _storage_failed(self, exc: StorageError) -> None:
        now = self._monotonic()
        self._down_until, self._failed_at = now + self.retry_seconds, now
        RATE_LIMIT_FALLBACKS.inc()
        if not self.storage_down:
            logger.warning(
                "rate-limit storage failed (%s); deciding without it (%s) for %.0f s",
                type(exc.storage_error).__name__,
                self.on_storage_error,
                self.retry_seconds,
            )
        self._set_down(down=True)

    def _set_down(self, *, down: bool) -> None:
        if self.storage_down and not down:
            logger.info("rate-limit storage reachable again")
        self.storage_down = down
        RATE_LIMIT_STORAGE_DOWN.set(1 if down else 0)


def _share(item: RateLimitItem, processes: int) -> int:
    # Rounded down, so the shares never add up to more than the limit; but never nothing.
    return max(1, item.amount // processes)


def _most_constrained(decisions: list[Decision]) -> Decision:
    return min(decisions, key=lambda decision: (decision.remaining, -decision.reset_at))


def create_limiter(settings: Settings) -> RateLimiter:
    """The limiter the settings describe (storage is connected in the lifespan)."""
    return RateLimiter(
        {
            RouteClass.HEAVY: settings.rate_limit_heavy,
            RouteClass.STANDARD: settings.rate_limit_standard,
            RouteClass.AUTH: settings.rate_limit_auth,
        },
        on_storage_error=settings.rate_limit_on_storage_error,
        processes=settings.rate_limit_processes,
    )


def redis_storage(client: Redis, *, key_prefix: str) -> RedisStorage:
    """limits' asyncio Redis storage on the connection pool of an existing redis-py client."""
    return RedisStorage(
        "async+redis://",
        implementation="redispy",
        key_prefix=key_prefix,
        wrap_exceptions=True,
        connection_pool=client.connection_pool,  # type: ignore[arg-type]  # forwarded to redis-py
    )


def connect_storage(
    limiter: RateLimiter, settings: Settings, *, shared: Redis | None
) -> Redis | None:
    """Point the limiter at RATE_LIMIT_STORAGE_URL, else the app's Redis (`shared`), else memory.

    Returns the client it opened for a URL of its own, which the caller closes at shutdown.
    """
    url, prefix = settings.rate_limit_storage_url, settings.rate_limit_prefix
    if url is not None and url.startswith("memory"):
        limiter.use_storage(None)
        return None
    if url is not None:
        # A pool of its own, sized and bounded like the app's: a dead Redis fails within a request.
        owned = create_redis(
            RedisOptions(
                url=url,
                timeout_seconds=settings.cache_redis_timeout_seconds,
                max_connections=settings.cache_redis_max_connections,
                pool_timeout_seconds=settings.cache_redis_pool_timeout_seconds,
            )
        )
        limiter.use_storage(redis_storage(owned, key_prefix=prefix))
        return owned
    limiter.use_storage(redis_storage(shared, key_prefix=prefix) if shared else None)
    return None
