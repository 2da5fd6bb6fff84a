"""The internal admin API: authenticated, and 404 in production unless INTERNAL_API_ENABLED."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from llm_starter_api import __version__
from llm_starter_api.api.internal import cache, monitoring, resilience
from llm_starter_api.deps import SettingsDep, require_api_key

router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[Depends(require_api_key)])
router.include_router(cache.router)
router.include_router(resilience.router)
router.include_router(monitoring.router)


class ServiceInfo(BaseModel):
    """What this instance runs."""

    version: str
    environment: str
    model: str


@router.get("/info")
async def info(settings: SettingsDep) -> ServiceInfo:
    """Version, environment and configured model of this instance."""
    return ServiceInfo(
        version=__version__, environment=settings.environment, model=settings.llm_model
    )
