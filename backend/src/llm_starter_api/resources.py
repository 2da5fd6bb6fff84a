"""Resources the lifespan creates once and closes on shutdown."""

from dataclasses import dataclass

from pydantic_ai.models import Model
from redis.asyncio import Redis

from llm_starter_api.config import Settings
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.cache.setup import create_response_cache, redis_options
from llm_starter_api.infra.redis import create_redis
from llm_starter_api.infra.resilience.calls import Resilience, create_resilience
from llm_starter_api.infra.security.injection import InjectionGuard
from llm_starter_api.jobs.service import Jobs
from llm_starter_api.jobs.setup import create_jobs
from llm_starter_api.llm.models import build_model, model_settings
from llm_starter_api.text.agents import Agents, build_agents
from llm_starter_api.text.batch import BatchRunner, BatchStore
from llm_starter_api.text.service import TextService


@dataclass(frozen=True, slots=True)
class Resources:
    """Shared services of one app instance."""

    agents: Agents
    text_service: TextService
    batch_store: BatchStore
    batch_runner: BatchRunner
    model: Model
    cache: ResponseCache
    redis: Redis | None
    """The process's one Redis client (CACHE_REDIS_URL or REDIS_URL), for any service needing Redis."""
    resilience: Resilience[Model]
    jobs: Jobs

    @classmethod
    def create(cls, settings: Settings, *, redis: Redis | None = None) -> "Resources":
        """Build the model, the agents and the services that use them (over `redis`, if given)."""
        model = build_model(settings)
        options = redis_options(settings)
        if redis is None and options:
            redis = create_redis(options)
        cache = create_response_cache(settings, redis)
        resilience = create_resilience(settings, model, redis)
        agents = build_agents(model, model_settings(settings), model_id=settings.llm_model)
        service = TextService(
            agents,
            max_text_length=settings.max_text_length,
            timeout_seconds=settings.llm_timeout_seconds,
            cache=cache,
            resilience=resilience,
            injection=InjectionGuard(settings.injection_detection),
        )
        store = BatchStore(
            retention_seconds=settings.batch_retention_seconds,
            redis=redis,
            prefix=settings.cache_key_prefix,
        )
        runner = BatchRunner(
            service,
            store,
            max_size=settings.max_batch_size,
            concurrency=settings.batch_concurrency,
        )
        jobs = create_jobs(settings, service, redis)
        return cls(agents, service, store, runner, model, cache, redis, resilience, jobs)

    async def aclose(self) -> None:
        """Close the HTTP client the model's provider opened; its connections belong to this loop."""
        # pydantic-ai closes a provider's own client when its context exits, so enter one to exit it.
        for _, model in self.resilience.models:  # LLM_MODEL's, then the fallbacks'
            async with model:
                pass
        await self.jobs.aclose()
        if self.redis is not None:
            await self.redis.aclose()
