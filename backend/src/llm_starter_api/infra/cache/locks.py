"""Short Redis locks (SET NX PX) that their holder renews while alive, so a dead holder's lock expires."""

import asyncio
import secrets
from contextlib import suppress
from types import TracebackType
from typing import Self

from redis.asyncio import Redis

from llm_starter_api.infra.cache.availability import Availability
from llm_starter_api.infra.redis import REDIS_ERRORS

# Renew or release only the lock we hold: a lock that expired may belong to another process now.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


class Lease:
    """A held lock (or, with Redis unreachable, a stand-in that holds nothing), renewed until released."""

    def __init__(self, locks: "RedisLocks | None" = None, name: str = "", token: str = "") -> None:
        self._locks = locks
        self._name = name
        self._token = token
        self._renewer: asyncio.Task[None] | None = None
        if locks is not None:
            self._renewer = asyncio.create_task(self._renew(locks))

    async def _renew(self, locks: "RedisLocks") -> None:
        while True:
            await asyncio.sleep(locks.ttl_ms / 3000)
            with suppress(*REDIS_ERRORS):
                await locks.renew(keys=[self._name], args=[self._token, locks.ttl_ms])

    async def release(self) -> None:
        """Stop renewing and delete the lock if it is still ours."""
        if self._renewer is not None:
            self._renewer.cancel()
            with suppress(asyncio.CancelledError):
                await self._renewer
        if self._locks is not None:
            with suppress(*REDIS_ERRORS):
                await self._locks.release(keys=[self._name], args=[self._token])
            self._locks = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.release()


class RedisLocks:
    """Per-key locks shared by every process using the same Redis."""

    def __init__(self, redis: Redis, availability: Availability, *, ttl_seconds: float) -> None:
        self.redis = redis
        self.availability = availability
        self.ttl_ms = max(1, round(ttl_seconds * 1000))
        self.renew = redis.register_script(_RENEW)
        self.release = redis.register_script(_RELEASE)

    async def acquire(self, name: str) -> Lease | None:
        """The lease, or None when another process holds the lock; Redis down gives a stand-in lease."""
        if not self.availability.allow():
            return Lease()
        token = secrets.token_hex(16)
        try:
            acquired = await self.redis.set(name, token, nx=True, px=self.ttl_ms)
        except REDIS_ERRORS as exc:
            self.availability.failed(exc)
            return Lease()
        self.availability.succeeded()
        return Lease(self, name, token) if acquired else None
