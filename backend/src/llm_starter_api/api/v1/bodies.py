"""Request bodies of the text routes, read and validated once, as their operation's own model.

The models come from the operation registry at run time (plug-ins add their own), so the routes
take them through these dependencies rather than as FastAPI body parameters; the OpenAPI document
gets their schemas from the registry too (main.py). A body CachedAnswers already parsed is used as
it left it: a request is parsed once.
"""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from llm_starter_api.api.strict_json import check_media_type, read_json
from llm_starter_api.text.registry import Registry
from llm_starter_models import BatchTextProcessingRequest, TextProcessingRequest

PARSED = "parsed_body"
"""Where in the request's state a body parsed ahead of the route is kept."""
PREPARED = "prepared_body"
"""Where CachedAnswers leaves the checked and keyed request (`TextService.lookup`) for the route."""


def as_request_error(exc: ValidationError) -> RequestValidationError:
    """A body's validation errors as FastAPI reports them (located under `body`)."""
    errors = exc.errors(include_url=False, include_input=False)
    return RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in errors])


async def _parsed[T](request: Request, adapter: TypeAdapter[T]) -> T:
    check_media_type(request.headers.get("content-type", ""))
    body = await request.body()
    try:
        return adapter.validate_json(body)
    except ValidationError as exc:
        if not _unreadable(exc):
            raise as_request_error(exc) from None
    # Rare: say what is wrong with it, which the fast parser's message may not.
    try:
        return adapter.validate_python(read_json(body))
    except ValidationError as exc:
        raise as_request_error(exc) from None


def _unreadable(exc: ValidationError) -> bool:
    return any(error["type"] == "json_invalid" for error in exc.errors())


async def process_body(request: Request) -> TextProcessingRequest:
    """POST /process's body, as its operation's request model."""
    parsed: TextProcessingRequest | None = request.scope.get("state", {}).get(PARSED)
    if parsed is not None:
        return parsed
    operations: Registry = request.app.state.operations
    return await _parsed(request, operations.request_adapter)


async def batch_body(request: Request) -> BatchTextProcessingRequest:
    """A batch's body, each request as its operation's request model."""
    operations: Registry = request.app.state.operations
    return await _parsed(request, operations.batch_adapter)


def body_schema(name: str) -> dict[str, Any]:
    """The OpenAPI `requestBody` of a route taking the registry's model `name`."""
    schema = {"$ref": f"#/components/schemas/{name}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


ProcessBody = Annotated[TextProcessingRequest, Depends(process_body)]
BatchBody = Annotated[BatchTextProcessingRequest, Depends(batch_body)]
