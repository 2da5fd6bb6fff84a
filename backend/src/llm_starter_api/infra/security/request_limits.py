"""Request body limits enforced while the body arrives, whatever Content-Length claims."""

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


class _BodyTooLarge(Exception):
    """Raised inside `receive` to stop the app reading; never leaves the middleware."""


class RequestLimitMiddleware:
    """Pure ASGI: 415 for compressed bodies, 413 once a body passes `max_bytes`.

    Decompressing bodies would let a small request expand without bound, so none are accepted.
    The byte count is of what arrives: a Content-Length above the limit is refused before reading,
    and a body longer than it claims (or chunked, with no length) is cut off at the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

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

        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            # Once over the limit, whatever the app makes of the interrupted body is replaced.
            if exceeded and not response_started:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Frameworks wrap errors raised while reading (FastAPI turns them into a 400), so
            # anything that escapes after the limit was passed is that interruption.
            if not exceeded:
                raise
        if exceeded and not response_started:
            await self._refuse(scope, receive, send, self._too_large())

    def _too_large(self) -> RequestTooLarge:
        return RequestTooLarge(
            f"The request body is over this server's limit of {self.max_bytes} bytes",
            details={"max_bytes": self.max_bytes},
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
        await error_response(Request(scope), error)(scope, receive, send)
