"""One run of a job: the items without a stored outcome, a few at a time, each stored once."""

import asyncio
import logging

from llm_starter_api.jobs.store import JobStore
from llm_starter_api.text.batch import process_item
from llm_starter_api.text.service import TextService
from llm_starter_models import JobState, TextProcessingRequest

logger = logging.getLogger(__name__)


class _Stopped(Exception):
    """The job stopped running under us (cancelled, or failed by another run)."""


async def run_job(
    store: JobStore,
    service: TextService,
    job_id: str,
    *,
    concurrency: int,
    timeout_seconds: float,
) -> int:
    """Run the job's unfinished items; returns how many outcomes this run stored.

    Safe to run again after a crash: items stored by an earlier run are skipped, and an item two
    runs both finish is stored by whichever comes first.
    """
    record = await store.start(job_id)
    if record is None:
        return 0  # unknown, expired, cancelled or already finished
    done = await store.done(job_id)
    pending = [(i, r) for i, r in enumerate(record.request.requests) if i not in done]
    limit = asyncio.Semaphore(concurrency)
    stored, stopped = 0, False

    async def one(index: int, request: TextProcessingRequest) -> None:
        nonlocal stored, stopped
        async with limit:
            if stopped:
                return
            item = await process_item(service, index, request, owner=record.owner)
            added = await store.put_item(job_id, item)
            if added is None:
                stopped = True  # no waiting item starts once the job stops
                raise _Stopped
        stored += added

    logger.info(
        "job started",
        extra={"job_id": job_id, "attempt": record.attempts, "skipped": len(done)},
    )
    outcome: JobState | None = JobState.COMPLETED
    try:
        async with asyncio.timeout(timeout_seconds), asyncio.TaskGroup() as group:
            for index, request in pending:
                group.create_task(one(index, request))
    except* _Stopped:
        outcome = None
    except* TimeoutError:
        outcome = JobState.FAILED
    if outcome is not None:
        error = f"timed out after {timeout_seconds:g} s" if outcome is JobState.FAILED else None
        await store.finish(job_id, outcome, error)
    logger.info("job run ended", extra={"job_id": job_id, "stored": stored, "outcome": outcome})
    return stored
