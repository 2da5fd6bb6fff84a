"""Moving-window rate limits per client and route class, in Redis shared by every worker."""

import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import limits
import redis.asyncio
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.errors import AppError, error_response
from llm_starter_api.infra.monitoring.metrics import RATE_LIMIT_FALLBACKS, RATE_LIMITED
from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.infra.security.client import Network, client_identity

logger = logging.getLogger(__name__)

# After a Redis failure, requests use per-process memory for this long before Redis is tried again.
REDIS_RETRY_SECONDS = 5.0


class RouteClass(StrEnum):
    """How expensive a route is: each class has its own limit."""

    HEAVY = "heavy"
    STANDARD = "standard"
    AUTH = "auth"


_HEAVY_PREFIXES = ("/v1/text_processing/process", "/v1/text_processing/batch_process")
# Submitting a batch job calls models like a batch does; reading or cancelling one does not.
_HEAVY_SUBMISSIONS = frozenset({"/v1/text_processing/jobs"})
# Orchestrators probe these every few seconds; limiting them would restart healthy instances.
_EXEMPT_PREFIXES = ("/v1/health",)


def route_class(path: str, method: str = "GET") -> RouteClass | None:
    """The class of a request, or None for routes that are never limited (probes)."""
    if path.startswith(_EXEMPT_PREFIXES):
        return None
    if path.startswith(_HEAVY_PREFIXES) or (method == "POST" and path in _HEAVY_SUBMISSIONS):
        return RouteClass.HEAVY
    if path.startswith("/v1/auth"):
        return RouteClass.AUTH
    return RouteClass.STANDARD


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one hit, with what the X-RateLimit headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    """Unix time at which the window next frees a slot."""

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds until a retry can succeed, at least 1."""
        return max(1, math.ceil(self.reset_at - (now or time.time())))

    def headers(self) -> dict[str, str]:
        """X-RateLimit-Limit, -Remaining and -Reset (Unix seconds), plus Retry-After when refused."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.remaining)),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after())
        return headers


def redis_storage(client: redis.asyncio.Redis, *, key_prefix: str) -> RedisStorage:
    """limits' asyncio Redis storage on the connection pool of an existing redis-py client."""
    return RedisStorage(
        "async+redis://",
        implementation="redispy",
        key_prefix=key_prefix,
        wrap_exceptions=True,
        connection_pool=client.connection_pool,  # type: ignore[arg-type]  # forwarded to redis-py
    )


class MemoryWindows:
    """Moving windows in this process's memory: the times of recent hits, per key.

    limits' own MemoryStorage expires entries in a task that hops to a thread on every request,
    which cost a quarter of the middleware's throughput (benchmarks/bench_middleware.py); this
    keeps the same moving-window arithmetic with plain deques and an occasional sweep.
    """

    SWEEP_EVERY = 1024

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._hits: dict[str, tuple[int, deque[float]]] = {}
        self._calls = 0

    def hit(self, key: str, amount: int, expiry: int) -> tuple[bool, int, float]:
        """Count a hit if the window has room: (allowed, remaining, when a slot frees)."""
        now = self.clock()
        hits = self._hits.setdefault(key, (expiry, deque()))[1]
        while hits and hits[0] <= now - expiry:
            hits.popleft()
        allowed = len(hits) < amount
        if allowed:
            hits.append(now)
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            self._sweep(now)
        return allowed, amount - len(hits), (hits[0] if hits else now) + expiry

    def _sweep(self, now: float) -> None:
        # Clients gone quiet for a whole window leave nothing behind.
        stale = [
            key
            for key, (expiry, hits) in self._hits.items()
            if not hits or hits[-1] <= now - expiry
        ]
        for key in stale:
            del self._hits[key]


