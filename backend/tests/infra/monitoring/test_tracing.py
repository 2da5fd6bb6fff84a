"""OpenTelemetry: off by default; with a provider, a request yields an HTTP span and a gen_ai span."""

from collections.abc import Iterator

import pytest
from apitest import make_settings, serve

# The dev environment installs the backend's otel extra: a missing extra fails here, never skips.
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk import trace as sdk
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic_ai import Agent

from llm_starter_api.config import ConfigError
from llm_starter_api.infra.monitoring.tracing import setup_tracing
from llm_starter_api.main import create_app


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    # Instrumentation is process-wide: leave the other tests untraced.
    Agent.instrument_all(False)


def test_tracing_is_off_without_an_endpoint() -> None:
    app = create_app(make_settings())
    assert setup_tracing(app, make_settings()) is None


async def test_a_request_produces_an_http_span_and_a_gen_ai_span(
    exporter: InMemorySpanExporter,
) -> None:
    app = create_app(make_settings())
    provider = sdk.TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    setup_tracing(app, make_settings(), provider=provider)
    try:
        async with serve(app) as client:
            response = await client.post(
                "/v1/text_processing/process",
                json={
                    "text": "The river rose overnight and closed two roads.",
                    "operation": "summarize",
                },
            )
    finally:
        FastAPIInstrumentor.uninstrument_app(app)
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    http = [
        s for s in spans if (s.attributes or {}).get("http.route") == "/v1/text_processing/process"
    ]
    gen_ai = [s for s in spans if "gen_ai.operation.name" in (s.attributes or {})]
    assert http, [s.name for s in spans]
    assert gen_ai, [s.name for s in spans]
    # Prompts and answers stay out of traces.
    assert all("river rose" not in str(dict(s.attributes or {})) for s in gen_ai)


def test_an_endpoint_without_the_extra_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_otel(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("opentelemetry.instrumentation"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_otel)
    with pytest.raises(ConfigError, match="otel extra"):
        create_app(make_settings(otel_exporter_otlp_endpoint="http://127.0.0.1:4318"))
