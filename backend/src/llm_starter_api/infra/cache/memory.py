"""MemoryCache: the process-wide cache when no Redis is configured."""

import logging
import time

from llm_starter_api.infra.cache.codec import Codec, CorruptValue, Value
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.metrics import CacheMetrics, Outcome, Tier
from llm_starter_api.infra.cache.protocol import CacheStatus, Invalidated

logger = logging.getLogger(__name__)


def memory_status(store: LRUStore) -> dict[str, int]:
    """Entries and bytes held, and their bounds."""
    return {
        "entries": len(store),
        "bytes": store.size_bytes,
        "max_entries": store.max_entries,
        "max_bytes": store.max_bytes,
    }


def decode_or_drop(
    codec: Codec, store: LRUStore, metrics: CacheMetrics, key: str, data: bytes
) -> Value | None:
    """Decode a memory-tier value; a corrupted one is deleted and counted, never returned."""
    try:
        return codec.decode(data)
    except CorruptValue as exc:
        logger.warning("dropping corrupted cache value from memory: %s", exc)
        metrics.count("corrupted")
        store.delete(key)
        return None


class MemoryCache:
    """Values encoded once into a bounded LRU shared by every request of the process."""

    def __init__(self, store: LRUStore, codec: Codec, metrics: CacheMetrics | None = None) -> None:
        self.store = store
        self.codec = codec
        self.metrics = metrics or CacheMetrics()

    async def get(self, key: str) -> Value | None:
        """The live value, or None."""
        return (await self.lookup(key))[0]

    async def lookup(self, key: str) -> tuple[Value | None, Tier]:
        """The live value or None, from the one tier there is."""
        started = time.perf_counter()
        value = self._read(key)
        outcome: Outcome = "miss" if value is None else "hit"
        self.metrics.lookup("memory", outcome, time.perf_counter() - started)
        return value, "memory"

    def peek(self, key: str) -> Value | None:
        """The live value, or None; only a hit is counted."""
        started = time.perf_counter()
        if (value := self._read(key)) is not None:
            self.metrics.lookup("memory", "hit", time.perf_counter() - started)
        return value

    def _read(self, key: str) -> Value | None:
        data = self.store.get(key)
        if data is None:
            return None
        return decode_or_drop(self.codec, self.store, self.metrics, key, data)

    async def set(self, key: str, value: Value, *, ttl: int) -> None:
        """Store for `ttl` seconds."""
        self.store.set(key, self.codec.encode(value), ttl=ttl)

    async def invalidate(self, pattern: str) -> Invalidated:
        """Drop the entries matching a glob pattern."""
        return Invalidated(memory=self.store.delete_matching(pattern))

    async def healthy(self) -> bool:
        """Always: memory does not go away."""
        return True

    async def status(self) -> CacheStatus:
        """The memory tier's contents."""
        return CacheStatus(
            tier="memory",
            connected=True,
            memory=memory_status(self.store),
            encryption_enabled=self.codec.encryption is not None,
        )
