"""Both job stores keep the same promises: one outcome per item, atomic state changes, lifetimes."""

import dataclasses
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redisproc import RedisServer

from llm_starter_api.jobs.redis_store import RedisJobStore
from llm_starter_api.jobs.store import JobRecord, JobStore, Lifetimes, MemoryJobStore
from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    JobState,
    TextProcessingRequest,
)
from llm_starter_models import TextProcessingOperation as Op

LIFETIMES = Lifetimes(retention_seconds=600, timeout_seconds=60)
BATCH = BatchTextProcessingRequest(
    requests=[
        TextProcessingRequest(text=f"Text number {i} for the store.", operation=Op.SUMMARIZE)
        for i in range(3)
    ]
)


def new_record() -> JobRecord:
    now = time.time()
    return JobRecord(
        job_id=uuid.uuid4().hex,
        owner="owner",
        fingerprint="f" * 64,
        request=BATCH,
        state=JobState.QUEUED,
        created_at=now,
        expires_at=now + LIFETIMES.pending_seconds,
    )


def item(index: int, error: str | None = None) -> BatchTextProcessingItem:
    return BatchTextProcessingItem(
        request_index=index, status=BatchItemStatus.FAILED, error=error or f"outcome {index}"
    )


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    if request.param == "memory":
        yield MemoryJobStore(LIFETIMES)
        return
    server = RedisServer(tmp_path)
    server.start()
    client = Redis.from_url(server.url, socket_timeout=2)
    yield RedisJobStore(client, LIFETIMES, prefix="test:jobs")
    await client.aclose()
    server.stop()


async def started(store: JobStore) -> JobRecord:
    record = new_record()
    await store.create(record)
    assert await store.start(record.job_id) is not None
    return record


async def test_an_item_is_stored_once_whichever_run_finishes_it_first(store: JobStore) -> None:
    record = await started(store)
    assert await store.put_item(record.job_id, item(1, "first")) is True
    assert await store.put_item(record.job_id, item(1, "second")) is False
    assert await store.put_item(record.job_id, item(0)) is True
    assert [i.error for i in await store.items(record.job_id)] == ["outcome 0", "first"]
    assert await store.done(record.job_id) == {0, 1}


async def test_a_job_that_is_not_running_takes_no_items(store: JobStore) -> None:
    record = new_record()
    await store.create(record)
    assert await store.put_item(record.job_id, item(0)) is None  # queued
    await store.finish(record.job_id, JobState.CANCELLED)
    assert await store.start(record.job_id) is None
    assert await store.put_item(record.job_id, item(0)) is None
    assert await store.items(record.job_id) == []


async def test_each_start_counts_an_attempt_and_keeps_the_first_start_time(
    store: JobStore,
) -> None:
    record = await started(store)
    first = await store.get(record.job_id)
    again = await store.start(record.job_id)  # a run after a crash
    assert first is not None
    assert again is not None
    assert (first.attempts, again.attempts) == (1, 2)
    assert again.state is JobState.RUNNING
    assert again.started_at == pytest.approx(first.started_at)


async def test_a_finished_job_keeps_its_final_state(store: JobStore) -> None:
    record = await started(store)
    await store.finish(record.job_id, JobState.CANCELLED)
    await store.finish(record.job_id, JobState.COMPLETED)  # a run ending after the cancel
    final = await store.get(record.job_id)
    assert final is not None
    assert (final.state, final.error) == (JobState.CANCELLED, None)
    assert final.finished_at is not None
    assert final.expires_at == pytest.approx(final.finished_at + 600, abs=1)


async def test_an_idempotency_key_stays_bound_to_its_first_job(store: JobStore) -> None:
    assert await store.bind_key("owner", "k", "job-1", "fp-1") is None
    assert await store.bind_key("owner", "k", "job-2", "fp-2") == ("job-1", "fp-1")
    assert await store.bind_key("other", "k", "job-3", "fp-3") is None  # keys are per owner
    assert await store.bind_key("owner", "k", "job-4", "fp-4", replace=True) is None
    assert await store.bind_key("owner", "k", "job-5", "fp-5") == ("job-4", "fp-4")


async def test_unknown_jobs_are_none(store: JobStore) -> None:
    assert await store.get("0" * 32) is None
    assert await store.start("0" * 32) is None
    assert await store.items("0" * 32) == []


async def test_a_memory_job_is_gone_after_its_retention_period() -> None:
    now = [1000.0]
    store = MemoryJobStore(LIFETIMES, clock=lambda: now[0])
    record = dataclasses.replace(new_record(), created_at=1000.0, expires_at=1e9)
    await store.create(record)
    await store.start(record.job_id)
    await store.finish(record.job_id, JobState.COMPLETED)
    now[0] += 599
    assert await store.get(record.job_id) is not None
    now[0] += 2
    assert await store.get(record.job_id) is None


@pytest.mark.redis
async def test_redis_job_keys_expire_with_the_retention_period(redis: Redis) -> None:
    store = RedisJobStore(redis, LIFETIMES, prefix="test:jobs")
    record = await started(store)
    await store.put_item(record.job_id, item(0))
    meta, items = store.keys(record.job_id)
    assert await redis.pttl(items) > 600_000  # while running: the pending lifetime
    await store.finish(record.job_id, JobState.COMPLETED)
    assert 590_000 < await redis.pttl(meta) <= 600_000
    assert 590_000 < await redis.pttl(items) <= 600_000
