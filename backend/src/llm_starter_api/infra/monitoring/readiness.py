"""Readiness checks: what must work before this instance takes traffic; none spends tokens."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from llm_starter_api.infra.redis import REDIS_ERRORS

REDIS_PING_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency: whether it is usable, and a short reason (never a secret)."""

    name: str
    ok: bool
    detail: str


async def redis_check(name: str, client: Redis) -> Check:
    """PING within a second."""
    try:
        async with asyncio.timeout(REDIS_PING_SECONDS):
            await client.ping()
    except REDIS_ERRORS as exc:
        return Check(name, False, f"unreachable ({type(exc).__name__})")
    return Check(name, True, "reachable")


def model_check(model_id: str) -> Check:
    """A model is configured (checking it would spend tokens, so it is not called)."""
    return Check("model", bool(model_id), model_id or "no model configured")


def breakers_check(states: Mapping[str, str]) -> Check:
    """Ready while at least one model's breaker lets calls through.

    With every breaker open, this instance can only answer 503, so traffic is better sent
    elsewhere; one open breaker with a working fallback still serves (degraded).
    """
    if not states:
        return Check("circuit_breakers", True, "none")
    open_ = sorted(name for name, state in states.items() if state == "open")
    detail = f"open: {', '.join(open_)}" if open_ else "all closed or probing"
    return Check("circuit_breakers", len(open_) < len(states), detail)
