"""One reading of the backend's Prometheus /metrics: the API's requests, errors and latency buckets."""

import math
from collections import defaultdict
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

METRICS = "/metrics"
REQUESTS = "http_requests_total"
DURATION_BUCKET = "http_request_duration_seconds_bucket"


def is_traffic(route: str) -> bool:
    """Whether a route's requests count as API traffic.

    The v1 routes, less the health probes (orchestrators poll them) and the key check: this status
    page calls those, and /metrics and /internal, itself.
    """
    return route.startswith("/v1/") and not route.startswith(("/v1/health", "/v1/auth/"))


@dataclass(frozen=True, slots=True)
class Reading:
    """Counters since the backend started, as read at `at` (seconds since the epoch)."""

    at: float
    requests: float
    server_errors: float
    buckets: tuple[tuple[float, float], ...]
    """(upper bound in seconds, requests that took at most that long), ascending, +Inf last."""


def parse(text: str, *, at: float) -> Reading:
    """The API traffic counters in a Prometheus text exposition."""
    requests = errors = 0.0
    buckets: dict[float, float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            route = sample.labels.get("route", "")
            if not is_traffic(route):
                continue
            if sample.name == REQUESTS:
                requests += sample.value
                errors += sample.value if sample.labels.get("status", "").startswith("5") else 0
            elif sample.name == DURATION_BUCKET:
                buckets[float(sample.labels["le"])] += sample.value
    return Reading(at, requests, errors, tuple(sorted(buckets.items())))


def quantile(q: float, buckets: tuple[tuple[float, float], ...]) -> float | None:
    """The q-quantile (0 to 1) of a cumulative histogram, as Prometheus' histogram_quantile does.

    Linear within the bucket it falls in; the upper bound of the last finite bucket when it falls
    in +Inf; None without observations.
    """
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound = lower_count = 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (
                count - lower_count
            )
        lower_bound, lower_count = bound, count
    return lower_bound
