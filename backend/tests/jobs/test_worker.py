"""The arq entry point: its options from the settings, and Redis failures handed back to arq."""

import dataclasses
from collections.abc import AsyncIterator

import pytest
import redis
from apitest import make_settings
from arq.worker import Retry
from redisproc import RedisServer

from llm_starter_api.config import ConfigError
from llm_starter_api.jobs import worker as job_worker
from llm_starter_api.jobs.queue import LocalQueue
from llm_starter_api.jobs.service import Jobs
from llm_starter_api.jobs.store import JobRecord, Lifetimes, MemoryJobStore
from llm_starter_api.resources import Resources
from llm_starter_models import BatchTextProcessingItem, BatchTextProcessingRequest, JobState

BATCH = BatchTextProcessingRequest.model_validate(
    {"requests": [{"text": "Rivers carry water to the sea.", "operation": "summarize"}]}
)


class FlakyStore(MemoryJobStore):
    """A store whose Redis goes away at `fails_at` (start or put_item)."""

    def __init__(self, fails_at: str) -> None:
        super().__init__(Lifetimes(retention_seconds=60, timeout_seconds=10))
        self.fails_at = fails_at

    async def start(self, job_id: str) -> JobRecord | None:
        if self.fails_at == "start":
            raise redis.ConnectionError("Redis went away")
        return await super().start(job_id)

    async def put_item(self, job_id: str, item: BatchTextProcessingItem) -> bool | None:
        if self.fails_at == "put_item":
            raise redis.ConnectionError("Redis went away")
        return await super().put_item(job_id, item)


@pytest.fixture
async def resources() -> AsyncIterator[Resources]:
    resources = Resources.create(make_settings())
    yield resources
    await resources.aclose()


@pytest.mark.parametrize("fails_at", ["start", "put_item"])
async def test_a_redis_failure_during_a_run_asks_arq_to_retry_later(
    resources: Resources, fails_at: str
) -> None:
    store = FlakyStore(fails_at)
    jobs = Jobs(store, LocalQueue(_never_run, store, concurrency=1), max_size=10)
    view, _ = await jobs.submit(BATCH, owner="owner")
    ctx = {
        "settings": make_settings(),
        "resources": dataclasses.replace(resources, jobs=jobs),
        "job_try": 2,
    }
    with pytest.raises(Retry) as retry:
        await job_worker.run_batch_job(ctx, view.record.job_id)
    assert retry.value.defer_score == 10_000  # 5 s per try so far
    record = await store.get(view.record.job_id)
    assert record is not None
    assert record.state in (JobState.QUEUED, JobState.RUNNING)  # for the next try to finish


async def _never_run(job_id: str) -> None:
    """The queue's runner: this test runs the job itself, as arq would."""


def test_the_worker_needs_redis() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL"):
        job_worker.worker_settings(make_settings())


@pytest.mark.redis
def test_arq_reads_worker_settings_from_the_environment(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("CACHE_KEY_PREFIX", "deploy-a")
    monkeypatch.setenv("JOB_CONCURRENCY", "7")
    options = job_worker.WorkerSettings
    assert (options["queue_name"], options["max_jobs"]) == ("deploy-a:jobs:queue", 7)
    assert options["redis_settings"].port == redis_server.port
    assert options["job_timeout"] == 600 + job_worker.TIMEOUT_MARGIN_SECONDS
    with pytest.raises(AttributeError):
        _ = job_worker.NoSuchSetting
