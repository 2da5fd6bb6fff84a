"""Internal cache routes: status, metrics and invalidation."""

from typing import Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from llm_starter_api.api.strict_json import StrictJsonRoute
from llm_starter_api.deps import ResourcesDep, SettingsDep
from llm_starter_models import TextProcessingOperation

router = APIRouter(prefix="/cache", route_class=StrictJsonRoute)


class SecurityConfiguration(BaseModel):
    """How the cache protects what it stores."""

    tls_enabled: bool
    auth_enabled: bool
    encryption_enabled: bool


class CacheSecurity(BaseModel):
    """Security settings, nested as the original template's admin page reads them."""

    configuration: SecurityConfiguration


class CacheStatusResponse(BaseModel):
    """Which tier serves, whether Redis answers, and what each tier holds."""

    preset: str
    tier: str = Field(description="disabled, memory, or redis (with a memory tier in front)")
    connected: bool
    keys: int | None = Field(description="keys under this cache's prefix (Redis), else entries")
    memory: dict[str, int]
    redis: dict[str, Any] = Field(description="`status`: connected, disconnected, not_configured")
    security: CacheSecurity


class LatencyPercentiles(BaseModel):
    """Lookup latency from a bounded sample, in milliseconds."""

    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


class TierMetrics(BaseModel):
    """Lookups in one tier."""

    hits: int
    misses: int
    latency: LatencyPercentiles


class CacheMetricsResponse(BaseModel):
    """Counters since start-up."""

    hits: int
    misses: int
    hit_ratio: float
    errors: int = Field(description="failed Redis calls")
    corrupted: int = Field(description="values that did not decode; deleted, never returned")
    coalesced: int = Field(description="requests served by another request's computation")
    lock_waits: int = Field(description="computations waited for in another process")
    stores: int
    skipped_degraded: int = Field(description="answers not stored: failed or degraded")
    tiers: dict[str, TierMetrics]


_NARROWING = ("scope", "operation", "model", "prompt_version")


class InvalidateRequest(BaseModel):
    """What to delete: any of scope, operation, model and prompt version, or everything (`all`)."""

    # The cross-field rule, for clients and fuzzers: `all: true` alone, or at least one narrowing
    # field with `all` absent or false.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["all"],
                    "properties": {
                        "all": {"const": True},
                        **{name: {"type": "null"} for name in _NARROWING},
                    },
                },
                {
                    "properties": {"all": {"const": False}},
                    "anyOf": [
                        {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                        for name in _NARROWING
                    ],
                },
            ]
        }
    )

    scope: str | None = Field(
        default=None,
        pattern=r"^(anonymous|shared|[0-9a-f]{32})$",
        description="whose answers: an API key's fingerprint (the first 32 hex digits of the "
        "SHA-256 of the key), `anonymous` (the API running without keys) or `shared` "
        "(CACHE_SCOPE=shared)",
    )
    operation: TextProcessingOperation | None = None
    model: str | None = Field(default=None, min_length=1, max_length=200)
    prompt_version: str | None = Field(default=None, min_length=1, max_length=100)
    all: bool = Field(default=False, strict=True)

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        narrowing = (self.scope, self.operation, self.model, self.prompt_version)
        if any(v is not None for v in narrowing) == self.all:
            raise ValueError(
                "give scope, operation, model and/or prompt_version, or all=true alone"
            )
        return self


class InvalidateResponse(BaseModel):
    """How many cached answers were deleted."""

    pattern: str
    deleted: int = Field(description="the larger of the two tiers' counts")
    memory_deleted: int
    redis_deleted: int


@router.get("/status")
async def status(resources: ResourcesDep, settings: SettingsDep) -> CacheStatusResponse:
    """Tier, connection, contents and security of the AI response cache."""
    cache = await resources.cache.status()
    keys = cache.redis.get("keys", cache.memory.get("entries"))
    security = SecurityConfiguration(
        tls_enabled=cache.tls_enabled,
        auth_enabled=bool(cache.redis.get("auth")),
        encryption_enabled=cache.encryption_enabled,
    )
    return CacheStatusResponse(
        preset=settings.cache_preset,
        tier=cache.tier,
        connected=cache.connected,
        keys=keys,
        memory=cache.memory,
        redis=cache.redis,
        security=CacheSecurity(configuration=security),
    )


@router.get("/metrics")
async def metrics(resources: ResourcesDep) -> CacheMetricsResponse:
    """Hits, misses, errors, corrupted values and per-tier latency percentiles."""
    return CacheMetricsResponse.model_validate(resources.cache.metrics.snapshot())


@router.post("/invalidate")
async def invalidate(body: InvalidateRequest, resources: ResourcesDep) -> InvalidateResponse:
    """Delete cached answers by scope, operation, model and/or prompt version (SCAN, never KEYS)."""
    pattern, deleted = await resources.cache.invalidate(
        scope=body.scope,
        operation=body.operation.value if body.operation else None,
        model=body.model,
        prompt_version=body.prompt_version,
    )
    return InvalidateResponse(
        pattern=pattern,
        deleted=max(deleted.memory, deleted.redis),
        memory_deleted=deleted.memory,
        redis_deleted=deleted.redis,
    )
