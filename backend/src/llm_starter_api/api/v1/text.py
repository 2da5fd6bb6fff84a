"""Text processing routes: thin translations to TextService and BatchRunner."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from llm_starter_api.api.v1 import health
from llm_starter_api.api.v1.bodies import PREPARED, BatchBody, ProcessBody, body_schema
from llm_starter_api.deps import (
    BatchRunnerDep,
    CurrentKey,
    ResourcesDep,
    SettingsDep,
    TextServiceDep,
    require_api_key,
)
from llm_starter_api.errors import AppError, NotFound, error_body, error_responses
from llm_starter_api.infra.security.rate_limit import charge
from llm_starter_api.text.batch import check_size, owner_of
from llm_starter_api.text.registry import Registry
from llm_starter_models import (
    BatchTextProcessingResponse,
    ErrorResponse,
    HealthResponse,
    OperationsResponse,
    TextProcessingRequest,
    TextProcessingResponse,
)

_ERRORS = error_responses(
    {
        401: "Missing or invalid API key",
        422: "Invalid input: the body names each field and reason",
        502: "The model provider rejected the request",
        503: "The model provider is temporarily unavailable (Retry-After)",
    }
)

router = APIRouter(
    prefix="/text_processing",
    tags=["text processing"],
    dependencies=[Depends(require_api_key)],
    responses=_ERRORS,
)


@router.get("/operations")
async def operations(settings: SettingsDep, http: Request) -> OperationsResponse:
    """The operations, their options with ranges, and this server's input limits."""
    registry: Registry = http.app.state.operations
    return OperationsResponse(
        operations=registry.catalog(),
        max_text_length=settings.max_text_length,
        max_batch_size=settings.max_batch_size,
    )


@router.post("/process", openapi_extra=body_schema("ProcessRequest"))
async def process(
    request: ProcessBody, service: TextServiceDep, key: CurrentKey, http: Request
) -> TextProcessingResponse:
    """Run one operation on one text."""
    prepared = http.scope.get("state", {}).get(PREPARED)
    return await service.process(request, owner=owner_of(key), prepared=prepared)


async def _streamable(request: ProcessBody, service: TextServiceDep) -> TextProcessingRequest:
    # Checked before the stream opens, so bad input gets a plain 4xx rather than an error event.
    service.check_streamable(request)
    return request


@router.post(
    "/process/stream",
    response_class=EventSourceResponse,
    openapi_extra=body_schema("StreamRequest"),
)
async def process_stream(
    request: Annotated[TextProcessingRequest, Depends(_streamable)],
    service: TextServiceDep,
    http: Request,
) -> AsyncIterator[ServerSentEvent]:
    """Stream summarize or qa as Server-Sent Events: `delta` chunks, then `done` or `error`."""
    try:
        async for item in service.stream(request):
            if isinstance(item, str):
                yield ServerSentEvent(event="delta", data={"text": item})
            else:
                yield ServerSentEvent(event="done", data=item)
    except AppError as exc:
        yield ServerSentEvent(event="error", data=error_body(http, exc))


@router.post("/batch_process", openapi_extra=body_schema("BatchRequest"))
async def batch_process(
    batch: BatchBody, runner: BatchRunnerDep, key: CurrentKey
) -> BatchTextProcessingResponse:
    """Run several requests; each item reports its own success or failure."""
    await charge(check_size(batch, runner.max_size))  # a unit per item; 429 if they do not fit
    return await runner.run(batch, owner=owner_of(key))


@router.get("/batch_status/{batch_id}", responses={404: {"model": ErrorResponse}})
async def batch_status(
    batch_id: str, resources: ResourcesDep, key: CurrentKey
) -> BatchTextProcessingResponse:
    """The stored outcome of a finished batch, kept for the retention period."""
    outcome = await resources.batch_store.get(owner_of(key), batch_id)
    if outcome is None:
        raise NotFound(f"No finished batch {batch_id!r} is known (unknown, expired, or not yours)")
    return outcome


@router.get("/health")
async def text_health(resources: ResourcesDep) -> HealthResponse:
    """Health of the text-processing service: the same summary as /v1/health."""
    return await health.health_summary(resources)
