"""The error tree, each class carrying its status code, and the one handler that renders them."""

import logging
from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from llm_starter_models import ErrorResponse

logger = logging.getLogger(__name__)

HTTP_ERROR_CODES = {404: "not_found", 405: "method_not_allowed"}
"""The `error_code` of the framework's own refusals (unknown route, method not allowed)."""
HTTP_ERROR_FALLBACK = "http_error"
"""Any other refusal raised by the framework itself; no route of ours raises one."""

_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


class AppError(Exception):
    """Base of every error the API reports on purpose; `message` is safe to show to users."""

    status_code: ClassVar[int] = 500
    error_code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.retry_after = retry_after
        super().__init__(self.message)


class InvalidInput(AppError):
    status_code = 422
    error_code = "validation_error"
    default_message = "The request is invalid"


class Unauthorized(AppError):
    status_code = 401
    error_code = "unauthorized"
    default_message = "A valid API key is required (Authorization: Bearer <key> or X-API-Key)"


class Forbidden(AppError):
    status_code = 403
    error_code = "forbidden"
    default_message = "This API key may not use this route"


class NotFound(AppError):
    status_code = 404
    error_code = "not_found"
    default_message = "Not found"


class ProviderUnavailable(AppError):
    """Transient provider failure (timeout, 429, 5xx, connection): worth retrying later."""

    status_code = 503
    error_code = "provider_unavailable"
    default_message = "The language model is temporarily unavailable; retry later"


class ProviderRejected(AppError):
    """Permanent provider failure (bad key, bad request, invalid output): retrying will not help."""

    status_code = 502
    error_code = "provider_error"
    default_message = "The language model provider rejected the request"


class InvalidModelOutput(ProviderRejected):
    """The model answered, but not in the shape the operation needs (after its retry and, where
    configured, every output mode and fallback model)."""

    error_code = "invalid_model_output"
    default_message = "The language model returned an invalid answer"


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting each status with the one error body."""
    return {
        status: {"model": ErrorResponse, "description": text}
        for status, text in descriptions.items()
    }


def error_response(
    request: Request, error: AppError, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """Render an error as the one error body."""
    all_headers = dict(headers or {})
    if error.retry_after is not None:
        all_headers["Retry-After"] = str(max(1, round(error.retry_after)))
    return _render(
        request, error.status_code, error.error_code, error.message, error.details, all_headers
    )


def error_body(request: Request, error: AppError) -> ErrorResponse:
    """The error body for an error, e.g. inside an event stream."""
    return ErrorResponse(
        error=error.message,
        error_code=error.error_code,
        details=error.details,
        request_id=getattr(request.state, "request_id", None),
    )


def _render(
    request: Request,
    status_code: int,
    error_code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        error=message,
        error_code=error_code,
        details=details,
        request_id=getattr(request.state, "request_id", None),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code, headers=headers)


def describe_validation_errors(
    errors: Sequence[Any], *, tags: Collection[str] = ()
) -> list[dict[str, str]]:
    """Field and reason for each validation error, without echoing the input.

    `tags` are the operation ids that pick a request's model: pydantic puts the chosen one in the
    error's location, where a client would not look for it.
    """
    described = []
    for error in errors:
        kind = error.get("type")
        if kind == "json_invalid":
            # FastAPI puts the character offset where the field name would be; pydantic says it.
            reason = error.get("ctx", {}).get("error") or error.get("msg", "JSON decode error")
            described.append({"field": "body", "reason": f"invalid JSON: {reason}"})
            continue
        location = _location(error.get("loc", ()), tags)
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            expected = ", ".join(tags) if tags else "see GET /v1/text_processing/operations"
            reason = (
                "Field required"
                if kind == "union_tag_not_found"
                else f"not an operation of this server; expected one of: {expected}"
            )
            described.append({"field": ".".join([*location, "operation"]), "reason": reason})
            continue
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        described.append({"field": ".".join(location) or "body", "reason": message})
    return described


def _location(loc: Sequence[object], tags: Collection[str]) -> list[str]:
    """The field path a client sent, without `body` and without the operation tags."""
    parts: list[str] = []
    previous: object = None
    for part in loc:
        chosen_model = (
            isinstance(part, str)
            and part in tags
            and (previous == "body" or isinstance(previous, int))
        )
        if part != "body" and not chosen_model:
            parts.append(str(part))
        previous = part
    return parts


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(request, exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    content_type = request.headers.get("content-type", "")
    if request.method in ("POST", "PUT", "PATCH") and "json" not in content_type:
        return _render(
            request,
            415,
            "unsupported_media_type",
            f"Content-Type must be application/json, not {content_type[:100] or 'missing'}",
        )
    operations = getattr(request.app.state, "operations", None)
    problems = describe_validation_errors(exc.errors(), tags=operations.ids if operations else ())
    summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
    return error_response(request, InvalidInput(summary, details={"errors": problems}))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_ERROR_CODES.get(exc.status_code, HTTP_ERROR_FALLBACK)
    headers = exc.headers
    if exc.status_code == 405:
        # Starlette's Allow names the first route matching the path; a path may have several.
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return _render(request, exc.status_code, code, str(exc.detail), headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    # Probe each method against the routes: included routers need not expose their routes.
    def answers(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)

    return [method for method in _METHODS if answers(method)]


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The last line of defence: log the traceback, never send it.
    logger.exception("unhandled error", exc_info=exc)
    return error_response(request, AppError())


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the one error body."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
