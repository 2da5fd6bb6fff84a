"""Every Redis client of a process is a bounded, blocking pool sized by the settings."""

from apitest import make_settings
from arq.connections import ArqRedis
from redis.asyncio import BlockingConnectionPool, Redis

from llm_starter_api.infra.redis import RedisOptions, create_redis
from llm_starter_api.infra.security.limiter import connect_storage, create_limiter
from llm_starter_api.jobs.queue import ArqQueue
from llm_starter_api.resources import Resources

URL = "redis://127.0.0.1:1/0"  # never reached: pools connect on first use


def pool_of(client: Redis) -> BlockingConnectionPool:
    pool = client.connection_pool
    assert isinstance(pool, BlockingConnectionPool)
    return pool


async def test_a_burst_waits_for_a_connection_longer_than_a_command_may_take() -> None:
    client = create_redis(
        RedisOptions(URL, timeout_seconds=0.5, max_connections=7, pool_timeout_seconds=9)
    )
    pool = pool_of(client)
    assert (pool.max_connections, pool.timeout) == (7, 9)
    assert pool.connection_kwargs["socket_timeout"] == 0.5
    await client.aclose()


async def test_the_rate_limiters_own_redis_is_pooled_like_the_apps() -> None:
    settings = make_settings(
        rate_limit_storage_url=URL,
        cache_redis_max_connections=12,
        cache_redis_pool_timeout_seconds=4,
        cache_redis_timeout_seconds=0.25,
    )
    limiter = create_limiter(settings)
    owned = connect_storage(limiter, settings, shared=None)
    assert owned is not None
    assert limiter.shared
    pool = pool_of(owned)
    assert (pool.max_connections, pool.timeout) == (12, 4)
    assert pool.connection_kwargs["socket_timeout"] == 0.25
    await owned.aclose()


async def test_the_job_queue_uses_the_processs_one_pool() -> None:
    settings = make_settings(
        cache_redis_url=URL, cache_redis_max_connections=9, cache_redis_pool_timeout_seconds=3
    )
    resources = Resources.create(settings)
    assert resources.redis is not None
    queue = resources.jobs.queue
    assert isinstance(queue, ArqQueue)
    assert isinstance(queue.redis, ArqRedis)
    assert queue.redis.connection_pool is resources.redis.connection_pool
    pool = pool_of(resources.redis)
    assert (pool.max_connections, pool.timeout) == (9, 3)
    await resources.aclose()
