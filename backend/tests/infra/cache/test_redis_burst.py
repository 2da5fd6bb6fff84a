"""A burst far larger than the Redis pool queues for connections instead of failing over to memory."""

import asyncio
from typing import Any

import pytest
from apitest import make_settings, serve
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from redis.asyncio import BlockingConnectionPool
from redisproc import RedisServer
from waits import eventually

from llm_starter_api.infra.cache.redis_cache import RedisCache
from llm_starter_api.infra.resilience.redis_store import RedisStore
from llm_starter_api.main import create_app
from llm_starter_api.resources import Resources
from llm_starter_models import TextProcessingOperation as Op

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(300)]

REQUESTS = 1000
POOL = 5


class GatedModel:
    """A summarizer whose every call waits until the test opens the gate."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.model = FunctionModel(self._answer)

    async def _answer(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.calls += 1
        await self.gate.wait()
        return ModelResponse(parts=[TextPart("A short summary.")])


async def test_a_thousand_requests_in_flight_on_five_connections_meet_no_redis_error(
    redis_server: RedisServer,
) -> None:
    settings = make_settings(
        cache_redis_url=redis_server.url,
        cache_redis_max_connections=POOL,
        # Bounds this test does not race: starting a thousand requests keeps the event loop from
        # reading a reply for longer than the default timeouts on a loaded machine. What the
        # defaults survive is measured under real load (docs/cache.md#connection-pool).
        cache_redis_timeout_seconds=30,
        cache_redis_pool_timeout_seconds=120,
        rate_limit_enabled=False,
        llm_max_concurrent_calls=REQUESTS,  # the whole burst in flight: no 503 overloaded
        # The gate, not a deadline, decides when calls end: on a loaded machine the burst takes
        # longer to form than an attempt may last, and timed-out calls would open the breaker.
        llm_timeout_seconds=300,
        resilience_custom_config='{"attempts": 1, "attempt_timeout": 300, "deadline": 300}',
    )
    app = create_app(settings)
    gated = GatedModel()
    async with serve(app) as client:
        resources: Resources = app.state.resources
        assert resources.redis is not None
        pool = resources.redis.connection_pool
        assert isinstance(pool, BlockingConnectionPool)
        assert pool.max_connections == POOL
        cache = resources.cache.cache
        assert isinstance(cache, RedisCache)
        stores = [breaker.store for breaker in resources.resilience.breakers.values()]
        assert stores
        assert all(isinstance(store, RedisStore) for store in stores)

        with resources.agents[Op.SUMMARIZE].override(model=gated.model):
            posts = [
                asyncio.create_task(
                    client.post(
                        "/v1/text_processing/process",
                        json={
                            "text": f"Document {n}: rivers carry water.",
                            "operation": "summarize",
                        },
                    )
                )
                for n in range(REQUESTS)
            ]
            # Every request has missed the cache, taken its lock and reached the model: all in flight.
            await eventually(
                lambda: gated.calls == REQUESTS, what=f"{REQUESTS} model calls waiting"
            )
            gated.gate.set()
            responses = await asyncio.gather(*posts)

        metrics: dict[str, Any] = resources.cache.metrics.snapshot()
        stored = await resources.redis.dbsize()

    assert [r.status_code for r in responses] == [200] * REQUESTS
    assert metrics["errors"] == 0
    assert (cache.availability.up, cache.availability.failures) == (True, 0)
    assert all(store.reachable for store in stores if isinstance(store, RedisStore))
    assert metrics["tiers"]["redis"]["misses"] == REQUESTS
    assert metrics["stores"] == REQUESTS
    assert stored >= REQUESTS  # every answer reached Redis
    assert len(pool._in_use_connections) + len(pool._available_connections) <= POOL
