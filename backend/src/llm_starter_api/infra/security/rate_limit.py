"""The rate-limit middleware: classes routes by a table it is given, charges one unit on entry.

A route whose cost is known only once its body is parsed (a batch of N items) calls `charge(N)`
for the rest; the limiter never learns our routes except from the table and those calls.
"""

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm_starter_api.errors import AppError, error_response
from llm_starter_api.infra.monitoring.metrics import RATE_LIMITED
from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.infra.security.client import Network, client_identity
from llm_starter_api.infra.security.limiter import Decision, RateLimited, RateLimiter, RouteClass

type Classify = Callable[[str, str], RouteClass | None]
"""(path, method) to the request's class, or None for a request that is never limited."""


@dataclass(frozen=True, slots=True)
class RouteRule:
    """Requests to `path` or below it (only `path` itself when `exact`), with one of `methods`
    (any when empty), fall in `route_class`; None means never limited."""

    path: str
    route_class: RouteClass | None
    methods: frozenset[str] = frozenset()
    exact: bool = False

    def matches(self, path: str, method: str) -> bool:
        """Whether a request falls under this rule."""
        if self.methods and method not in self.methods:
            return False
        if self.exact:
            return path == self.path
        return path == self.path or path.startswith(f"{self.path.rstrip('/')}/")


class RouteTable:
    """Classifies a request by the first rule it matches; requests no rule matches are `default`."""

    def __init__(self, rules: Sequence[RouteRule], default: RouteClass = RouteClass.STANDARD):
        self.rules = tuple(rules)
        self.default = default

    def __call__(self, path: str, method: str) -> RouteClass | None:
        for rule in self.rules:
            if rule.matches(path, method):
                return rule.route_class
        return self.default


@dataclass(slots=True)
class Meter:
    """What the current request has been charged, and the decision its headers report."""

    limiter: RateLimiter
    route_class: RouteClass
    identity: str
    decision: Decision
    charged: int = 1


_meter: ContextVar[Meter | None] = ContextVar("rate_limit_meter", default=None)


async def charge(cost: int) -> None:
    """Make the current request cost `cost` units of its class in all (its entry paid one).

    Raises RateLimited (429, with the cost and the allowance left) when the rest does not fit;
    does nothing in a request no limit applies to (limits off, or an exempt route).
    """
    meter = _meter.get()
    if meter is None or cost <= meter.charged:
        return
    decision = await meter.limiter.hit(meter.route_class, meter.identity, cost - meter.charged)
    meter.decision = decision
    if decision.allowed:
        meter.charged = cost
        return
    name = meter.route_class.value
    RATE_LIMITED.labels(name).inc()
    details = {
        "route_class": name,
        "cost": cost,
        "remaining": max(0, decision.remaining),
        "limit": decision.limit,
    }
    if cost > decision.limit:
        raise RateLimited(
            f"This request costs {cost} {name} units, more than the limit of {decision.limit} "
            "allows in one window: send fewer items per request",
            details=details,
        )
    raise RateLimited(
        f"This request costs {cost} {name} units and {details['remaining']} remain: retry after "
        "Retry-After, or send fewer items",
        details=details,
        retry_after=decision.retry_after(),
    )


def route_path(scope: Scope) -> str:
    """The path as the app's routes see it: without the root path a proxy mounts the app under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path.removeprefix(root) if root and path.startswith(root) else path


class RateLimitMiddleware:
    """Pure ASGI: refuses over-limit requests with 429 and reports the limit on every response."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        keys: APIKeys,
        classify: Classify,
        trusted_proxies: Sequence[Network] = (),
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.keys = keys
        self.classify = classify
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # CORS preflights carry no credentials and must not use up the real request's allowance.
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        cls = self.classify(route_path(scope), scope["method"])
        if cls is None:
            await self.app(scope, receive, send)
            return
        identity = client_identity(scope, self.keys, self.trusted_proxies)
        try:
            decision = await self.limiter.hit(cls, identity)
        except AppError as unavailable:  # the storage is down and the limiter is told to refuse
            await error_response(Request(scope), unavailable)(scope, receive, send)
            return
        if not decision.allowed:
            RATE_LIMITED.labels(cls.value).inc()
            refused = RateLimited(
                details={"limit": decision.limit, "route_class": cls.value},
                retry_after=decision.retry_after(),
            )
            await error_response(Request(scope), refused, headers=decision.headers())(
                scope, receive, send
            )
            return

        meter = Meter(self.limiter, cls, identity, decision)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Read now: the route may have charged more since the request came in.
                headers = meter.decision.headers().items()
                raw = [(name.lower().encode(), value.encode()) for name, value in headers]
                message["headers"] = [*message.get("headers", []), *raw]
            await send(message)

        token = _meter.set(meter)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            _meter.reset(token)
