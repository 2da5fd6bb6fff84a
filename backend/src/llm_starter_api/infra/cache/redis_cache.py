"""RedisCache: Redis shared by every process, a memory tier in front, the memory tier alone when down."""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from redis.asyncio import Redis

from llm_starter_api.config_values import uses_tls
from llm_starter_api.infra.cache.availability import Availability
from llm_starter_api.infra.cache.codec import Codec, CorruptValue, Value
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import decode_or_drop, memory_status
from llm_starter_api.infra.cache.metrics import CacheMetrics, Outcome, Tier
from llm_starter_api.infra.cache.protocol import CacheStatus, Invalidated
from llm_starter_api.infra.redis import REDIS_ERRORS, has_password, redacted

logger = logging.getLogger(__name__)

_SCAN_BATCH = 500
# The status page counts keys with SCAN; on a large shared DB it stops after examining ~100k keys.
_COUNT_SCANS = 100
_COUNT_BATCH = 1000


class RedisCache:
    """Reads try memory, then Redis; writes go to both; Redis failures degrade to memory only."""

    def __init__(
        self,
        redis: Redis,
        *,
        url: str,
        front: LRUStore,
        codec: Codec,
        memory_ttl: int,
        prefix: str,
        availability: Availability | None = None,
        metrics: CacheMetrics | None = None,
    ) -> None:
        self.redis = redis
        self.url = url
        self.front = front
        self.codec = codec
        self.memory_ttl = memory_ttl
        self.prefix = prefix
        self.availability = availability or Availability()
        self.metrics = metrics or CacheMetrics()

    async def get(self, key: str) -> Value | None:
        """From memory, else from Redis (copied into memory); None on a miss or a failure."""
        return (await self.lookup(key))[0]

    async def lookup(self, key: str) -> tuple[Value | None, Tier]:
        """What `get` answers, and from which tier: Redis when it was asked and answered."""
        started = time.perf_counter()
        if (value := self.peek(key)) is not None:
            return value, "memory"
        if self.front.enabled:
            self.metrics.lookup("memory", "miss", time.perf_counter() - started)
        return await self._get_from_redis(key)

    def peek(self, key: str) -> Value | None:
        """From the memory tier only; only a hit is counted."""
        started = time.perf_counter()
        if not self.front.enabled or (data := self.front.get(key)) is None:
            return None
        value = decode_or_drop(self.codec, self.front, self.metrics, key, data)
        if value is not None:
            self.metrics.lookup("memory", "hit", time.perf_counter() - started)
        return value

    async def _get_from_redis(self, key: str) -> tuple[Value | None, Tier]:
        if not self.availability.allow():
            return None, "memory"
        started = time.perf_counter()
        try:
            data = cast("bytes | None", await self.redis.get(key))
        except REDIS_ERRORS as exc:
            self._failed(exc)
            return None, "memory"
        self.availability.succeeded()
        value = None
        if data is not None:
            try:
                value = self.codec.decode(data)
            except CorruptValue as exc:
                logger.warning("dropping corrupted cache value from redis: %s", exc)
                self.metrics.count("corrupted")
                await self._call(lambda: self.redis.unlink(key))
            else:
                self.front.set(key, data, ttl=self.memory_ttl)
        outcome: Outcome = "miss" if value is None else "hit"
        self.metrics.lookup("redis", outcome, time.perf_counter() - started)
        return value, "redis"

    async def set(self, key: str, value: Value, *, ttl: int) -> None:
        """Store in both tiers; the memory copy lives at most `memory_ttl` seconds."""
        data = self.codec.encode(value)
        self.front.set(key, data, ttl=min(ttl, self.memory_ttl))
        await self._call(lambda: self.redis.set(key, data, ex=ttl))

    async def invalidate(self, pattern: str) -> Invalidated:
        """SCAN MATCH and UNLINK in batches (never KEYS), and the same in memory."""
        memory = self.front.delete_matching(pattern)
        deleted = 0
        if self.availability.allow():
            try:
                batch: list[bytes] = []
                async for key in self.redis.scan_iter(match=pattern, count=_SCAN_BATCH):
                    batch.append(key)
                    if len(batch) >= _SCAN_BATCH:
                        deleted += await self.redis.unlink(*batch)
                        batch.clear()
                if batch:
                    deleted += await self.redis.unlink(*batch)
            except REDIS_ERRORS as exc:
                self._failed(exc)
            else:
                self.availability.succeeded()
        return Invalidated(memory=memory, redis=deleted)

    async def healthy(self) -> bool:
        """Whether Redis answers a PING now (while down, only once per backoff window)."""
        return await self._call(self.redis.ping) is not None

    async def status(self) -> CacheStatus:
        """Both tiers; the key count covers this cache's prefix only."""
        redis: dict[str, Any] = {
            "status": "disconnected",
            "url": redacted(self.url),
            "auth": has_password(self.url),
        }
        connected = await self.healthy()
        if connected:
            counted = await self._call(self._count_keys)
            memory = await self._call(lambda: self.redis.info("memory"))
            redis |= {
                "status": "connected",
                "keys": counted[0] if counted else None,
                "keys_complete": counted[1] if counted else False,
                "used_memory": memory.get("used_memory_human") if memory else None,
            }
        return CacheStatus(
            tier="redis",
            connected=connected,
            memory=memory_status(self.front),
            redis=redis,
            tls_enabled=uses_tls(self.url),
            encryption_enabled=self.codec.encryption is not None,
        )

    async def _count_keys(self) -> tuple[int, bool]:
        """Keys under this prefix, and whether SCAN finished before its bound."""
        count, cursor = 0, 0
        for _ in range(_COUNT_SCANS):
            cursor, keys = await self.redis.scan(
                cursor, match=f"{self.prefix}:ai:*", count=_COUNT_BATCH
            )
            count += len(keys)
            if cursor == 0:
                return count, True
        return count, False

    async def _call[T](self, call: Callable[[], Awaitable[T]]) -> T | None:
        """Make one Redis call if Redis may be called; a failure becomes None and marks it down."""
        if not self.availability.allow():
            return None
        try:
            result = await call()
        except REDIS_ERRORS as exc:
            self._failed(exc)
            return None
        self.availability.succeeded()
        return result

    def _failed(self, exc: BaseException) -> None:
        self.availability.failed(exc)
        self.metrics.count("error")
