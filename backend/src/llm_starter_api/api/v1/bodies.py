"""Request bodies of the text routes, read and validated once, as their operation's own model.

The models come from the operation registry at run time (plug-ins add their own), so the routes
take them through these dependencies rather than as FastAPI body parameters; the OpenAPI document
gets their schemas from the registry too (main.py). A body CachedAnswers already parsed is used as
it left it: a request is parsed once.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from llm_starter_api.errors import AppError
from llm_starter_api.text.registry import Registry
from llm_starter_models import BatchTextProcessingRequest, TextProcessingRequest

PARSED = "parsed_body"
"""Where in the request's state a body parsed ahead of the route is kept."""
PREPARED = "prepared_body"
"""Where CachedAnswers leaves the checked and keyed request (`TextService.lookup`) for the route."""


class UnsupportedMediaType(AppError):
    status_code = 415
    error_code = "unsupported_media_type"
    default_message = "Content-Type must be application/json (UTF-8)"


def check_media_type(content_type: str) -> None:
    """Refuse bodies that are not JSON in UTF-8 (RFC 8259 allows no other encoding)."""
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip().lower() != "application/json":
        shown = content_type[:100] or "missing"
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {shown}")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise UnsupportedMediaType(
                f"JSON bodies must be UTF-8, not charset={value.strip()[:40]}"
            )


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


class MalformedBody(AppError):
    status_code = 422
    error_code = "validation_error"
    default_message = "body: invalid JSON"


def read_json(body: bytes) -> Any:
    """The body's JSON, or MalformedBody saying exactly why not (encoding, syntax, size, depth).

    The standard library's parser is the second opinion: it reads what the fast parser refuses
    for reasons of its own (a lone surrogate escape, which validation then names by field).
    """
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body[:4]:
        raise UnsupportedMediaType(
            "JSON bodies must be UTF-8; this one looks like UTF-16 or UTF-32"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed(f"not valid UTF-8 (byte {exc.start} cannot start a character)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _malformed(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise _malformed("JSON nested too deeply to read") from None
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits()
        raise _malformed(f"a number too long to read ({str(exc).split(':')[0]})") from None


def _malformed(reason: str) -> MalformedBody:
    return MalformedBody(
        f"body: {reason}", details={"errors": [{"field": "body", "reason": reason}]}
    )


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
