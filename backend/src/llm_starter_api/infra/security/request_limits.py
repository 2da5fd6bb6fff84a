"""Request body limits enforced while the body arrives: size, encoding and time."""

import asyncio

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.errors import AppError, error_response


class RequestTooLarge(AppError):
    status_code = 413
    error_code = "request_too_large"
    default_message = "The request body is too large"


class UnsupportedEncoding(AppError):
    status_code = 415
    error_code = "unsupported_media_type"
    default_message = "Compressed request bodies are not accepted; send Content-Encoding: identity"


class BodyTimeout(AppError):
    status_code = 408
    error_code = "request_timeout"
    default_message = "The request body did not arrive in time"


class _Interrupted(Exception):
    """Raised inside `receive` to stop the app reading; never leaves the middleware."""


class RequestLimitMiddleware:
    """Pure ASGI: 415 for compressed bodies, 413 once a body passes `max_bytes`, 408 once it
    takes longer than `timeout_seconds` to arrive.

    Decompressing bodies would let a small request expand without bound, so none are accepted.
    The byte count is of what arrives: a Content-Length above the limit is refused before reading,
    and a body longer than it claims (or chunked, with no length) is cut off at the limit.
    The time runs from the end of the headers to the body's last byte, whatever pace it comes at:
    uvicorn has no such timeout, so a client trickling a body could hold a connection for ever.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout_seconds: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            await self._refuse(scope, receive, send, UnsupportedEncoding())
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, self._too_large())
            return

        deadline = asyncio.get_running_loop().time() + self.timeout_seconds
        received = 0
        body_done = False
        failure: AppError | None = None
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, body_done, failure
            if body_done:
                return await receive()  # from here on only a disconnect: no deadline
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                failure = self._timed_out()
                raise _Interrupted from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    failure = self._too_large()
                    raise _Interrupted
                body_done = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            # Once refused, whatever the app makes of the interrupted body is replaced.
            if failure is not None and not response_started:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # Frameworks wrap errors raised while reading (FastAPI turns them into a 400), so
            # anything that escapes after a refusal is that interruption.
            if failure is None:
                raise
        if failure is not None and not response_started:
            await self._refuse(scope, receive, send, failure)

    def _too_large(self) -> RequestTooLarge:
        return RequestTooLarge(
            f"The request body is over this server's limit of {self.max_bytes} bytes",
            details={"max_bytes": self.max_bytes},
        )

    def _timed_out(self) -> BodyTimeout:
        return BodyTimeout(
            f"The request body did not arrive within {self.timeout_seconds:g} s",
            details={"timeout_seconds": self.timeout_seconds},
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
        # The rest of the body is never read, so the connection cannot carry another request.
        response = error_response(Request(scope), error, headers={"Connection": "close"})
        await response(scope, receive, send)
