"""Liveness and readiness probes for orchestrators; neither calls the model."""

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from llm_starter_api.api.internal.monitoring import refresh_breakers
from llm_starter_api.deps import ResourcesDep
from llm_starter_api.infra.monitoring.readiness import (
    Check,
    breakers_check,
    model_check,
    redis_check,
    verdict,
)

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    """The process answers."""

    status: Literal["alive"] = "alive"


class CheckResult(BaseModel):
    """One dependency's state."""

    ok: bool
    detail: str
    required: bool = Field(description="true: no fallback, so failing makes the instance not ready")


class Readiness(BaseModel):
    """Whether this instance should take traffic, and why."""

    status: Literal["ready", "degraded", "not_ready"] = Field(
        description="degraded: a dependency with a fallback failed; still serving (200)"
    )
    checks: dict[str, CheckResult]


@router.get("/live")
async def live() -> Liveness:
    """The process is up; checks nothing else, so a slow dependency never restarts it."""
    return Liveness()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: a required check failed"}},
)
async def ready(request: Request, resources: ResourcesDep) -> JSONResponse:
    """503 only when something this instance cannot serve without fails; Redis or breakers: degraded."""
    # Redis is never required: the cache, rate limits and breakers fall back to this process's
    # memory, and every instance shares one Redis, so failing here would empty the whole service.
    pings = {
        "redis": resources.redis,
        # RATE_LIMIT_STORAGE_URL may name a Redis of its own.
        "rate_limit_redis": getattr(request.app.state, "rate_limit_redis", None),
    }
    # At once, so a Redis that hangs costs the probe one timeout, not one per check.
    redis_checks, states = await asyncio.gather(
        asyncio.gather(
            *(redis_check(name, client, required=False) for name, client in pings.items() if client)
        ),
        refresh_breakers(resources),
    )
    checks: list[Check] = [
        model_check(resources.agents.model_id),
        *redis_checks,
        breakers_check(states),
    ]
    body = Readiness(
        status=verdict(checks),
        checks={
            check.name: CheckResult(ok=check.ok, detail=check.detail, required=check.required)
            for check in checks
        },
    )
    return JSONResponse(body.model_dump(), status_code=503 if body.status == "not_ready" else 200)
