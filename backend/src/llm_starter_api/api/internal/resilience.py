"""Internal resilience routes: health, effective configuration, metrics and circuit breakers."""

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from llm_starter_api.api.strict_json import StrictJsonRoute
from llm_starter_api.deps import ResourcesDep
from llm_starter_api.errors import NotFound, error_responses
from llm_starter_api.infra.resilience.breaker import BreakerState, CircuitBreaker

router = APIRouter(prefix="/resilience", route_class=StrictJsonRoute)


class ResilienceHealth(BaseModel):
    """Healthy while no breaker is open."""

    healthy: bool
    open_breakers: list[str]


class ResilienceConfig(BaseModel):
    """The effective policy: LLM_TIMEOUT_SECONDS already caps every deadline."""

    preset: str
    models: list[str] = Field(description="LLM_MODEL first, then LLM_FALLBACK_MODELS in order")
    breaker_state: Literal["redis", "memory"] = Field(description="where breaker state lives")
    default: dict[str, float] = Field(description="the default strategy; breakers use its numbers")
    operations: dict[str, dict[str, float]]
    output_modes: dict[str, str] = Field(
        default_factory=dict,
        description="each model's structured-output mode: as set (LLM_OUTPUT_MODE, "
        "LLM_OUTPUT_MODES), or the one `auto` learned in this process (`auto` while still probing)",
    )


class BreakerStatus(BaseModel):
    """A breaker's shared state, and what this process counted since start-up."""

    name: str
    state: BreakerState
    failures_in_window: int
    retry_after: float = Field(description="seconds until an open breaker admits a probe")
    calls: int
    failures: int
    rejected: int
    opened: int
    half_opened: int
    closed: int


class BreakersResponse(BaseModel):
    breakers: list[BreakerStatus]


class ResilienceMetrics(BaseModel):
    """Counters of this process since start-up, per operation and per breaker."""

    operations: dict[str, dict[str, int]]
    breakers: list[BreakerStatus]


async def _status(breaker: CircuitBreaker) -> BreakerStatus:
    shot = await breaker.snapshot()
    return BreakerStatus(
        name=breaker.name,
        state=shot.state,
        failures_in_window=shot.failures,
        retry_after=round(shot.retry_after, 3),
        **asdict(breaker.counts),
    )


@router.get("/health")
async def resilience_health(resources: ResourcesDep) -> ResilienceHealth:
    """Whether every circuit breaker is closed or probing."""
    opened = await resources.resilience.open_breakers()
    return ResilienceHealth(healthy=not opened, open_breakers=opened)


@router.get("/config")
async def resilience_config(resources: ResourcesDep) -> ResilienceConfig:
    """The preset and the effective strategy of each operation."""
    resilience = resources.resilience
    policy = resilience.policy
    return ResilienceConfig(
        preset=policy.preset,
        models=[model_id for model_id, _ in resilience.models],
        breaker_state="redis" if resilience.shared else "memory",
        default=policy.default.as_dict(),
        operations={op: strategy.as_dict() for op, strategy in policy.operations.items()},
        output_modes=resources.text_service.output_modes.describe(),
    )


@router.get("/metrics")
async def resilience_metrics(resources: ResourcesDep) -> ResilienceMetrics:
    """Calls, failures, retries, fallbacks and rejections per operation; each breaker's state."""
    resilience = resources.resilience
    return ResilienceMetrics(
        operations={op: asdict(counts) for op, counts in resilience.counts.items()},
        breakers=[await _status(breaker) for breaker in resilience.breakers.values()],
    )


@router.get("/circuit-breakers")
async def circuit_breakers(resources: ResourcesDep) -> BreakersResponse:
    """Every breaker: one per model, LLM_MODEL's and each fallback's."""
    breakers = resources.resilience.breakers.values()
    return BreakersResponse(breakers=[await _status(breaker) for breaker in breakers])


@router.post(
    "/circuit-breakers/{name:path}/reset",
    responses=error_responses({404: "No circuit breaker by that name"}),
)
async def reset_circuit_breaker(name: str, resources: ResourcesDep) -> BreakerStatus:
    """Close a breaker by hand and forget its failures (for every worker when state is shared)."""
    breaker = resources.resilience.breakers.get(name)
    if breaker is None:
        raise NotFound(f"No circuit breaker named {name!r}")
    await breaker.reset()
    return await _status(breaker)
