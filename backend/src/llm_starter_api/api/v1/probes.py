"""Liveness and readiness probes for orchestrators; neither calls the model."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from llm_starter_api.api.internal.monitoring import refresh_breakers
from llm_starter_api.deps import ResourcesDep
from llm_starter_api.infra.monitoring.readiness import (
    Check,
    breakers_check,
    model_check,
    redis_check,
)

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    """The process answers."""

    status: Literal["alive"] = "alive"


class CheckResult(BaseModel):
    """One dependency's state."""

    ok: bool
    detail: str


class Readiness(BaseModel):
    """Whether this instance should take traffic, and why."""

    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckResult]


@router.get("/live")
async def live() -> Liveness:
    """The process is up; checks nothing else, so a slow dependency never restarts it."""
    return Liveness()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready"}},
)
async def ready(request: Request, resources: ResourcesDep) -> JSONResponse:
    """Redis reachable when configured, a model configured, not every breaker open; else 503."""
    checks: list[Check] = [model_check(resources.agents.model_id)]
    if resources.redis is not None:
        checks.append(await redis_check("redis", resources.redis))
    # RATE_LIMIT_STORAGE_URL may name a Redis of its own.
    if (limits_redis := getattr(request.app.state, "rate_limit_redis", None)) is not None:
        checks.append(await redis_check("rate_limit_redis", limits_redis))
    checks.append(breakers_check(await refresh_breakers(resources)))
    body = Readiness(
        status="ready" if all(check.ok for check in checks) else "not_ready",
        checks={check.name: CheckResult(ok=check.ok, detail=check.detail) for check in checks},
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "ready" else 503)
