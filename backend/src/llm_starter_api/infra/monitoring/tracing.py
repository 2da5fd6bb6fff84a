"""OpenTelemetry traces of requests and model calls; on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The packages come with the backend's `otel` extra (`pip install 'llm-starter-api[otel]'`).
Model spans follow the gen_ai semantic conventions (pydantic-ai's instrumentation) and leave out
prompts and completions: traces go to third-party collectors, user text does not.
"""

from typing import TYPE_CHECKING

from fastapi import FastAPI
from pydantic_ai import Agent
from pydantic_ai.models.instrumented import InstrumentationSettings

from llm_starter_api.config import ConfigError, Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

# Probes and scrapes arrive every few seconds and would drown the traces that matter.
EXCLUDED_URLS = "/v1/health/live,/v1/health/ready,/metrics"


def _exporting_provider(settings: Settings) -> "TracerProvider":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    endpoint = (settings.otel_exporter_otlp_endpoint or "").rstrip("/")
    # The variable names the collector's base URL, as OpenTelemetry's own SDKs read it.
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name})
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def setup_tracing(
    app: FastAPI, settings: Settings, *, provider: "TracerProvider | None" = None
) -> "TracerProvider | None":
    """Trace the app's requests and every agent's model calls; None when tracing is off."""
    if provider is None and settings.otel_exporter_otlp_endpoint is None:
        return None
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    except ImportError:
        raise ConfigError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
            "install the backend with its otel extra (llm-starter-api[otel])"
        ) from None
    provider = provider or _exporting_provider(settings)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
    Agent.instrument_all(InstrumentationSettings(tracer_provider=provider, include_content=False))
    return provider
