"""Monitoring JSON of several plausible shapes read into chart data."""

import pytest

from llm_starter_ui import monitoring


@pytest.mark.parametrize(
    ("data", "ratio"),
    [
        ({"hit_ratio": 0.75}, 0.75),
        ({"cache": {"hit_rate": 80}}, 0.8),
        ({"memory": {"hits": 3, "misses": 1}, "redis": {"hits": 1, "misses": 3}}, 0.5),
        ({"hits": 0, "misses": 0}, None),
        (["not", "an", "object"], None),
    ],
)
def test_hit_ratio_is_read_or_computed(data: object, ratio: float | None) -> None:
    assert monitoring.hit_ratio(data) == ratio


def test_numbers_are_the_numeric_leaves_without_booleans() -> None:
    data = {"memory": {"hits": 3, "misses": 1, "enabled": True}, "size": 10, "name": "x"}
    assert monitoring.numbers(data) == {"memory.hits": 3.0, "memory.misses": 1.0, "size": 10.0}


def test_hits_and_misses_are_per_tier_when_the_backend_splits_them() -> None:
    data = {
        "hits": 5,
        "misses": 3,
        "hit_ratio": 0.625,
        "tiers": {
            "memory": {"hits": 4, "misses": 4, "latency": {"p50_ms": 0.1}},
            "redis": {"hits": 1, "misses": 3, "latency": {"p50_ms": None}},
        },
    }
    assert monitoring.hits_and_misses(data) == {
        "memory": {"hits": 4.0, "misses": 4.0},
        "redis": {"hits": 1.0, "misses": 3.0},
    }
    assert monitoring.hits_and_misses({"hits": 2, "misses": 1}) == {
        "all": {"hits": 2.0, "misses": 1.0}
    }


def test_counters_per_operation_in_long_form() -> None:
    data = {"operations": {"summarize": {"calls": 3, "failures": 1}, "qa": {}}, "breakers": []}
    table = monitoring.per_operation(data)
    assert table == {"summarize": {"calls": 3.0, "failures": 1.0}}
    assert monitoring.long_form(table, "operation") == {
        "operation": ["summarize", "summarize"],
        "counter": ["calls", "failures"],
        "value": [3.0, 1.0],
    }
    assert monitoring.per_operation({"operations": "none"}) == {}


@pytest.mark.parametrize(
    "data",
    [
        {"llm": "closed", "redis": "open"},
        {"llm": {"state": "closed", "failures": 0}, "redis": {"state": "open"}},
        {"breakers": [{"name": "llm", "state": "closed"}, {"name": "redis", "state": "open"}]},
        {"circuit_breakers": {"llm": {"state": "closed"}, "redis": {"state": "open"}}},
    ],
)
def test_breaker_states_from_any_usual_shape(data: object) -> None:
    states = monitoring.breaker_states(data)
    assert states == {"llm": "closed", "redis": "open"}
    assert monitoring.state_counts(states) == {"closed": 1, "open": 1}


def test_rates_are_the_numbers_named_rate() -> None:
    data = {"requests": {"total": 10, "rate_per_minute": 2.5}, "errors": {"error_rate": 0.1}}
    assert monitoring.rates(data) == {"requests.rate_per_minute": 2.5, "errors.error_rate": 0.1}
