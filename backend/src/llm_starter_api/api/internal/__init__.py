"""The internal admin API: admin keys only, and 404 in production unless INTERNAL_API_ENABLED."""

import logging

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel

from llm_starter_api import __version__
from llm_starter_api.api.internal import cache, monitoring, resilience
from llm_starter_api.api.strict_json import StrictJsonRoute
from llm_starter_api.config import Settings
from llm_starter_api.deps import SettingsDep, require_admin_key
from llm_starter_api.errors import error_responses
from llm_starter_api.infra.security.auth import APIKeys

logger = logging.getLogger(__name__)

router = APIRouter(
    prefix="/internal",
    route_class=StrictJsonRoute,
    tags=["internal"],
    dependencies=[Depends(require_admin_key)],
    responses=error_responses(
        {401: "Missing or invalid API key", 403: "A client key: /internal needs an admin key"}
    ),
)
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


def install(app: FastAPI, settings: Settings) -> None:
    """Mount /internal behind the admin keys, saying at start-up when client keys are admin keys."""
    app.state.admin_keys = APIKeys(settings.admin_keys)
    if not settings.internal_api_keys:
        # Production refuses this configuration (config.py); elsewhere one key stays enough.
        who = "every client key (API_KEY, ADDITIONAL_API_KEYS)" if settings.api_keys else "anyone"
        logger.warning(
            "INTERNAL_API_KEYS is unset: %s may use /internal in %s; set INTERNAL_API_KEYS to keep "
            "the admin routes to admin keys",
            who,
            settings.environment,
        )
    app.include_router(router)
