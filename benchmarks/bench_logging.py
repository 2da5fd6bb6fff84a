"""One JSON access line: the app's logging path (structlog through the standard library) against
structlog's native loggers, next to serialising the same fields alone.

The app routes structlog through `logging`, so that uvicorn's and the libraries' lines share one
format and handler; this group prices that choice per line (docs/observability.md).
"""

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
import structlog
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.infra.monitoring.logs import configure_logging

FIELDS: dict[str, Any] = {
    "method": "POST",
    "route": "/v1/text_processing/process",
    "status": 200,
    "duration_ms": 1.23,
    "cache_hit": True,
    "model": "local",
    "injection_flagged": None,
}


@pytest.fixture
def devnull() -> Iterator[Any]:
    with open(os.devnull, "w") as sink:
        yield sink
    structlog.reset_defaults()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == "llm_starter_api"]:
        root.removeHandler(handler)


def _line(logger: Any) -> Callable[[], None]:
    return lambda: logger.info("request", **FIELDS)


@pytest.mark.benchmark(group="logging")
def test_baseline_serialise_the_fields(benchmark: BenchmarkFixture) -> None:
    benchmark(lambda: orjson.dumps({"event": "request", **FIELDS}))


@pytest.mark.benchmark(group="logging")
def test_access_line_through_the_standard_library(
    benchmark: BenchmarkFixture, devnull: Any
) -> None:
    configure_logging(level="INFO", fmt="json", stream=devnull)
    # Only the app's handler, as in production: pytest's capture handlers would be priced too.
    root = logging.getLogger()
    others = [handler for handler in root.handlers if handler.get_name() != "llm_starter_api"]
    for handler in others:
        root.removeHandler(handler)
    try:
        benchmark(_line(structlog.get_logger("llm_starter_api.access")))
    finally:
        for handler in others:
            root.addHandler(handler)


@pytest.mark.benchmark(group="logging")
def test_access_line_through_structlog_native(benchmark: BenchmarkFixture, devnull: Any) -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(
                serializer=lambda value, **_: orjson.dumps(value, default=str).decode()
            ),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.WriteLoggerFactory(file=devnull),
        cache_logger_on_first_use=False,
    )
    benchmark(_line(structlog.get_logger().bind(logger="llm_starter_api.access")))
