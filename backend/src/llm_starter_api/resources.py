"""Resources the lifespan creates once and closes on shutdown."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_ai.models import Model
from redis.asyncio import Redis

from llm_starter_api.config import ConfigError, Settings
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.cache.setup import create_response_cache, redis_options
from llm_starter_api.infra.redis import create_redis
from llm_starter_api.infra.resilience.admission import Admission
from llm_starter_api.infra.resilience.calls import Resilience
from llm_starter_api.infra.resilience.policy import resolve
from llm_starter_api.infra.security.injection import InjectionGuard
from llm_starter_api.jobs.service import Jobs
from llm_starter_api.jobs.setup import create_jobs
from llm_starter_api.llm.local.model import Engine
from llm_starter_api.llm.models import build_model, model_settings
from llm_starter_api.llm.output_modes import OutputModes
from llm_starter_api.text import registry
from llm_starter_api.text.agents import Agents, build_agents
from llm_starter_api.text.batch import BatchRunner, BatchStore
from llm_starter_api.text.registry import Registry
from llm_starter_api.text.service import TextService


def load_operations(settings: Settings) -> Registry:
    """The operations (built in, then OPERATION_PLUGINS); settings naming an unknown one stop
    start-up with the variable's name."""
    try:
        operations = registry.load(settings.operation_plugins)
    except registry.PluginError as exc:
        raise ConfigError(f"Invalid configuration:\n  OPERATION_PLUGINS: {exc}") from None
    for variable, named in (
        ("CACHE_OPERATION_TTLS", settings.cache_operation_ttls),
        ("RESILIENCE_CUSTOM_CONFIG", settings.resilience_custom_config.operations),
    ):
        if unknown := sorted(set(named) - set(operations.ids)):
            raise ConfigError(
                f"Invalid configuration:\n  {variable}: unknown operation(s) {', '.join(unknown)}; "
                f"this server has {', '.join(operations.ids)}"
            )
    return operations


def storable(answer: Mapping[str, Any]) -> bool:
    """Only successful answers from the intended path: never a fallback marked `degraded`."""
    metadata = answer.get("metadata") or {}
    return answer.get("success", True) is True and not metadata.get("degraded")


def create_resilience(
    settings: Settings, operations: Registry, model: Model, redis: Redis | None
) -> Resilience[Model]:
    """LLM_MODEL's `model`, then each of LLM_FALLBACK_MODELS, under the configured policy."""
    engines: dict[str, Engine] = {op.id: op.engine for op in operations}
    fallbacks = [m for m in dict.fromkeys(settings.llm_fallback_models) if m != settings.llm_model]
    models = [
        (settings.llm_model, model),
        *((m, build_model(settings, m, engines=engines)) for m in fallbacks),
    ]
    policy = resolve(
        settings.resilience_preset,
        settings.resilience_custom_config,
        timeout=settings.llm_timeout,
        classes={op.id: op.resilience for op in operations},
    )
    # Under the deployment's Redis key prefix, so apps sharing one Redis keep their breakers apart.
    prefix = f"{settings.cache_key_prefix}:resilience"
    return Resilience.create(policy, models, redis=redis, key_prefix=prefix)


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
    def create(
        cls,
        settings: Settings,
        operations: Registry | None = None,
        *,
        redis: Redis | None = None,
        cap_model_calls: bool = True,
    ) -> "Resources":
        """Build the model, the agents and the services that use them (over `redis`, if given).

        `cap_model_calls`: refuse model calls past LLM_MAX_CONCURRENT_CALLS with a 503 (the API);
        the job worker bounds its calls with JOB_CONCURRENCY x BATCH_CONCURRENCY instead.
        """
        operations = operations or load_operations(settings)
        model = build_model(settings, engines={op.id: op.engine for op in operations})
        options = redis_options(settings)
        if redis is None and options:
            redis = create_redis(options)
        cache = create_response_cache(
            settings, redis, classes={op.id: op.cache for op in operations}, storable=storable
        )
        resilience = create_resilience(settings, operations, model, redis)
        agents = build_agents(
            operations, model, model_settings(settings), model_id=settings.llm_model
        )
        service = TextService(
            operations,
            agents,
            max_text_length=settings.max_text_length,
            max_output_tokens=settings.llm_max_output_tokens,
            timeout_seconds=settings.llm_timeout,
            cache=cache,
            resilience=resilience,
            output_modes=OutputModes(
                {model_id: settings.output_mode(model_id) for model_id, _ in resilience.models},
                probing=frozenset(m for m, _ in resilience.models if settings.self_hosted(m)),
            ),
            injection=InjectionGuard(settings.injection_detection),
            invalid_output_excerpt=settings.invalid_output_excerpt,
            admission=Admission(
                settings.llm_max_concurrent_calls, queue_seconds=settings.llm_queue_timeout_seconds
            )
            if cap_model_calls
            else None,
            cache_scope=settings.cache_scope,
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
