"""Prometheus metrics of the process; with PROMETHEUS_MULTIPROC_DIR set, of every worker together.

Labels hold only bounded, non-secret values: route templates (never raw paths), status codes, model
ids, operation names, cache tiers and breaker names. Never user text, keys or client addresses.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from llm_starter_api.infra.monitoring.context import current_notes

CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
LLM_CALLS = Counter(
    "llm_calls",
    "Model calls (each attempt: retries and fallbacks count) by model, operation and outcome "
    "(ok, invalid, timeout, error, cancelled)",
    ["model", "operation", "outcome"],
)
LLM_DURATION = Histogram(
    "llm_call_duration_seconds",
    "Model call latency by model and operation",
    ["model", "operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0),
)
LLM_TOKENS = Counter(
    "llm_tokens",
    "Tokens the provider reported, by model, operation, direction and the attempt's outcome",
    ["model", "operation", "direction", "outcome"],
)
LLM_COST = Counter(
    "llm_cost_usd", "Estimated model cost in US dollars (genai-prices)", ["model", "operation"]
)
LLM_UNPRICED = Counter(
    "llm_unpriced_tokens",
    "Tokens of models without a known price, so missing from llm_cost_usd_total",
    ["model", "direction"],
)
CALLS_IN_FLIGHT = Gauge(
    "llm_calls_in_flight",
    "Model calls this process is making now (bounded by LLM_MAX_CONCURRENT_CALLS)",
    multiprocess_mode="livesum",
)
CALLS_QUEUED = Gauge(
    "llm_calls_queued",
    "Requests waiting for a model-call slot (at most LLM_QUEUE_TIMEOUT_SECONDS)",
    multiprocess_mode="livesum",
)
CALLS_SHED = Counter(
    "llm_calls_shed", "Requests refused with 503 because every model-call slot was taken"
)
CACHE_LOOKUPS = Counter("cache_lookups", "AI response cache lookups", ["tier", "outcome"])
BREAKER_STATE = Gauge(
    "circuit_breaker_state",
    "Circuit breaker state: 0 closed, 1 half-open, 2 open (the worst across workers)",
    ["breaker"],
    multiprocess_mode="livemax",
)
RATE_LIMITED = Counter(
    "rate_limit_rejections", "Requests refused with 429, by route class", ["route_class"]
)
RATE_LIMIT_FALLBACKS = Counter(
    "rate_limit_storage_fallbacks",
    "Rate-limit storage (Redis) failures; each starts 5 s without it",
)
RATE_LIMIT_STORAGE_DOWN = Gauge(
    "rate_limit_storage_down",
    "1 while the rate limiter decides without its storage (RATE_LIMIT_ON_STORAGE_ERROR), else 0",
    multiprocess_mode="livemax",
)
INJECTIONS = Counter(
    "prompt_injection_detections", "Texts the injection detector flagged, by mode", ["mode"]
)

BREAKER_LEVELS = {"closed": 0, "half_open": 1, "open": 2}

# This process's latest breaker states, for readiness; the gauge is what scrapes see.
breaker_states: dict[str, str] = {}


def record_cache_lookup(*, hit: bool, tier: str) -> None:
    """Count one request's cache lookup by the tier that answered it (for a miss, the last tier
    asked), and note it on the current request's log line."""
    CACHE_LOOKUPS.labels(tier, "hit" if hit else "miss").inc()
    if (notes := current_notes()) is not None:
        notes.cache_lookup(hit=hit)


def record_breaker_state(breaker: str, state: str) -> None:
    """Publish a breaker's state (call on every transition and at start-up)."""
    breaker_states[breaker] = state
    BREAKER_STATE.labels(breaker).set(BREAKER_LEVELS[state])


def registry_for(multiproc_dir: str | None) -> CollectorRegistry:
    """The registry to read: this process's, or every worker's files in multiprocess mode."""
    if multiproc_dir is None:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=multiproc_dir)  # type: ignore[no-untyped-call]
    return registry


def exposition(multiproc_dir: str | None) -> bytes:
    """The Prometheus text exposition."""
    return generate_latest(registry_for(multiproc_dir))


def process_exited(multiproc_dir: str | None) -> None:
    """In multiprocess mode, drop this worker's live gauges (call when a worker shuts down)."""
    if multiproc_dir is not None:
        multiprocess.mark_process_dead(os.getpid(), multiproc_dir)  # type: ignore[no-untyped-call]
