"""A job run: only unfinished items, each outcome stored once, stops on cancel and on its timeout."""

import asyncio
import time
import uuid

import pytest
from jobs.conftest import ScriptedService
from redis.asyncio import Redis
from waits import eventually

from llm_starter_api.jobs.redis_store import RedisJobStore
from llm_starter_api.jobs.runner import run_job
from llm_starter_api.jobs.store import JobRecord, JobStore, Lifetimes, MemoryJobStore
from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    JobState,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_models import TextProcessingOperation as Op

LIFETIMES = Lifetimes(retention_seconds=600, timeout_seconds=60)
TEXTS = [f"Item {i}: rivers carry water to the sea." for i in range(5)]


async def queued_job(store: JobStore, texts: list[str] = TEXTS) -> str:
    now = time.time()
    batch = BatchTextProcessingRequest(
        requests=[TextProcessingRequest(text=t, operation=Op.SUMMARIZE) for t in texts]
    )
    record = JobRecord(uuid.uuid4().hex, "owner", "f", batch, JobState.QUEUED, now, now + 600)
    await store.create(record)
    return record.job_id


async def run(
    store: JobStore,
    service: ScriptedService,
    job_id: str,
    *,
    concurrency: int = 2,
    seconds: float = 10,
) -> int:
    return await run_job(
        store, service.as_service(), job_id, concurrency=concurrency, timeout_seconds=seconds
    )


async def test_a_rerun_processes_only_the_items_without_an_outcome() -> None:
    store, service = MemoryJobStore(LIFETIMES), ScriptedService()
    job_id = await queued_job(store)
    # A first run stored items 0 and 2, then its worker died (the job stays running).
    await store.start(job_id)
    for index in (0, 2):
        earlier = TextProcessingResponse(operation=Op.SUMMARIZE, result="from the first run")
        item = BatchTextProcessingItem(
            request_index=index, status=BatchItemStatus.COMPLETED, response=earlier
        )
        assert await store.put_item(job_id, item)

    assert await run(store, service, job_id) == 3
    assert sorted(service.calls) == [TEXTS[1], TEXTS[3], TEXTS[4]]
    assert service.owners == {"owner"}  # the submitter's: its answers are cached in its scope
    record = await store.get(job_id)
    assert record is not None
    assert (record.state, record.attempts) == (JobState.COMPLETED, 2)
    assert [i.request_index for i in await store.items(job_id)] == [0, 1, 2, 3, 4]


@pytest.mark.redis
async def test_two_runs_of_one_job_at_once_store_each_item_once(redis: Redis) -> None:
    store = RedisJobStore(redis, LIFETIMES, prefix="test:jobs")
    job_id = await queued_job(store)
    runs = [ScriptedService(delay=0.01), ScriptedService(delay=0.01)]
    stored = await asyncio.gather(*(run(store, service, job_id) for service in runs))
    assert sum(stored) == len(TEXTS)
    assert await redis.hlen(store.keys(job_id)[1]) == len(TEXTS)


async def test_a_failed_item_is_its_outcome_and_the_job_completes() -> None:
    store, service = MemoryJobStore(LIFETIMES), ScriptedService(refuse=(TEXTS[1],))
    job_id = await queued_job(store)
    await run(store, service, job_id)
    items = await store.items(job_id)
    assert [i.status for i in items].count(BatchItemStatus.FAILED) == 1
    assert "rejected" in str(items[1].error)
    record = await store.get(job_id)
    assert record is not None
    assert record.state is JobState.COMPLETED


async def test_a_run_past_its_timeout_fails_the_job_and_keeps_what_it_stored() -> None:
    store, service = MemoryJobStore(LIFETIMES), ScriptedService(delay=0.2)
    job_id = await queued_job(store)
    stored = await run(store, service, job_id, concurrency=1, seconds=0.5)
    record = await store.get(job_id)
    assert record is not None
    assert record.state is JobState.FAILED
    assert record.error == "timed out after 0.5 s"
    assert 1 <= stored == len(await store.items(job_id)) < len(TEXTS)


async def test_a_cancelled_job_takes_no_more_items_and_its_run_stops() -> None:
    store, service = MemoryJobStore(LIFETIMES), ScriptedService(delay=0.05)
    job_id = await queued_job(store)
    task = asyncio.create_task(run(store, service, job_id, concurrency=1))
    await eventually(lambda: store.done(job_id), what="an item done")
    await store.finish(job_id, JobState.CANCELLED)
    kept = len(await store.items(job_id))
    await task  # the run stops (the test's timeout fails it if it never does)
    assert len(await store.items(job_id)) == kept < len(TEXTS)
    assert len(service.calls) <= kept + 1  # at most the item in flight when it was cancelled
    record = await store.get(job_id)
    assert record is not None
    assert record.state is JobState.CANCELLED


@pytest.mark.parametrize("state", [JobState.COMPLETED, JobState.CANCELLED, None])
async def test_a_finished_or_unknown_job_does_not_run(state: JobState | None) -> None:
    store, service = MemoryJobStore(LIFETIMES), ScriptedService()
    job_id = await queued_job(store) if state else uuid.uuid4().hex
    if state:
        await store.finish(job_id, state)
    assert await run(store, service, job_id) == 0
    assert service.calls == []
