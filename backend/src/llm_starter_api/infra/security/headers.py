"""Security headers on every response; the API docs get the looser CSP their page needs."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON responses load nothing and may be framed by no one.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# The Swagger UI and ReDoc pages load their bundles from this server (no CDN), start them with an
# inline script, and ReDoc runs a blob: worker and inlines its SVG icons as data: images.
DOCS_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "worker-src 'self' blob:; "
    "connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc")

# Two years, as browsers' preload lists ask; sent only in production, where TLS is expected.
HSTS = "max-age=63072000; includeSubDomains"

_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class SecurityHeadersMiddleware:
    """Pure ASGI: adds the headers, leaving any the app set itself."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        common = {**_COMMON, **({"Strict-Transport-Security": HSTS} if hsts else {})}
        # Encoded once: this runs on every response.
        self.api = _encoded({**common, "Content-Security-Policy": API_CSP})
        self.docs = _encoded({**common, "Content-Security-Policy": DOCS_CSP})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs if scope["path"].startswith(DOCS_PATHS) else self.api

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in extra if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
