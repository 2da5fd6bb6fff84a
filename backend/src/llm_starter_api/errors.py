"""The error tree, each class carrying its status code, and the one handler that renders them."""

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from llm_starter_models import ErrorResponse

logger = logging.getLogger(__name__)

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


def describe_validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Field and reason for each validation error, without echoing the input."""
    described = []
    for error in errors:
        if error.get("type") == "json_invalid":
            # FastAPI puts the character offset where the field name would be.
            position = error.get("loc", ("body", "?"))[-1]
            reason = error.get("ctx", {}).get("error", "JSON decode error")
            described.append(
                {"field": "body", "reason": f"invalid JSON at character {position}: {reason}"}
            )
            continue
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        described.append({"field": ".".join(location) or "body", "reason": message})
    return described


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
    problems = describe_validation_errors(exc.errors())
    summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
    return error_response(request, InvalidInput(summary, details={"errors": problems}))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
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
