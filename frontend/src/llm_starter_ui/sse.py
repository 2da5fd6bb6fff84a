"""Reading the streaming endpoint's Server-Sent Events into text chunks and a final response."""

import json
from collections.abc import Iterator

import httpx
from httpx_sse import EventSource, SSEError
from pydantic import ValidationError

from llm_starter_models import ErrorResponse, TextProcessingResponse
from llm_starter_ui.errors import ApiError

# An `event: error` arrives after the 200 status line, so its HTTP status is implied by its code.
STATUS_OF_CODE = {
    "prompt_injection": 400,
    "unauthorized": 401,
    "not_found": 404,
    "request_too_large": 413,
    "unsupported_media_type": 415,
    "validation_error": 422,
    "rate_limited": 429,
    "provider_error": 502,
    "provider_unavailable": 503,
}


def _invalid(what: str) -> ApiError:
    return ApiError(None, "invalid_stream", f"The backend's stream was malformed: {what}")


def read_stream(response: httpx.Response) -> Iterator[str | TextProcessingResponse]:
    """Yield each `delta` text, then the `done` response; raise ApiError on `error` or a cut."""
    try:
        for event in EventSource(response).iter_sse():
            match event.event:
                case "delta":
                    data = json.loads(event.data)
                    text = data.get("text") if isinstance(data, dict) else None
                    if not isinstance(text, str):
                        raise _invalid("a delta without text")
                    yield text
                case "done":
                    yield TextProcessingResponse.model_validate_json(event.data)
                    return
                case "error":
                    body = ErrorResponse.model_validate_json(event.data)
                    raise ApiError.from_body(STATUS_OF_CODE.get(body.error_code, 500), body)
                case _:
                    continue  # Comments, keep-alives and future event kinds carry nothing for us.
    except SSEError as exc:
        raise _invalid(str(exc)) from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise _invalid(type(exc).__name__) from exc
    except httpx.TransportError as exc:
        raise ApiError(None, "stream_interrupted", f"The stream was interrupted: {exc}") from exc
    raise ApiError(None, "stream_incomplete", "The stream ended before the result arrived")
