"""A bare FastAPI app answering the same routes with the same JSON: the floor under load.

`scripts/bench_servers.py` runs it beside the real app, so the cost of everything the real app does
on a cache hit (auth, limits, logs, metrics, the cache lookup) shows as a ratio to this. It also
runs the real app with none of our middleware (`create_app_without_middleware`), so the middleware
stack's own cost shows on the same endpoints.
"""

from fastapi import FastAPI
from fastapi.responses import Response

from llm_starter_models import HealthResponse, TextProcessingRequest, TextProcessingResponse

_RESPONSE = TextProcessingResponse(
    operation="summarize",
    result="Rivers carry water to the sea. The Nile is the longest river in Africa.",
    metadata={"word_count": 24, "model": "local", "prompt_version": "bench"},
    processing_time=0.0001,
    cache_hit=True,
).model_dump_json()


def create_app() -> FastAPI:
    """The bare app: request validation and a fixed response, nothing else."""
    app = FastAPI()

    @app.get("/v1/health")
    async def health() -> HealthResponse:
        return HealthResponse(status="healthy", version="bare", ai_model_available=True)

    @app.post("/v1/text_processing/process")
    async def process(request: TextProcessingRequest) -> Response:
        return Response(_RESPONSE, media_type="application/json")

    return app


def create_app_without_middleware() -> FastAPI:
    """The real app, settings from the environment, with none of our middleware."""
    # Imported here: the bare app's own start-up (benchmarks/bench_startup.py) must not pay for it.
    from llm_starter_api.main import create_app as create_real_app

    app = create_real_app()
    app.user_middleware.clear()
    return app
