"""The job worker (`make worker`):

    arq --custom-log-dict llm_starter_api.jobs.worker.LOG_CONFIG llm_starter_api.jobs.worker.WorkerSettings

It runs batch jobs through the same TextService as the API (cache, resilience, limits), built
from the same settings at start-up and closed at shutdown.
"""

import dataclasses
import logging
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Retry, func

from llm_starter_api.config import ConfigError, Settings, load_settings
from llm_starter_api.infra.cache.setup import redis_options
from llm_starter_api.infra.monitoring.logs import configure_logging, default_format
from llm_starter_api.infra.redis import REDIS_ERRORS, RedisOptions, create_redis
from llm_starter_api.jobs.queue import JOB_FUNCTION, dumps, loads
from llm_starter_api.jobs.runner import run_job
from llm_starter_api.jobs.setup import arq_redis, queue_name
from llm_starter_api.resources import Resources

# The worker refreshes its health key this often; `arq --check` fails once it is this old + 1 s.
HEALTH_CHECK_SECONDS = 10
# arq's own job timeout only backs up the runner's, which records the timeout on the job.
TIMEOUT_MARGIN_SECONDS = 2

# arq's `--custom-log-dict`: arq applies it after reading WorkerSettings, which configured the app's
# logging, in place of its own config (a plain-text handler on the `arq` logger). Configuring
# nothing leaves arq's loggers writing through the app's handler: JSON in production, first line on.
LOG_CONFIG: dict[str, Any] = {"version": 1, "incremental": True}


async def startup(ctx: dict[str, Any]) -> None:
    """Build the resources (model, cache, breakers, job store) over arq's Redis client."""
    settings: Settings = ctx["settings"]
    # Started without LOG_CONFIG, arq has its own handler: from here on its lines are ours too.
    arq_logger = logging.getLogger("arq")
    arq_logger.handlers.clear()
    arq_logger.propagate = True
    ctx["resources"] = Resources.create(settings, redis=ctx["redis"], cap_model_calls=False)


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close what start-up opened (arq closes the Redis pool itself, after this)."""
    resources: Resources | None = ctx.get("resources")
    if resources is not None:
        await resources.aclose()


async def run_batch_job(ctx: dict[str, Any], job_id: str) -> int:
    """One run of a job; returns how many item outcomes it stored."""
    settings: Settings = ctx["settings"]
    resources: Resources = ctx["resources"]
    try:
        return await run_job(
            resources.jobs.store,
            resources.text_service,
            job_id,
            concurrency=settings.batch_concurrency,
            timeout_seconds=settings.job_timeout_seconds,
        )
    except* REDIS_ERRORS as exc:  # `except*`: item writes fail inside the run's task group
        # Stored outcomes are safe; try again later, up to JOB_MAX_TRIES runs in all.
        raise Retry(defer=5 * ctx["job_try"]) from exc


def _redis_settings(options: RedisOptions) -> RedisSettings:
    # Only `arq --check` connects with these; the worker uses the process's one client.
    return dataclasses.replace(
        RedisSettings.from_dsn(options.url),
        ssl_ca_certs=str(options.ca_cert) if options.ca_cert else None,
        ssl_certfile=str(options.client_cert) if options.client_cert else None,
        ssl_keyfile=str(options.client_key) if options.client_key else None,
        conn_timeout=max(1, round(options.timeout_seconds)),
        conn_retries=0,
    )


def worker_settings(settings: Settings | None = None) -> dict[str, Any]:
    """arq's worker options from the settings; the worker needs REDIS_URL (or CACHE_REDIS_URL)."""
    settings = settings or load_settings()
    # Now, before arq logs anything: it reads WorkerSettings before it starts.
    configure_logging(
        level=settings.log_level, fmt=default_format(settings.environment, settings.log_format)
    )
    options = redis_options(settings)
    if options is None:
        raise ConfigError(
            "Invalid configuration:\n  REDIS_URL: the job worker needs Redis "
            "(REDIS_URL or CACHE_REDIS_URL); without it the API runs jobs in its own process"
        )
    return {
        "functions": [func(run_batch_job, name=JOB_FUNCTION)],
        "queue_name": queue_name(settings),
        "redis_pool": arq_redis(create_redis(options), settings),
        "redis_settings": _redis_settings(options),
        "ctx": {"settings": settings},
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_jobs": settings.job_concurrency,
        "job_timeout": settings.job_timeout_seconds + TIMEOUT_MARGIN_SECONDS,
        "max_tries": settings.job_max_tries,
        "keep_result": settings.job_retention_seconds,
        "allow_abort_jobs": True,
        "job_serializer": dumps,
        "job_deserializer": loads,
        "health_check_interval": HEALTH_CHECK_SECONDS,
    }


def __getattr__(name: str) -> Any:
    """`WorkerSettings`, read from the environment when arq asks for it rather than at import."""
    if name == "WorkerSettings":
        return worker_settings()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
