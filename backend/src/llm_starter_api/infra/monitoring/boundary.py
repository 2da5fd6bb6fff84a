"""The last line of defence inside our middleware: an unhandled error still gets the one error body.

Starlette answers unhandled errors from its outermost layer, outside every middleware of ours, so
its 500 would carry no X-Request-ID and no security headers. Caught here instead, it does, and the
access log records it like any other response.
"""

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.errors import AppError, error_response

logger = logging.getLogger(__name__)


class ErrorBoundaryMiddleware:
    """Pure ASGI: logs an unhandled error with its traceback and answers 500, never the details."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            # Broad on purpose: this is where anything not handled below ends up.
            logger.exception("unhandled error")
            if started:
                raise  # half a response is out; only the server can end it
            await error_response(Request(scope), AppError())(scope, receive, send)
