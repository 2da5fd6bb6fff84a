"""Readiness checks: what this instance needs to serve, and what it can serve without; no tokens."""

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from llm_starter_api.infra.redis import REDIS_ERRORS

REDIS_PING_SECONDS = 1.0

type Verdict = Literal["ready", "degraded", "not_ready"]


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency: whether it is usable, a short reason (never a secret), and whether it is
    required (no fallback) or only degrades the service when it fails."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def verdict(checks: Iterable[Check]) -> Verdict:
    """`not_ready` if a required check fails, `degraded` if any other does, else `ready`."""
    failed = [check for check in checks if not check.ok]
    if any(check.required for check in failed):
        return "not_ready"
    return "degraded" if failed else "ready"


async def redis_check(name: str, client: Redis, *, required: bool) -> Check:
    """PING within a second."""
    try:
        async with asyncio.timeout(REDIS_PING_SECONDS):
            await client.ping()
    except REDIS_ERRORS as exc:
        return Check(name, False, f"unreachable ({type(exc).__name__})", required)
    return Check(name, True, "reachable", required)


def model_check(model_id: str) -> Check:
    """A model is configured (checking it would spend tokens, so it is not called)."""
    return Check("model", bool(model_id), model_id or "no model configured")


def breakers_check(states: Mapping[str, str]) -> Check:
    """Fails (never required) while any breaker is open.

    An open breaker is itself the fallback: calls fail fast or go to the next model, and cached
    answers still serve. Breakers are shared by every instance, so failing readiness on them would
    take every instance out of service at once for a provider outage no instance can fix.
    """
    if not states:
        return Check("circuit_breakers", True, "none", required=False)
    open_ = sorted(name for name, state in states.items() if state == "open")
    detail = f"open: {', '.join(open_)}" if open_ else "all closed or probing"
    return Check("circuit_breakers", not open_, detail, required=False)
