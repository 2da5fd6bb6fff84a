"""How JSON bodies are read: 415 for what is not JSON in UTF-8, a 422 naming why JSON is unreadable.

FastAPI answers a body it cannot decode with a bare 400 "There was an error parsing the body" and
validates `text/json` or a UTF-16 body as if it were fine. Routes of this class read the body
first: 415 for another media type or charset, and a 422 naming the reason (not UTF-8, nested too
deeply, a number too long) for a body that is not readable JSON.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from llm_starter_api.errors import AppError


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


class StrictJsonRoute(APIRoute):
    """An APIRoute whose JSON body is checked by `check_media_type` and `read_json` first."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def strict_handler(request: Request) -> Response:
            body = await request.body()  # kept by the request: the handler reads it again
            if body:
                check_media_type(request.headers.get("content-type", ""))
                read_json(body)
            return await handler(request)

        return strict_handler
