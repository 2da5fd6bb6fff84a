"""Cancel a POST handler when its client goes away, so no model call runs for nobody."""

import asyncio
import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


class CancelOnDisconnect:
    """Pure ASGI middleware: after the request body, watch for `http.disconnect` and cancel."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette never cancels a running endpoint itself; only POST routes call models.
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body_read = anyio.Event()
        gone = anyio.Event()
        responded = False

        async def app_receive() -> Message:
            if body_read.is_set():
                # The watcher reads the connection from here on; pass on what it sees.
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            elif not message.get("more_body", False):
                body_read.set()
            return message

        async def app_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                responded = True
            await send(message)

        async def watch(scope_to_cancel: anyio.CancelScope) -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            # Servers also report a disconnect once the response is complete: nothing to stop then.
            if not responded:
                logger.info("client disconnected; cancelling %s", scope["path"])
                scope_to_cancel.cancel()

        # A cancel scope rather than a task group: the handler's own errors stay ungrouped.
        with anyio.CancelScope() as cancel_scope:
            watcher = asyncio.create_task(watch(cancel_scope))
            try:
                await self.app(scope, app_receive, app_send)
            finally:
                watcher.cancel()
