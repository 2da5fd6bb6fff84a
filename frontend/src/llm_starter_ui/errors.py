"""ApiError: a failed backend call, and the message a person should read about it."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

import httpx
from pydantic import ValidationError

from llm_starter_models import ErrorResponse


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One rejected field and why."""

    field: str
    reason: str


class ApiError(Exception):
    """A call the backend refused or could not answer; `status` is None when no response came."""

    def __init__(
        self,
        status: int | None,
        code: str,
        message: str,
        *,
        problems: Iterable[FieldProblem] = (),
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        self.retry_after = retry_after
        self.request_id = request_id

    @classmethod
    def from_body(
        cls, status: int | None, body: ErrorResponse, *, retry_after: float | None = None
    ) -> Self:
        """The error a backend error body describes."""
        raw = (body.details or {}).get("errors", [])
        problems = [
            FieldProblem(str(item.get("field", "body")), str(item.get("reason", "invalid")))
            for item in raw
            if isinstance(item, dict)
        ]
        return cls(
            status,
            body.error_code,
            body.error,
            problems=problems,
            retry_after=retry_after,
            request_id=body.request_id,
        )

    @classmethod
    def from_response(cls, response: httpx.Response) -> Self:
        """The error an HTTP error response describes, whatever its body."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        try:
            body = ErrorResponse.model_validate_json(response.content)
        except ValidationError:
            # Not our error body (a proxy's page, an older backend): keep what HTTP tells.
            message = response.reason_phrase or f"HTTP {response.status_code}"
            return cls(response.status_code, "http_error", message, retry_after=retry_after)
        return cls.from_body(response.status_code, body, retry_after=retry_after)


class BackendUnreachable(ApiError):
    """No connection to the backend could be made."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(None, "unreachable", f"Backend unreachable at {base_url}: {reason}")
        self.base_url = base_url


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None when absent or bad."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def problems_of(exc: ValidationError) -> list[FieldProblem]:
    """Field and reason for each error of a client-side validation."""
    return [
        FieldProblem(
            ".".join(str(part) for part in error["loc"]) or "body",
            error["msg"].removeprefix("Value error, "),
        )
        for error in exc.errors(include_url=False, include_input=False)
    ]


def describe_problems(problems: Iterable[FieldProblem]) -> str:
    """A Markdown list of `field: reason` lines."""
    return "\n".join(f"- `{p.field}`: {p.reason}" for p in problems)


def _seconds(retry_after: float | None) -> str:
    return "a moment" if retry_after is None else f"{math.ceil(retry_after)} s"


def start_hint(base_url: str) -> str:
    """How to start a backend where the frontend looks for it."""
    port = httpx.URL(base_url).port
    command = "uvicorn llm_starter_api.main:create_app --factory" + (
        f" --port {port}" if port else ""
    )
    return (
        "Is the backend running? Start it with `make run` (the API and this UI together), or alone "
        f"with `{command}`. If it runs somewhere else, set `BACKEND_URL` for this frontend and "
        "restart it."
    )


def describe(error: ApiError) -> str:
    """What went wrong and what to do about it, as Markdown."""
    match error.status:
        case None if isinstance(error, BackendUnreachable):
            text = f"{error.message}\n\n{start_hint(error.base_url)}"
        case None:
            text = error.message
        case 401:
            text = "The backend refused the API key (401): check the key in the sidebar."
        case 429 if error.retry_after is None:
            # Waiting would not help (a batch costing more than the whole limit): say what would.
            text = f"Too many requests (429): {error.message}"
        case 429:
            text = f"Too many requests (429): retry in {_seconds(error.retry_after)}."
        case 503 if error.code == "rate_limit_unavailable":
            text = (
                "The backend cannot check rate limits right now (503): retry after "
                f"{_seconds(error.retry_after)}."
            )
        case 503:
            text = (
                "The model provider is unavailable (503): retry after "
                f"{_seconds(error.retry_after)}. {error.message}"
            )
        case 413 | 415 | 422:
            what = "too large for this backend" if error.status == 413 else "refused"
            # The message of a validation error only repeats the field list below.
            reason = ":" if error.problems else f": {error.message}"
            text = f"The input was {what} ({error.status}){reason}"
        case status:
            text = f"The backend answered {status}: {error.message}"
    if error.problems and error.status != 401:
        text += "\n" + describe_problems(error.problems)
    if error.request_id:
        text += f"\n\nRequest id: `{error.request_id}`"
    return text
