"""The memory tier: LRU by entries and by bytes, TTL, and corrupted values dropped."""

import pytest

from llm_starter_api.infra.cache.codec import Codec
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import MemoryCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def store(*, entries: int = 100, max_bytes: int = 10_000, clock: Clock | None = None) -> LRUStore:
    return LRUStore(max_entries=entries, max_bytes=max_bytes, clock=clock or Clock())


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    lru = store(entries=2)
    lru.set("a", b"1", ttl=60)
    lru.set("b", b"2", ttl=60)
    assert lru.get("a") == b"1"  # now "b" is the least recently used
    lru.set("c", b"3", ttl=60)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (b"1", None, b"3")


def test_the_byte_bound_counts_keys_and_values_and_evicts_to_fit() -> None:
    lru = store(max_bytes=30)
    lru.set("k1", b"x" * 10, ttl=60)
    lru.set("k2", b"x" * 10, ttl=60)
    assert lru.size_bytes == 24
    lru.set("k3", b"x" * 10, ttl=60)
    assert len(lru) == 2
    assert lru.get("k1") is None
    assert lru.size_bytes == 24


def test_a_value_larger_than_the_whole_tier_is_not_stored() -> None:
    lru = store(max_bytes=30)
    lru.set("small", b"x", ttl=60)
    lru.set("big", b"x" * 100, ttl=60)
    assert lru.get("big") is None
    assert lru.get("small") == b"x"


def test_entries_expire_after_their_ttl() -> None:
    clock = Clock()
    lru = store(clock=clock)
    lru.set("a", b"1", ttl=10)
    clock.now += 9.9
    assert lru.get("a") == b"1"
    clock.now += 0.2
    assert lru.get("a") is None
    assert (len(lru), lru.size_bytes) == (0, 0)


def test_replacing_a_value_keeps_the_byte_count_exact() -> None:
    lru = store()
    lru.set("a", b"x" * 50, ttl=60)
    lru.set("a", b"x" * 5, ttl=60)
    assert lru.size_bytes == 6


@pytest.mark.parametrize(("entries", "max_bytes"), [(0, 1000), (10, 0)])
def test_a_tier_sized_zero_stores_nothing(entries: int, max_bytes: int) -> None:
    lru = store(entries=entries, max_bytes=max_bytes)
    lru.set("a", b"1", ttl=60)
    assert not lru.enabled
    assert lru.get("a") is None


def test_glob_patterns_delete_only_matching_keys() -> None:
    lru = store()
    for name in ("p:ai:qa:m:v:1", "p:ai:qa:m:v:2", "p:ai:summarize:m:v:1", "p:lock:qa:m:v:1"):
        lru.set(name, b"1", ttl=60)
    assert lru.delete_matching("p:ai:qa:*") == 2
    assert len(lru) == 2


def memory_cache() -> MemoryCache:
    codec = Codec(compression_threshold=100, compression_level=3)
    return MemoryCache(store(), codec)


async def test_values_are_shared_by_every_caller_and_reported_per_tier() -> None:
    cache = memory_cache()
    await cache.set("k", {"result": "A summary."}, ttl=60)
    assert await cache.get("k") == {"result": "A summary."}
    assert await cache.get("missing") is None
    tiers = cache.metrics.snapshot()["tiers"]["memory"]
    assert (tiers["hits"], tiers["misses"]) == (1, 1)
    assert tiers["latency"]["p50_ms"] is not None


async def test_a_corrupted_value_is_a_miss_deleted_and_counted() -> None:
    cache = memory_cache()
    cache.store.set("k", b"\x01garbage", ttl=60)
    assert await cache.get("k") is None
    assert cache.store.get("k") is None
    assert cache.metrics.snapshot()["corrupted"] == 1


async def test_status_reports_entries_bytes_and_bounds() -> None:
    cache = memory_cache()
    await cache.set("k", {"a": 1}, ttl=60)
    status = await cache.status()
    assert (status.tier, status.connected) == ("memory", True)
    assert status.memory["entries"] == 1
    assert status.memory["max_entries"] == 100
    assert await cache.healthy()
