"""Jobs: submit once (Idempotency-Key), read progress and partial results, cancel; owners only."""

import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from llm_starter_api.errors import AppError
from llm_starter_api.infra.redis import REDIS_ERRORS
from llm_starter_api.jobs.queue import JobQueue
from llm_starter_api.jobs.store import FINAL_STATES, JobRecord, JobStore
from llm_starter_api.text.batch import check_size
from llm_starter_models import BatchTextProcessingItem, BatchTextProcessingRequest, JobState


class JobsUnavailable(AppError):
    status_code = 503
    error_code = "jobs_unavailable"
    default_message = "The job store is temporarily unavailable; retry later"


class IdempotencyKeyReused(AppError):
    status_code = 422
    error_code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used with a different request body"


@dataclass(frozen=True, slots=True)
class JobView:
    """A job and the item outcomes stored so far."""

    record: JobRecord
    items: list[BatchTextProcessingItem]


def fingerprint(batch: BatchTextProcessingRequest) -> str:
    """The body's hash, independent of key order and whitespace."""
    canonical = json.dumps(batch.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@contextmanager
def _store_reachable() -> Iterator[None]:
    try:
        yield
    except REDIS_ERRORS as exc:
        raise JobsUnavailable() from exc


class Jobs:
    """The job API's logic over a store (where jobs live) and a queue (what runs them)."""

    def __init__(self, store: JobStore, queue: JobQueue, *, max_size: int) -> None:
        self.store = store
        self.queue = queue
        self.max_size = max_size

    async def submit(
        self, batch: BatchTextProcessingRequest, *, owner: str, idempotency_key: str | None = None
    ) -> tuple[JobView, bool]:
        """Create and enqueue a job; with a key seen before (same owner, same body), that job.

        Returns the job and whether it is new.
        """
        check_size(batch, self.max_size)
        digest = fingerprint(batch)
        now = time.time()
        record = JobRecord(
            job_id=uuid.uuid4().hex,
            owner=owner,
            fingerprint=digest,
            request=batch,
            state=JobState.QUEUED,
            created_at=now,
            expires_at=now + self.store.lifetimes.pending_seconds,
        )
        with _store_reachable():
            # Created before the key is bound, so a bound key always names an existing job.
            await self.store.create(record)
            if idempotency_key is not None:
                existing = await self._bind(record, idempotency_key)
                if existing is not None:
                    return existing, False
            await self.queue.enqueue(record.job_id)
            return JobView(record, []), True

    async def _bind(self, record: JobRecord, idempotency_key: str) -> JobView | None:
        key = hashlib.sha256(idempotency_key.encode()).hexdigest()
        bound = await self.store.bind_key(record.owner, key, record.job_id, record.fingerprint)
        if bound is None:
            return None
        job_id, digest = bound
        if digest != record.fingerprint:
            await self.store.finish(record.job_id, JobState.CANCELLED, "duplicate")
            raise IdempotencyKeyReused()
        existing = await self.store.get(job_id)
        if existing is None:  # that job expired: the key now names this one
            await self.store.bind_key(
                record.owner, key, record.job_id, record.fingerprint, replace=True
            )
            return None
        # This request's own record was never enqueued; it expires unseen.
        await self.store.finish(record.job_id, JobState.CANCELLED, "duplicate")
        if existing.state not in FINAL_STATES:
            await self.queue.enqueue(job_id)  # no-op unless an earlier enqueue failed
        return await self._view(existing)

    async def get(self, job_id: str, *, owner: str) -> JobView | None:
        """The job with its stored outcomes; None when unknown, expired or someone else's."""
        with _store_reachable():
            record = await self.store.get(job_id)
            if record is None or record.owner != owner:
                return None
            return await self._view(record)

    async def cancel(self, job_id: str, *, owner: str) -> JobView | None:
        """Stop an unfinished job (stored outcomes stay); None when not the caller's job."""
        with _store_reachable():
            record = await self.store.get(job_id)
            if record is None or record.owner != owner:
                return None
            if record.state not in FINAL_STATES:
                await self.store.finish(job_id, JobState.CANCELLED)
                await self.queue.abort(job_id)
                record = await self.store.get(job_id) or record
            return await self._view(record)

    async def _view(self, record: JobRecord) -> JobView:
        if record.state not in FINAL_STATES and (reason := await self.queue.gave_up(record.job_id)):
            # The queue ended the job without it finishing itself (retries spent, expired).
            await self.store.finish(record.job_id, JobState.FAILED, reason)
            record = await self.store.get(record.job_id) or record
        return JobView(record, await self.store.items(record.job_id))

    async def aclose(self) -> None:
        """Stop the jobs this process runs (the in-process runner's)."""
        await self.queue.aclose()
