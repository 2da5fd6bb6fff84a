"""A JSON summary of the Prometheus metrics: requests and errors per route, model calls per model."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.samples import Sample


def _samples(registry: CollectorRegistry) -> Iterable[Sample]:
    for family in registry.collect():
        yield from family.samples


def _rate(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def summarize(registry: CollectorRegistry) -> dict[str, Any]:
    """Counts since start-up (of every worker in multiprocess mode), with error rates."""
    routes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    models: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rejections: dict[str, float] = defaultdict(float)
    injections: dict[str, float] = defaultdict(float)
    cache: dict[str, float] = defaultdict(float)
    breakers: dict[str, float] = {}
    for name, labels, value in ((s.name, s.labels, s.value) for s in _samples(registry)):
        match name:
            case "http_requests_total":
                route = routes[f"{labels['method']} {labels['route']}"]
                route["requests"] += value
                status = int(labels["status"])
                route["server_errors"] += value if status >= 500 else 0
                route["client_errors"] += value if 400 <= status < 500 else 0
            case "http_request_duration_seconds_sum":
                routes[f"{labels['method']} {labels['route']}"]["seconds"] += value
            case "llm_calls_total":
                model = models[labels["model"]]
                model["calls"] += value
                model["errors"] += value if labels["outcome"] == "error" else 0
            case "llm_tokens_total":
                models[labels["model"]][f"{labels['direction']}_tokens"] += value
            case "llm_cost_usd_total":
                models[labels["model"]]["cost_usd"] += value
            case "rate_limit_rejections_total":
                rejections[labels["route_class"]] += value
            case "prompt_injection_detections_total":
                injections[labels["mode"]] += value
            case "cache_lookups_total":
                cache[labels["outcome"]] += value
            case "circuit_breaker_state":
                breakers[labels["breaker"]] = value
    total = sum(route["requests"] for route in routes.values())
    errors = sum(route["server_errors"] for route in routes.values())
    return {
        "requests": {
            "total": int(total),
            "server_errors": int(errors),
            "error_rate": _rate(errors, total),
            "by_route": {key: _route(route) for key, route in sorted(routes.items())},
        },
        "llm": {
            "calls": int(sum(model["calls"] for model in models.values())),
            "by_model": {key: _model(model) for key, model in sorted(models.items())},
        },
        "cache": {
            "hits": int(cache["hit"]),
            "misses": int(cache["miss"]),
            "hit_ratio": _rate(cache["hit"], cache["hit"] + cache["miss"]),
        },
        "rate_limit_rejections": {key: int(value) for key, value in sorted(rejections.items())},
        "injection_detections": {key: int(value) for key, value in sorted(injections.items())},
        "circuit_breakers": {
            name: ("closed", "half_open", "open")[min(2, int(level))]
            for name, level in sorted(breakers.items())
        },
    }


def _route(route: dict[str, float]) -> dict[str, Any]:
    requests = route["requests"]
    return {
        "requests": int(requests),
        "server_errors": int(route["server_errors"]),
        "client_errors": int(route["client_errors"]),
        "error_rate": _rate(route["server_errors"], requests),
        "mean_latency_ms": round(1000 * route["seconds"] / requests, 2) if requests else 0.0,
    }


def _model(model: dict[str, float]) -> dict[str, Any]:
    return {
        "calls": int(model["calls"]),
        "errors": int(model["errors"]),
        "error_rate": _rate(model["errors"], model["calls"]),
        "input_tokens": int(model["input_tokens"]),
        "output_tokens": int(model["output_tokens"]),
        "cost_usd": round(model["cost_usd"], 6),
    }
