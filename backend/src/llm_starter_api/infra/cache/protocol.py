"""What a cache offers: JSON-object values by key with a TTL, pattern invalidation, status."""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from llm_starter_api.infra.cache.codec import Value
from llm_starter_api.infra.cache.metrics import CacheMetrics, Tier

type TierName = Literal["disabled", "memory", "redis"]


@dataclass(frozen=True, slots=True)
class Invalidated:
    """How many entries an invalidation removed from each tier."""

    memory: int = 0
    redis: int = 0


@dataclass(frozen=True, slots=True)
class CacheStatus:
    """A cache's tier, whether its backing store answers, and what it holds."""

    tier: TierName
    connected: bool
    memory: dict[str, int]
    redis: dict[str, Any] = field(default_factory=lambda: {"status": "not_configured"})
    tls_enabled: bool = False
    encryption_enabled: bool = False


class Cache(Protocol):
    """A key-value cache of JSON objects; failures of its stores never reach the caller."""

    metrics: CacheMetrics

    async def get(self, key: str) -> Value | None:
        """The live value, or None (missing, expired, corrupted or unreachable)."""
        ...

    async def lookup(self, key: str) -> tuple[Value | None, Tier]:
        """What `get` answers, and the tier that answered (the memory tier when Redis was not asked)."""
        ...

    def peek(self, key: str) -> Value | None:
        """The value if this process's memory tier holds it; never waits on a store.

        Counts hits only: a miss is counted by the `get` that follows it.
        """
        ...

    async def set(self, key: str, value: Value, *, ttl: int) -> None:
        """Store `value` for `ttl` seconds (best effort)."""
        ...

    async def invalidate(self, pattern: str) -> Invalidated:
        """Delete every entry whose key matches a glob pattern."""
        ...

    async def healthy(self) -> bool:
        """Whether every configured tier answers."""
        ...

    async def status(self) -> CacheStatus:
        """Tier, connection and contents, for the internal API."""
        ...
