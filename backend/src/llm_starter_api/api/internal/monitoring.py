"""Metrics: Prometheus exposition at /metrics and a JSON summary under /internal/monitoring."""

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from llm_starter_api.api.strict_json import StrictJsonRoute
from llm_starter_api.deps import ResourcesDep, SettingsDep, require_api_key
from llm_starter_api.infra.monitoring.metrics import (
    CONTENT_TYPE,
    exposition,
    record_breaker_state,
    registry_for,
)
from llm_starter_api.infra.monitoring.summary import summarize
from llm_starter_api.resources import Resources

router = APIRouter(prefix="/monitoring", route_class=StrictJsonRoute)

# Not under /internal: scraping must work in production, where /internal is off by default.
metrics_router = APIRouter(tags=["monitoring"], dependencies=[Depends(require_api_key)])


async def refresh_breakers(resources: Resources) -> dict[str, str]:
    """Read each breaker's state (shared through Redis when configured) into its gauge."""
    states = {}
    for name, breaker in resources.resilience.breakers.items():
        state = (await breaker.snapshot()).state
        record_breaker_state(name, state.value)
        states[name] = state.value
    return states


@metrics_router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
async def metrics(resources: ResourcesDep, settings: SettingsDep) -> Response:
    """Prometheus metrics of this instance (every worker's, in multiprocess mode)."""
    await refresh_breakers(resources)
    body = exposition(settings.prometheus_multiproc_dir)
    return Response(body, media_type=CONTENT_TYPE)


@router.get("/metrics")
async def summary(resources: ResourcesDep, settings: SettingsDep) -> dict[str, Any]:
    """Request counts and error rates per route, model calls per model, cache and limits, as JSON."""
    await refresh_breakers(resources)
    return summarize(registry_for(settings.prometheus_multiproc_dir))
