"""ResponseCache: AI answers by key, one computation per key across requests and processes."""

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from llm_starter_api.infra.cache.codec import Value
from llm_starter_api.infra.cache.keys import CacheKey, ai_key, ai_pattern
from llm_starter_api.infra.cache.locks import RedisLocks
from llm_starter_api.infra.cache.metrics import CacheMetrics
from llm_starter_api.infra.cache.protocol import Cache, CacheStatus, Invalidated
from llm_starter_api.infra.cache.single_flight import SingleFlight
from llm_starter_api.infra.monitoring.metrics import record_cache_lookup

type Compute = Callable[[], Coroutine[Any, Any, Value]]

_FIRST_POLL = 0.01
_LONGEST_POLL = 0.25


class ResponseCache:
    """Looks answers up, computes a missing one once (per process, and per Redis when shared)."""

    def __init__(
        self,
        cache: Cache | None,
        *,
        prefix: str,
        default_ttl: int,
        operation_ttls: Mapping[str, int],
        storable: Callable[[Value], bool] = lambda value: True,
        locks: RedisLocks | None = None,
        wait_seconds: float = 30.0,
    ) -> None:
        self.cache = cache
        self.prefix = prefix
        self.default_ttl = default_ttl
        self.operation_ttls = dict(operation_ttls)
        self.storable = storable
        """Whether an answer may be kept (the caller's rule, e.g. never a degraded one)."""
        self.locks = locks
        self.wait_seconds = wait_seconds
        self.metrics = cache.metrics if cache is not None else CacheMetrics()
        self._flight: SingleFlight[tuple[Value, bool]] = SingleFlight()

    def key(
        self,
        *,
        scope: str,
        operation: str,
        model: str,
        prompt_version: str,
        inputs: Mapping[str, Any],
    ) -> CacheKey:
        """The key of one answer in `scope` under this cache's prefix.

        The scope is the caller's to choose (e.g. an owner tag): answers, single flights and locks
        of one scope never serve another.
        """
        return ai_key(
            self.prefix,
            scope=scope,
            operation=operation,
            model=model,
            prompt_version=prompt_version,
            inputs=inputs,
        )

    def ttl(self, operation: str) -> int:
        """Seconds an answer of `operation` is kept."""
        return self.operation_ttls.get(operation, self.default_ttl)

    def peek(self, key: CacheKey) -> Value | None:
        """The answer if this process's memory holds it, counted as a hit; None otherwise."""
        value = self.cache.peek(key.name) if self.cache is not None else None
        if value is not None:
            self.metrics.count("hit")
            record_cache_lookup(hit=True, tier="memory")
        return value

    async def get_or_compute(
        self, key: CacheKey, compute: Compute, *, admit: Callable[[], None] | None = None
    ) -> tuple[Value, bool]:
        """The answer, and whether it came without computing it here (cache or another caller).

        `admit` runs before this process computes a missing answer, ahead of any lock: it may
        raise to refuse the work (e.g. when overloaded) at the cost of the lookup alone.
        """
        if self.cache is None:
            if admit is not None:
                admit()
            return await compute(), False
        value, tier = await self.cache.lookup(key.name)
        self.metrics.count("miss" if value is None else "hit")
        if value is not None:
            record_cache_lookup(hit=True, tier=tier)
            return value, True
        (value, computed), leader = await self._flight.run(
            key.name, lambda: self._fill(key, compute, admit)
        )
        if not leader:
            self.metrics.count("coalesced")
        # Computed here: a miss in the last tier asked; else another request's answer, from this
        # process's flight or (after waiting on its lock) from Redis.
        source = tier if leader and computed else "redis" if leader else "flight"
        record_cache_lookup(hit=not (leader and computed), tier=source)
        return value, not (leader and computed)

    async def _fill(
        self, key: CacheKey, compute: Compute, admit: Callable[[], None] | None
    ) -> tuple[Value, bool]:
        """Compute under the key's lock; while another process holds it, wait for its answer."""
        assert self.cache is not None
        if admit is not None:
            admit()
        if self.locks is None:
            return await self._compute_and_store(key, compute), True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_seconds
        delay = _FIRST_POLL
        waited = False
        while (lease := await self.locks.acquire(key.lock_name)) is None:
            if not waited:
                self.metrics.count("lock_wait")
                waited = True
            if loop.time() >= deadline:
                # Waited as long as a computation may take: compute rather than fail.
                return await self._compute_and_store(key, compute), True
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LONGEST_POLL)
            if (value := await self.cache.get(key.name)) is not None:
                return value, False
        async with lease:
            # The holder we waited for may have stored the answer just before releasing the lock.
            if waited and (value := await self.cache.get(key.name)) is not None:
                return value, False
            return await self._compute_and_store(key, compute), True

    async def _compute_and_store(self, key: CacheKey, compute: Compute) -> Value:
        assert self.cache is not None
        value = await compute()
        if self.storable(value):
            await self.cache.set(key.name, value, ttl=self.ttl(key.operation))
            self.metrics.count("store")
        else:
            self.metrics.count("skip")
        return value

    async def invalidate(
        self,
        *,
        scope: str | None = None,
        operation: str | None = None,
        model: str | None = None,
        prompt_version: str | None = None,
    ) -> tuple[str, Invalidated]:
        """Delete the answers of a scope, operation, model and/or prompt version (all when none)."""
        pattern = ai_pattern(
            self.prefix,
            scope=scope,
            operation=operation,
            model=model,
            prompt_version=prompt_version,
        )
        if self.cache is None:
            return pattern, Invalidated()
        return pattern, await self.cache.invalidate(pattern)

    async def healthy(self) -> bool | None:
        """Whether every configured tier answers; None when caching is off."""
        return None if self.cache is None else await self.cache.healthy()

    async def status(self) -> CacheStatus:
        """The cache's tiers and contents."""
        if self.cache is None:
            return CacheStatus(tier="disabled", connected=False, memory={})
        return await self.cache.status()
