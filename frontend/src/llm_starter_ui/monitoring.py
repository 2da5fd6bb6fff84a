"""The internal admin API's monitoring JSON, validated and turned into the status page's rows."""

from typing import Any

from pydantic import BaseModel, ConfigDict

CACHE_METRICS = "/internal/cache/metrics"
CIRCUIT_BREAKERS = "/internal/resilience/circuit-breakers"
MONITORING_METRICS = "/internal/monitoring/metrics"


class _Read(BaseModel):
    """The fields the page reads; the backend may add others."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class TierCounts(_Read):
    hits: int
    misses: int


class CacheMetrics(_Read):
    """GET /internal/cache/metrics: lookups per tier since start-up."""

    tiers: dict[str, TierCounts]


class Breaker(_Read):
    name: str
    state: str
    failures_in_window: int = 0
    retry_after: float = 0.0
    calls: int = 0
    failures: int = 0
    rejected: int = 0
    opened: int = 0


class Breakers(_Read):
    """GET /internal/resilience/circuit-breakers: one breaker per model."""

    breakers: list[Breaker]


class ModelUsage(_Read):
    calls: int
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class RouteCounts(_Read):
    requests: int
    client_errors: int = 0
    server_errors: int = 0
    mean_latency_ms: float = 0.0


class _Requests(_Read):
    by_route: dict[str, RouteCounts]


class _Models(_Read):
    by_model: dict[str, ModelUsage]


class Summary(_Read):
    """GET /internal/monitoring/metrics: the Prometheus counters summed per route and per model."""

    requests: _Requests
    llm: _Models


STATE_BADGES = {"closed": "green", "half_open": "orange", "open": "red"}
"""Colour of each breaker state's badge."""


def cache_rows(metrics: CacheMetrics) -> list[dict[str, Any]]:
    """Per tier with lookups: lookups, hits and hit ratio since start-up."""
    rows = []
    for tier, counts in metrics.tiers.items():
        lookups = counts.hits + counts.misses
        if lookups:
            rows.append(
                {
                    "tier": tier,
                    "lookups": lookups,
                    "hits": counts.hits,
                    "hit ratio": counts.hits / lookups,
                }
            )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def breakers_markdown(breakers: Breakers) -> str:
    """A table of the breakers: state as a coloured badge, seconds until an open one retries."""
    lines = [
        "| Breaker | State | Retries in | Failures in window | Calls | Failures | Rejected | Opened |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for b in breakers.breakers:
        colour = STATE_BADGES.get(b.state, "gray")
        retry = f"{b.retry_after:.0f} s" if b.state == "open" else "-"
        lines.append(
            f"| `{_cell(b.name)}` | :{colour}-badge[{_cell(b.state.replace('_', '-'))}] | {retry} "
            f"| {b.failures_in_window} | {b.calls} | {b.failures} | {b.rejected} | {b.opened} |"
        )
    return "\n".join(lines)


def model_rows(summary: Summary) -> list[dict[str, Any]]:
    """Per model that was called: calls, errors, tokens and estimated cost since start-up."""
    return [
        {
            "model": model,
            "calls": usage.calls,
            "errors": usage.errors,
            "input tokens": usage.input_tokens,
            "output tokens": usage.output_tokens,
            "cost USD": usage.cost_usd,
        }
        for model, usage in summary.llm.by_model.items()
        if usage.calls
    ]


def route_rows(summary: Summary) -> list[dict[str, Any]]:
    """Per route that was called, busiest first."""
    rows = [
        {
            "route": route,
            "requests": counts.requests,
            "4xx": counts.client_errors,
            "5xx": counts.server_errors,
            "mean ms": counts.mean_latency_ms,
        }
        for route, counts in summary.requests.by_route.items()
        if counts.requests
    ]
    return sorted(rows, key=lambda row: -row["requests"])
