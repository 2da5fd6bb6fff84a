"""Public health summary; spends no tokens."""

from fastapi import APIRouter

from llm_starter_api import __version__
from llm_starter_api.deps import ResourcesDep
from llm_starter_api.resources import Resources
from llm_starter_models import HealthResponse

router = APIRouter(tags=["health"])


async def health_summary(resources: Resources) -> HealthResponse:
    """The one health computation, shared by /v1/health and /v1/text_processing/health."""
    cache_healthy = await resources.cache.healthy()
    resilience_healthy = not await resources.resilience.open_breakers()
    return HealthResponse(
        status="degraded" if cache_healthy is False or not resilience_healthy else "healthy",
        version=__version__,
        ai_model_available=resources.agents.model_id != "",
        cache_healthy=cache_healthy,
        resilience_healthy=resilience_healthy,
    )


@router.get("/health")
async def health(resources: ResourcesDep) -> HealthResponse:
    """Whether the service and its model are available."""
    return await health_summary(resources)