class RateLimiter:
    """Hits the limits of a route class for a client; Redis when configured, memory otherwise."""

    def __init__(self, limits_by_class: Mapping[RouteClass, str]) -> None:
        self.limits = {cls: limits.parse_many(text) for cls, text in limits_by_class.items()}
        self._memory = MemoryWindows()
        self._shared: MovingWindowRateLimiter | None = None
        self._shared_down_until = 0.0

    @property
    def shared(self) -> bool:
        """Whether counts live in shared storage (Redis) rather than this process."""
        return self._shared is not None

    def use_storage(self, storage: Storage | None) -> None:
        """Count in `storage` (shared by workers), or in this process's memory when None."""
        self._memory = MemoryWindows()
        self._shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self._shared_down_until = 0.0

    async def hit(self, route_class: RouteClass, identity: str) -> Decision:
        """Count one request; the decision reports the most constrained of the class's limits."""
        if self._shared is not None and time.monotonic() >= self._shared_down_until:
            try:
                return await self._hit_shared(self._shared, route_class, identity)
            except StorageError as exc:
                self._shared_down_until = time.monotonic() + REDIS_RETRY_SECONDS
                RATE_LIMIT_FALLBACKS.inc()
                logger.warning(
                    "rate-limit storage failed (%s); counting in memory for %.0f s",
                    type(exc.storage_error).__name__,
                    REDIS_RETRY_SECONDS,
                )
        return self._hit_memory(route_class, identity)

    def _hit_memory(self, route_class: RouteClass, identity: str) -> Decision:
        decisions = []
        for item in self.limits[route_class]:
            key = item.key_for(route_class.value, identity)
            allowed, remaining, reset = self._memory.hit(key, item.amount, item.get_expiry())
            decision = Decision(allowed, item.amount, remaining, reset)
            if not allowed:
                return decision
            decisions.append(decision)
        return _most_constrained(decisions)

    async def _hit_shared(
        self, strategy: MovingWindowRateLimiter, route_class: RouteClass, identity: str
    ) -> Decision:
        decisions = []
        for item in self.limits[route_class]:
            allowed = await strategy.hit(item, route_class.value, identity)
            stats = await strategy.get_window_stats(item, route_class.value, identity)
            decision = Decision(allowed, item.amount, stats.remaining, stats.reset_time)
            if not allowed:
                return decision
            decisions.append(decision)
        return _most_constrained(decisions)


def _most_constrained(decisions: list[Decision]) -> Decision:
    return min(decisions, key=lambda decision: (decision.remaining, -decision.reset_at))


class RateLimited(AppError):
    status_code = 429
    error_code = "rate_limited"
    default_message = "Too many requests; retry after the time in Retry-After"


class RateLimitMiddleware:
    """Pure ASGI: refuses over-limit requests with 429 and reports the limit on every response."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        keys: APIKeys,
        trusted_proxies: Sequence[Network] = (),
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.keys = keys
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cls = route_class(scope["path"], scope["method"]) if scope["type"] == "http" else None
        # CORS preflights carry no credentials and must not use up the real request's allowance.
        if cls is None or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        identity = client_identity(scope, self.keys, self.trusted_proxies)
        decision = await self.limiter.hit(cls, identity)
        headers = decision.headers()
        if not decision.allowed:
            RATE_LIMITED.labels(cls.value).inc()
            error = RateLimited(
                details={"limit": decision.limit, "route_class": cls.value},
                retry_after=decision.retry_after(),
            )
            await error_response(Request(scope), error, headers=headers)(scope, receive, send)
            return

        raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *raw]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def connect_storage(
    limiter: RateLimiter, *, url: str | None, shared: redis.asyncio.Redis | None, key_prefix: str
) -> redis.asyncio.Redis | None:
    """Point the limiter at RATE_LIMIT_STORAGE_URL, else the app's Redis, else memory.

    Returns the client it opened for a URL of its own, which the caller closes at shutdown.
    """
    if url is not None and url.startswith("memory"):
        limiter.use_storage(None)
        return None
    if url is not None:
        # Its own client, with timeouts short enough that a dead Redis falls back within a request.
        owned = redis.asyncio.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        limiter.use_storage(redis_storage(owned, key_prefix=key_prefix))
        return owned
    limiter.use_storage(redis_storage(shared, key_prefix=key_prefix) if shared else None)
    return None
