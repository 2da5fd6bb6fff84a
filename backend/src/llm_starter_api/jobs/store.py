"""Where jobs live: their record, their item outcomes (each written at most once), their keys."""

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from llm_starter_models import BatchTextProcessingItem, BatchTextProcessingRequest, JobState

FINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED})
QUEUE_EXPIRY_SECONDS = 24 * 3600
"""A job not started within this long is dropped (arq's default job expiry)."""


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One job; times are Unix seconds."""

    job_id: str
    owner: str
    fingerprint: str
    """Hash of the request body, to tell a replayed Idempotency-Key from a reused one."""
    request: BatchTextProcessingRequest
    state: JobState
    created_at: float
    expires_at: float
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Lifetimes:
    """How long a job's keys live: until it could still run, then the retention period."""

    retention_seconds: float
    timeout_seconds: float

    @property
    def pending_seconds(self) -> float:
        """Queued or running: long enough to wait in the queue, run once more and be read."""
        return QUEUE_EXPIRY_SECONDS + self.timeout_seconds + self.retention_seconds


class JobStore(Protocol):
    """Job records and item outcomes; every state change is atomic."""

    lifetimes: Lifetimes

    async def create(self, record: JobRecord) -> None:
        """Store a new job."""
        ...

    async def bind_key(
        self, owner: str, key: str, job_id: str, fingerprint: str, *, replace: bool = False
    ) -> tuple[str, str] | None:
        """Bind an idempotency key to a job unless bound; returns the bound (job id, fingerprint)."""
        ...

    async def get(self, job_id: str) -> JobRecord | None:
        """The job, or None when unknown or expired."""
        ...

    async def items(self, job_id: str) -> list[BatchTextProcessingItem]:
        """The stored item outcomes, by request index."""
        ...

    async def done(self, job_id: str) -> set[int]:
        """Indexes of the items with a stored outcome."""
        ...

    async def put_item(self, job_id: str, item: BatchTextProcessingItem) -> bool | None:
        """Store an item's outcome once: True stored, False stored before, None job not running."""
        ...

    async def start(self, job_id: str) -> JobRecord | None:
        """Mark the job running (again, after a crash); None when it must not run."""
        ...

    async def finish(self, job_id: str, state: JobState, error: str | None = None) -> None:
        """Move an unfinished job to a final state; its keys then live for the retention period."""
        ...


class MemoryJobStore:
    """Jobs in this process's memory, for the in-process runner: a restart loses them."""

    def __init__(self, lifetimes: Lifetimes, *, clock: Callable[[], float] = time.time) -> None:
        self.lifetimes = lifetimes
        self.clock = clock
        self._jobs: dict[str, JobRecord] = {}
        self._items: dict[str, dict[int, BatchTextProcessingItem]] = {}
        self._keys: dict[tuple[str, str], tuple[str, str, float]] = {}

    def _purge(self) -> None:
        now = self.clock()
        for job_id in [j for j, record in self._jobs.items() if record.expires_at <= now]:
            del self._jobs[job_id]
            self._items.pop(job_id, None)
        self._keys = {k: v for k, v in self._keys.items() if v[2] > now}

    async def create(self, record: JobRecord) -> None:
        self._purge()
        self._jobs[record.job_id] = record
        self._items[record.job_id] = {}

    async def bind_key(
        self, owner: str, key: str, job_id: str, fingerprint: str, *, replace: bool = False
    ) -> tuple[str, str] | None:
        self._purge()
        bound = self._keys.get((owner, key))
        if bound is not None and not replace:
            return bound[0], bound[1]
        expires = self.clock() + self.lifetimes.pending_seconds
        self._keys[owner, key] = (job_id, fingerprint, expires)
        return None

    async def get(self, job_id: str) -> JobRecord | None:
        record = self._jobs.get(job_id)
        return record if record is not None and record.expires_at > self.clock() else None

    async def items(self, job_id: str) -> list[BatchTextProcessingItem]:
        stored = self._items.get(job_id, {}) if await self.get(job_id) else {}
        return [stored[index] for index in sorted(stored)]

    async def done(self, job_id: str) -> set[int]:
        return set(self._items.get(job_id, {}))

    async def put_item(self, job_id: str, item: BatchTextProcessingItem) -> bool | None:
        record = await self.get(job_id)
        if record is None or record.state is not JobState.RUNNING:
            return None
        return self._items[job_id].setdefault(item.request_index, item) is item

    def _update(self, record: JobRecord, seconds: float, **changes: Any) -> JobRecord:
        now = self.clock()
        updated = dataclasses.replace(record, expires_at=now + seconds, **changes)
        self._jobs[record.job_id] = updated
        return updated

    async def start(self, job_id: str) -> JobRecord | None:
        record = await self.get(job_id)
        if record is None or record.state in FINAL_STATES:
            return None
        return self._update(
            record,
            self.lifetimes.pending_seconds,
            state=JobState.RUNNING,
            started_at=record.started_at or self.clock(),
            attempts=record.attempts + 1,
        )

    async def finish(self, job_id: str, state: JobState, error: str | None = None) -> None:
        record = await self.get(job_id)
        if record is None or record.state in FINAL_STATES:
            return
        self._update(
            record,
            self.lifetimes.retention_seconds,
            state=state,
            finished_at=self.clock(),
            error=error,
        )
