"""How jobs get run: arq on Redis (durable, separate workers) or asyncio tasks of the API process."""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from arq.connections import ArqRedis
from arq.constants import abort_jobs_ss
from arq.jobs import Job
from arq.utils import timestamp_ms

from llm_starter_api.errors import AppError
from llm_starter_api.jobs.store import QUEUE_EXPIRY_SECONDS, JobStore
from llm_starter_models import JobState

logger = logging.getLogger(__name__)

JOB_FUNCTION = "run_batch_job"


def dumps(data: dict[str, Any]) -> bytes:
    """arq's job and result encoding: JSON, so nothing in Redis is ever unpickled."""
    # Results of failed jobs are exceptions: their repr is what a status reader needs.
    return json.dumps(data, default=repr).encode()


def loads(data: bytes) -> dict[str, Any]:
    """Inverse of `dumps`."""
    decoded: dict[str, Any] = json.loads(data)
    return decoded


class JobQueue(Protocol):
    """Starts and stops job runs; the job's state lives in the JobStore."""

    async def enqueue(self, job_id: str) -> None:
        """Have the job run (no-op when it is queued or running already)."""
        ...

    async def abort(self, job_id: str) -> None:
        """Stop the job's run, if any, soon."""
        ...

    async def gave_up(self, job_id: str) -> str | None:
        """Why the queue ended the job without the job finishing itself, if it did."""
        ...

    async def aclose(self) -> None:
        """Stop what this process runs."""
        ...


class ArqQueue:
    """Jobs in arq's Redis queue, run by `arq llm_starter_api.jobs.worker.WorkerSettings`."""

    def __init__(self, redis: ArqRedis, *, queue_name: str) -> None:
        self.redis = redis
        self.queue_name = queue_name

    async def enqueue(self, job_id: str) -> None:
        # The job id is arq's too, so enqueueing twice (an Idempotency-Key replay) adds nothing.
        await self.redis.enqueue_job(
            JOB_FUNCTION,
            job_id,
            _job_id=job_id,
            _queue_name=self.queue_name,
            _expires=QUEUE_EXPIRY_SECONDS,
        )

    async def abort(self, job_id: str) -> None:
        # What arq's Job.abort does without waiting: the worker cancels the run on its next poll,
        # and drops a queued job when it would start.
        await self.redis.zadd(abort_jobs_ss, {job_id: timestamp_ms()})

    async def gave_up(self, job_id: str) -> str | None:
        job = Job(job_id, self.redis, _queue_name=self.queue_name, _deserializer=loads)
        result = await job.result_info()
        if result is None or result.success:
            return None
        return f"the worker gave up on try {result.job_try}: {result.result}"

    async def aclose(self) -> None:
        """Nothing to close: the connection pool belongs to the process's Redis client."""


class LocalQueue:
    """Jobs as asyncio tasks of this process: not durable, a restart loses queued and running jobs."""

    def __init__(
        self,
        run: Callable[[str], Awaitable[object]],
        store: JobStore,
        *,
        concurrency: int,
        grace_seconds: float = 5.0,
    ) -> None:
        self.run = run
        self.store = store
        self.grace_seconds = grace_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def enqueue(self, job_id: str) -> None:
        task = self._tasks.get(job_id)
        if task is not None and not task.done():
            return
        task = asyncio.create_task(self._run(job_id), name=f"job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda done: self._forget(job_id, done))

    def _forget(self, job_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(job_id) is task:
            del self._tasks[job_id]

    async def _run(self, job_id: str) -> None:
        async with self._slots:
            try:
                await self.run(job_id)
            except Exception:
                # A background task's error has no caller to reach: record it on the job.
                logger.exception("job failed", extra={"job_id": job_id})
                await self.store.finish(job_id, JobState.FAILED, AppError.default_message)

    async def abort(self, job_id: str) -> None:
        if (task := self._tasks.get(job_id)) is not None:
            task.cancel()

    async def gave_up(self, job_id: str) -> str | None:
        return None  # every run ends by finishing its job (or with the process)

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        if tasks:
            # Jobs about to finish may; the rest are lost with the process, as documented.
            await asyncio.wait(tasks, timeout=self.grace_seconds)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
