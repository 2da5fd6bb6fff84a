"""The status page's numbers: /metrics readings, rates and percentiles between them, internal JSON."""

import math

import pytest

from llm_starter_ui import monitoring, trends
from llm_starter_ui.scrape import Reading, is_traffic, parse, quantile

PROCESS = "/v1/text_processing/process"


@pytest.mark.parametrize(
    ("route", "counted"),
    [
        (PROCESS, True),
        ("/v1/text_processing/jobs/{job_id}", True),
        ("/v1/health", False),
        ("/v1/health/ready", False),
        ("/v1/auth/status", False),
        ("/metrics", False),
        ("/internal/cache/metrics", False),
        ("unmatched", False),
    ],
)
def test_traffic_is_the_v1_api_without_probes_and_this_pages_calls(
    route: str, counted: bool
) -> None:
    assert is_traffic(route) is counted


def test_a_reading_sums_requests_errors_and_buckets_of_traffic_routes(fake) -> None:
    metrics = fake.metrics
    metrics.served(PROCESS, seconds=0.003, times=3)
    metrics.served(PROCESS, seconds=0.2, status=503)
    metrics.served("/v1/text_processing/batch_process", seconds=0.02, status=422)
    metrics.served("/v1/health", seconds=0.001, times=50, method="GET")
    reading = parse(metrics.text(), at=100.0)
    assert (reading.at, reading.requests, reading.server_errors) == (100.0, 5.0, 1.0)
    buckets = dict(reading.buckets)
    assert (buckets[0.005], buckets[0.025], buckets[0.25], buckets[math.inf]) == (3, 4, 5, 5)
    assert list(buckets) == sorted(buckets)


def test_quantiles_interpolate_within_a_bucket_as_prometheus_does() -> None:
    buckets = ((0.1, 50.0), (0.2, 90.0), (0.4, 100.0), (math.inf, 100.0))
    assert quantile(0.5, buckets) == pytest.approx(0.1)
    assert quantile(0.7, buckets) == pytest.approx(0.15)
    assert quantile(0.95, buckets) == pytest.approx(0.3)
    assert quantile(0.5, ((0.1, 0.0), (math.inf, 0.0))) is None
    assert quantile(0.99, ((0.1, 1.0), (math.inf, 10.0))) == 0.1  # past the last finite bound


def reading(at: float, requests: float, errors: float = 0, fast: float | None = None) -> Reading:
    """`fast` of the requests took at most 10 ms, the others at most 100 ms."""
    fast = requests if fast is None else fast
    return Reading(at, requests, errors, ((0.01, fast), (0.1, requests), (math.inf, requests)))


def test_intervals_give_rate_error_ratio_and_latency() -> None:
    first, second, third = reading(0, 10), reading(5, 30, errors=2, fast=20), reading(10, 30)
    parts = trends.intervals([first, second, third])
    assert [p.rate for p in parts] == [4.0, 0.0]
    assert parts[0].error_ratio == 0.1
    assert parts[1].error_ratio is None  # no requests: no ratio, not 0%
    assert parts[0].latency_ms(0.5) == pytest.approx(10.0)
    assert parts[0].latency_ms(0.95) == pytest.approx(91.0)  # 10 of 20 were fast
    assert parts[1].latency_ms(0.5) is None


def test_a_counter_going_down_is_a_restart_not_a_negative_rate() -> None:
    part = trends.between(reading(0, 500, errors=9), reading(10, 20, errors=1))
    assert (part.requests, part.server_errors, part.rate) == (20, 1, 2.0)


def test_headline_numbers_cover_the_recent_intervals_only() -> None:
    parts = trends.intervals([reading(0, 0), reading(60, 600), reading(65, 610), reading(70, 620)])
    last = trends.combined(trends.recent(parts, 30))
    assert last is not None
    assert (last.seconds, last.requests, last.rate) == (10, 20, 2.0)
    assert trends.combined([]) is None


def test_chart_rows_leave_gaps_where_there_were_no_requests() -> None:
    rows = trends.chart_rows(trends.intervals([reading(0, 0), reading(5, 10, 1), reading(10, 10)]))
    by_measure: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        by_measure.setdefault(row["measure"], []).append((row["time"], row["value"]))
    assert by_measure["requests/s"] == [
        ("1970-01-01T00:00:05+00:00", 2.0),
        ("1970-01-01T00:00:10+00:00", 0.0),
    ]
    assert by_measure["errors %"] == [("1970-01-01T00:00:05+00:00", 10.0)]
    assert [time for time, _ in by_measure["p50 ms"]] == ["1970-01-01T00:00:05+00:00"]


def test_cache_rows_are_the_tiers_with_lookups() -> None:
    metrics = monitoring.CacheMetrics.model_validate(
        {
            "hits": 3,
            "tiers": {
                "memory": {"hits": 3, "misses": 1, "latency": {"p50_ms": 0.1}},
                "redis": {"hits": 0, "misses": 0, "latency": {"p50_ms": None}},
            },
        }
    )
    assert monitoring.cache_rows(metrics) == [
        {"tier": "memory", "lookups": 4, "hits": 3, "hit ratio": 0.75}
    ]


def test_breakers_are_a_table_with_a_coloured_state_and_time_to_retry() -> None:
    breakers = monitoring.Breakers.model_validate(
        {
            "breakers": [
                {"name": "local", "state": "closed", "retry_after": 0.0, "calls": 5},
                {"name": "openai:gpt|x", "state": "open", "retry_after": 12.4, "opened": 1},
                {"name": "ollama:m", "state": "half_open", "retry_after": 0.0},
            ]
        }
    )
    table = monitoring.breakers_markdown(breakers).splitlines()
    assert len(table) == 5
    assert table[2].startswith("| `local` | :green-badge[closed] | - | 0 | 5 |")
    assert table[3].startswith("| `openai:gpt\\|x` | :red-badge[open] | 12 s |")
    assert ":orange-badge[half-open]" in table[4]


def test_models_and_routes_from_the_monitoring_summary() -> None:
    summary = monitoring.Summary.model_validate(
        {
            "requests": {
                "total": 7,
                "by_route": {
                    "GET /v1/health": {"requests": 2, "mean_latency_ms": 1.0},
                    f"POST {PROCESS}": {"requests": 5, "server_errors": 1, "mean_latency_ms": 9.5},
                    "GET /metrics": {"requests": 0},
                },
            },
            "llm": {
                "calls": 3,
                "by_model": {
                    "openai:gpt-4o-mini": {
                        "calls": 3,
                        "errors": 1,
                        "input_tokens": 1200,
                        "output_tokens": 300,
                        "cost_usd": 0.00036,
                    },
                    "local": {"calls": 0},
                },
            },
        }
    )
    assert monitoring.model_rows(summary) == [
        {
            "model": "openai:gpt-4o-mini",
            "calls": 3,
            "errors": 1,
            "input tokens": 1200,
            "output tokens": 300,
            "cost USD": 0.00036,
        }
    ]
    assert [row["route"] for row in monitoring.route_rows(summary)] == [
        f"POST {PROCESS}",
        "GET /v1/health",
    ]
