"""Breaker state in Redis: one Lua script makes every change, so all workers see one breaker."""

import logging

from redis.asyncio import Redis

from llm_starter_api.infra.redis import REDIS_ERRORS
from llm_starter_api.infra.resilience.breaker import (
    BreakerConfig,
    BreakerState,
    MemoryStore,
    Permit,
    Snapshot,
    Transition,
)

logger = logging.getLogger(__name__)

# KEYS: the breaker's hash (state, since, seq) and its failure times (a sorted set).
# ARGV: operation, now, failure threshold, window, recovery timeout, key expiry in ms. `since` keeps
# now's own digits: Lua's tostring keeps 14, which could end a recovery wait tens of µs late.
# Same state machine as MemoryStore; returns state, previous state ('' if unchanged), allowed,
# probe, retry-after (a string: Lua numbers become integers on the way out) and recent failures.
SCRIPT = """
local state_key, failures_key = KEYS[1], KEYS[2]
local op, now = ARGV[1], tonumber(ARGV[2])
local threshold, window, recovery = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local state = redis.call('HGET', state_key, 'state') or 'closed'
local since = tonumber(redis.call('HGET', state_key, 'since') or '0')
local before, allowed, probe, wait = '', 1, 0, 0

local function move(to)
  before, state, since = state, to, now
  redis.call('HSET', state_key, 'state', to, 'since', ARGV[2])
  redis.call('DEL', failures_key)
end

if op == 'acquire' and state ~= 'closed' then
  wait = since + recovery - now
  if wait > 0 then
    allowed = 0
  else
    wait, probe = 0, 1
    if state == 'open' then move('half_open') else redis.call('HSET', state_key, 'since', ARGV[2]) end
  end
elseif op == 'succeed' and state == 'half_open' then
  move('closed')
elseif op == 'fail' and state == 'half_open' then
  move('open')
elseif op == 'fail' and state == 'closed' then
  redis.call('ZADD', failures_key, now, redis.call('HINCRBY', state_key, 'seq', 1))
  redis.call('ZREMRANGEBYSCORE', failures_key, '-inf', now - window)
  if redis.call('ZCARD', failures_key) >= threshold then move('open') end
elseif op == 'reset' then
  if state ~= 'closed' then move('closed') end
  redis.call('DEL', failures_key)
elseif op == 'snapshot' and state == 'open' then
  wait = math.max(0, since + recovery - now)
end
if (op ~= 'acquire' and op ~= 'snapshot') or probe == 1 then
  redis.call('PEXPIRE', state_key, ARGV[6])
  redis.call('PEXPIRE', failures_key, ARGV[6])
end
local failures = redis.call('ZCOUNT', failures_key, '(' .. (now - window), '+inf')
return {state, before, allowed, probe, tostring(wait), failures}
"""


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisStore:
    """One breaker's state in Redis; pass wall-clock `now` values, which every host shares.

    While Redis is unreachable the breaker keeps working on this process's own state.
    """

    def __init__(self, redis: Redis, name: str, config: BreakerConfig, *, prefix: str) -> None:
        self._script = redis.register_script(SCRIPT)
        # The hash tag keeps both keys in one Redis Cluster slot, as a script needs.
        tag = f"{prefix}:breaker:{{{name}}}"
        self.keys = (tag, f"{tag}:failures")
        # Idle state expires long after any window or recovery could still matter.
        expiry_ms = int(2_000 * (config.window + config.recovery_timeout))
        self._args = (config.failure_threshold, config.window, config.recovery_timeout, expiry_ms)
        self.local = MemoryStore(config)
        self.reachable = True

    async def _run(self, operation: str, now: float) -> tuple[Snapshot, Permit] | None:
        try:
            reply = await self._script(keys=self.keys, args=(operation, repr(now), *self._args))
        except REDIS_ERRORS as exc:
            if self.reachable:
                logger.warning("breaker state in Redis unreachable (%s); using local state", exc)
            self.reachable = False
            return None
        self.reachable = True
        state, before, allowed, probe, wait, failures = (_text(part) for part in reply)
        after = BreakerState(state)
        change = (BreakerState(before), after) if before else None
        permit = Permit(allowed == "1", probe == "1", float(wait), change)
        return Snapshot(after, int(failures), float(wait)), permit

    async def acquire(self, now: float) -> Permit:
        ran = await self._run("acquire", now)
        return ran[1] if ran else await self.local.acquire(now)

    async def succeed(self, now: float) -> Transition | None:
        ran = await self._run("succeed", now)
        return ran[1].transition if ran else await self.local.succeed(now)

    async def fail(self, now: float) -> Transition | None:
        ran = await self._run("fail", now)
        return ran[1].transition if ran else await self.local.fail(now)

    async def reset(self, now: float) -> Transition | None:
        ran = await self._run("reset", now)
        change = await self.local.reset(now)
        return ran[1].transition if ran else change

    async def snapshot(self, now: float) -> Snapshot:
        ran = await self._run("snapshot", now)
        return ran[0] if ran else await self.local.snapshot(now)
