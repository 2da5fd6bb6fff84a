"""Cancel a POST handler when its client goes away, so no model call runs for nobody."""

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

WATCH_AFTER_SECONDS = 0.05
"""How long a request runs before its connection is watched.

Most POSTs (cache hits, refusals) finish sooner, and skipping the watcher task for them saves a
sixth of a cache hit's cost; a model call takes far longer, and a client that leaves during the
first 50 ms is still noticed at 50 ms.
"""


class CancelOnDisconnect:
    """Pure ASGI middleware: after the request body, watch for `http.disconnect` and cancel."""

    def __init__(self, app: ASGIApp, *, watch_after: float = WATCH_AFTER_SECONDS) -> None:
        self.app = app
        self.watch_after = watch_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette never cancels a running endpoint itself; only POST routes call models.
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        gone = asyncio.Event()
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

        async def watch(handler: asyncio.Timeout) -> None:
            await body_read.wait()
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            # Servers also report a disconnect once the response is complete: nothing to stop then.
            if not responded:
                logger.info("client disconnected; cancelling %s", scope["path"])
                handler.reschedule(-1)  # due at once: cancels the handler

        watchers: list[asyncio.Task[None]] = []
        # asyncio's own timeout, with no deadline until the watcher sets one: the cheapest way to
        # cancel this task and tell that cancellation from any other (a task group would also
        # wrap the handler's own errors in groups).
        handler = asyncio.timeout(None)
        timer = asyncio.get_running_loop().call_later(
            self.watch_after, lambda: watchers.append(asyncio.create_task(watch(handler)))
        )
        try:
            async with handler:
                await self.app(scope, app_receive, app_send)
        except TimeoutError:
            if not handler.expired():
                raise  # the handler's own timeout, not the client leaving
        finally:
            timer.cancel()
            for watcher in watchers:
                watcher.cancel()
