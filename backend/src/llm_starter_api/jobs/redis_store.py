"""Jobs in Redis, shared by the API processes and the workers; scripts make each change atomic."""

import time
from collections.abc import Callable

from redis.asyncio import Redis

from llm_starter_api.jobs.store import JobRecord, Lifetimes
from llm_starter_models import BatchTextProcessingItem, BatchTextProcessingRequest, JobState

# KEYS: the job's hash and its items' hash. ARGV: start|finish, now, pending ms, retention ms,
# final state, error. Only an unfinished job changes; returns 1 when it did.
TRANSITION = """
local meta, items = KEYS[1], KEYS[2]
local state = redis.call('HGET', meta, 'state')
if not state or state == 'completed' or state == 'failed' or state == 'cancelled' then
  return 0
end
local now, ms = ARGV[2], tonumber(ARGV[3])
if ARGV[1] == 'start' then
  redis.call('HSET', meta, 'state', 'running')
  redis.call('HSETNX', meta, 'started_at', now)
  redis.call('HINCRBY', meta, 'attempts', 1)
else
  ms = tonumber(ARGV[4])
  redis.call('HSET', meta, 'state', ARGV[5], 'finished_at', now, 'error', ARGV[6])
end
redis.call('HSET', meta, 'expires_at', tostring(tonumber(now) + ms / 1000))
redis.call('PEXPIRE', meta, ms)
redis.call('PEXPIRE', items, ms)
return 1
"""

# KEYS: the job's hash and its items' hash. ARGV: item index, item JSON.
# HSETNX writes an item once, whichever run (or worker) finishes it first; a job that is no
# longer running (cancelled, timed out) takes no more items. Returns 1 stored, 0 dupe, -1 stopped.
PUT_ITEM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return -1 end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
if added == 1 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return added
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _record(job_id: str, raw: dict[bytes | str, bytes | str]) -> JobRecord | None:
    if not raw:
        return None
    fields = {_text(k): _text(v) for k, v in raw.items()}

    def moment(name: str) -> float | None:
        return float(fields[name]) if fields.get(name) else None

    return JobRecord(
        job_id=job_id,
        owner=fields["owner"],
        fingerprint=fields["fingerprint"],
        request=BatchTextProcessingRequest.model_validate_json(fields["request"]),
        state=JobState(fields["state"]),
        created_at=float(fields["created_at"]),
        expires_at=float(fields["expires_at"]),
        started_at=moment("started_at"),
        finished_at=moment("finished_at"),
        error=fields.get("error") or None,
        attempts=int(fields.get("attempts", 0)),
    )


class RedisJobStore:
    """A job is two hashes, its record and its items (field = request index), under one hash tag."""

    def __init__(
        self,
        redis: Redis,
        lifetimes: Lifetimes,
        *,
        prefix: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.lifetimes = lifetimes
        self.prefix = prefix
        self.clock = clock
        self._transition = redis.register_script(TRANSITION)
        self._put_item = redis.register_script(PUT_ITEM)

    def keys(self, job_id: str) -> tuple[str, str]:
        """The job's record and items keys; the hash tag keeps both in one Redis Cluster slot."""
        record = f"{self.prefix}:{{{job_id}}}"
        return record, f"{record}:items"

    async def create(self, record: JobRecord) -> None:
        key, _ = self.keys(record.job_id)
        fields = {
            "owner": record.owner,
            "fingerprint": record.fingerprint,
            "request": record.request.model_dump_json(),
            "state": record.state.value,
            "created_at": repr(record.created_at),
            "expires_at": repr(record.expires_at),
            "attempts": "0",
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, items=[part for pair in fields.items() for part in pair])
            pipe.expireat(key, int(record.expires_at) + 1)
            await pipe.execute()

    async def bind_key(
        self, owner: str, key: str, job_id: str, fingerprint: str, *, replace: bool = False
    ) -> tuple[str, str] | None:
        name = f"{self.prefix}:key:{owner}:{key}"
        ms = int(self.lifetimes.pending_seconds * 1000)
        if await self.redis.set(name, f"{job_id} {fingerprint}", px=ms, nx=not replace):
            return None
        bound = await self.redis.get(name)
        if bound is None:  # expired in between: bind it now
            return await self.bind_key(owner, key, job_id, fingerprint, replace=True)
        bound_id, _, bound_fingerprint = _text(bound).partition(" ")
        return bound_id, bound_fingerprint

    async def get(self, job_id: str) -> JobRecord | None:
        key, _ = self.keys(job_id)
        return _record(job_id, await self.redis.hgetall(key))

    async def items(self, job_id: str) -> list[BatchTextProcessingItem]:
        _, key = self.keys(job_id)
        values = await self.redis.hvals(key)
        items = [BatchTextProcessingItem.model_validate_json(value) for value in values]
        return sorted(items, key=lambda item: item.request_index)

    async def done(self, job_id: str) -> set[int]:
        _, key = self.keys(job_id)
        return {int(index) for index in await self.redis.hkeys(key)}

    async def put_item(self, job_id: str, item: BatchTextProcessingItem) -> bool | None:
        added = await self._put_item(
            keys=self.keys(job_id), args=(item.request_index, item.model_dump_json())
        )
        return None if int(added) < 0 else bool(added)

    async def _change(self, job_id: str, op: str, state: JobState | None, error: str) -> bool:
        changed = await self._transition(
            keys=self.keys(job_id),
            args=(
                op,
                repr(self.clock()),
                int(self.lifetimes.pending_seconds * 1000),
                int(self.lifetimes.retention_seconds * 1000),
                state.value if state else "",
                error,
            ),
        )
        return bool(changed)

    async def start(self, job_id: str) -> JobRecord | None:
        if not await self._change(job_id, "start", None, ""):
            return None
        return await self.get(job_id)

    async def finish(self, job_id: str, state: JobState, error: str | None = None) -> None:
        await self._change(job_id, "finish", state, error or "")
