"""Per request: an X-Request-ID, one metric sample and one log line (route template, never raw path)."""

import logging
import os
import re
import time

import structlog
from prometheus_client import Counter, Histogram
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.infra.monitoring.context import end_notes, start_notes
from llm_starter_api.infra.monitoring.metrics import HTTP_DURATION, HTTP_REQUESTS

logger = structlog.get_logger("llm_starter_api.access")
_stdlib_logger = logging.getLogger("llm_starter_api.access")

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_PARAM = re.compile(r"\\\{[^}]*\\\}")  # an escaped `{name}` in re.escape's output
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes arrive every few seconds; their lines are debug-level noise.
QUIET_ROUTES = frozenset({"/v1/health/live", "/v1/health/ready", "/metrics"})


class RouteTemplates:
    """Request paths to the app's route templates (`/v1/text_processing/batch_status/{batch_id}`).

    A routed request is labelled from the route the router left in its scope (the route's own
    template, behind the prefix it was included under). A request a middleware answered before
    routing (a 429, a 413) is matched against every template, gathered on the first such request
    from the OpenAPI document: only refused requests ever pay for building it.
    """

    def __init__(self) -> None:
        self._prefixes: dict[int, str] = {}
        self._static: set[str] | None = None
        self._patterns: list[tuple[re.Pattern[str], str]] = []

    def __call__(self, scope: Scope) -> str:
        """The template, or `unmatched`: raw paths never become labels."""
        if (template := scope.get("route_template")) is not None:
            return str(template)
        path: str = scope["path"]
        route = scope.get("route")
        regex, template = getattr(route, "path_regex", None), getattr(route, "path_format", None)
        if isinstance(regex, re.Pattern) and isinstance(template, str):
            return self._prefix(path, regex, id(route)) + template
        return self._unrouted(scope.get("app"), path)

    def _prefix(self, path: str, regex: re.Pattern[str], key: int) -> str:
        # The route matches the path's tail; what comes before is the prefix it was included under.
        known = self._prefixes.get(key)
        if known is not None and path.startswith(known) and regex.match(path[len(known) :]):
            return known
        cut = next((i for i, char in enumerate(path) if char == "/" and regex.match(path[i:])), 0)
        self._prefixes[key] = path[:cut]
        return path[:cut]

    def _unrouted(self, app: object, path: str) -> str:
        if self._static is None:
            openapi = getattr(app, "openapi", None)
            paths = [*(openapi().get("paths", {}) if callable(openapi) else ())]
            paths += [r.path for r in getattr(app, "routes", ()) if isinstance(r, Route)]
            self._static = {p for p in paths if "{" not in p}
            self._patterns = [
                (re.compile(_PARAM.sub("[^/]+", re.escape(p)) + "$"), p)
                for p in dict.fromkeys(paths)
                if "{" in p
            ]
        if path in self._static:
            return path
        return next((t for regex, t in self._patterns if regex.match(path)), "unmatched")


class AccessMiddleware:
    """Pure ASGI, outermost: ids, counts and times every HTTP request and writes its log line.

    The id is the client's `X-Request-ID` when sane, else generated; it is in
    `request.state.request_id`, on every log line written meanwhile, and on the response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.templates = RouteTemplates()
        # The metric children of each (method, route, status): `labels()` validates and locks on
        # every call, and the set of keys is bounded by the app's routes.
        self._samples: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        encoded_id = request_id.encode("latin-1")
        status = 500  # what the client gets if the app fails before answering
        notes, token = start_notes()
        # Every log line written while the request runs carries its id.
        bound = structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", encoded_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            seconds = time.perf_counter() - started
            end_notes(token)
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = self.templates(scope)
            key = (method, route, status)
            if (samples := self._samples.get(key)) is None:
                samples = self._samples[key] = (
                    HTTP_REQUESTS.labels(method, route, str(status)),
                    HTTP_DURATION.labels(method, route),
                )
            samples[0].inc()
            samples[1].observe(seconds)
            level = logging.DEBUG if route in QUIET_ROUTES and status < 400 else logging.INFO
            # Asked first: below LOG_LEVEL, the line's fields are not even gathered.
            if _stdlib_logger.isEnabledFor(level):
                logger.log(
                    level,
                    "request",
                    method=method,
                    route=route,
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                    cache_hit=notes.cache_hit,
                    model=notes.model,
                    injection_flagged=notes.injection_flagged or None,
                )
            structlog.contextvars.reset_contextvars(**bound)


def _request_id(scope: Scope) -> str:
    """The client's id when sane, else 32 random hex digits (as uuid4().hex, at a third of the cost)."""
    incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
    request_id = incoming if _SANE_ID.match(incoming) else os.urandom(16).hex()
    scope.setdefault("state", {})["request_id"] = request_id
    return request_id
