"""Settings to Jobs: arq and Redis when the process has a Redis, else the in-process runner."""

from collections.abc import Awaitable, Callable
from functools import partial

from arq.connections import ArqRedis
from redis.asyncio import Redis

from llm_starter_api.config import Settings
from llm_starter_api.jobs.queue import ArqQueue, JobQueue, LocalQueue, dumps, loads
from llm_starter_api.jobs.redis_store import RedisJobStore
from llm_starter_api.jobs.runner import run_job
from llm_starter_api.jobs.service import Jobs
from llm_starter_api.jobs.store import JobStore, Lifetimes, MemoryJobStore
from llm_starter_api.text.service import TextService


def key_prefix(settings: Settings) -> str:
    """Namespace of the job keys, under the deployment's prefix like every other key."""
    return f"{settings.cache_key_prefix}:jobs"


def queue_name(settings: Settings) -> str:
    """arq's queue (a sorted set); workers read only their deployment's queue."""
    return f"{key_prefix(settings)}:queue"


def arq_redis(redis: Redis, settings: Settings) -> ArqRedis:
    """arq's client over the process's one connection pool."""
    return ArqRedis(
        redis.connection_pool,
        job_serializer=dumps,
        job_deserializer=loads,
        default_queue_name=queue_name(settings),
    )


def lifetimes(settings: Settings) -> Lifetimes:
    """How long job keys live."""
    return Lifetimes(settings.job_retention_seconds, settings.job_timeout_seconds)


def runner(
    settings: Settings, store: JobStore, service: TextService
) -> Callable[[str], Awaitable[int]]:
    """`run(job_id)`: one run of a job with this deployment's limits."""
    return partial(
        run_job,
        store,
        service,
        concurrency=settings.batch_concurrency,
        timeout_seconds=settings.job_timeout_seconds,
    )


def create_jobs(settings: Settings, service: TextService, redis: Redis | None) -> Jobs:
    """Durable jobs on Redis (run by `make worker`), else jobs in this process's memory."""
    store: JobStore
    queue: JobQueue
    if redis is None:
        store = MemoryJobStore(lifetimes(settings))
        queue = LocalQueue(
            runner(settings, store, service), store, concurrency=settings.job_concurrency
        )
    else:
        store = RedisJobStore(redis, lifetimes(settings), prefix=key_prefix(settings))
        queue = ArqQueue(arq_redis(redis, settings), queue_name=queue_name(settings))
    return Jobs(store, queue, max_size=settings.max_batch_size)
