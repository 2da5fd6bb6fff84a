"""API keys: constant-time checks; keys are never logged or echoed."""

import hmac

from starlette.requests import HTTPConnection


class APIKeys:
    """The accepted keys; with none configured the API runs open (development only)."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._keys = tuple(key.encode() for key in keys)

    @property
    def open(self) -> bool:
        """True when no key is configured."""
        return not self._keys

    def admit(self, presented: str | None) -> bool:
        """Whether a request presenting this key (or none) may use the API."""
        return self.open or (presented is not None and self.valid(presented))

    def valid(self, presented: str) -> bool:
        """Whether a presented key is one of ours, comparing against every key in constant time."""
        candidate = presented.encode()
        matches = [hmac.compare_digest(candidate, key) for key in self._keys]
        return any(matches)


def presented_key(connection: HTTPConnection) -> str | None:
    """The key from `Authorization: Bearer <key>` or `X-API-Key`, if any, trimmed."""
    # Both headers are trimmed alike, as the configured keys are: HTTP allows whitespace around a
    # value (RFC 9110 5.5), which not every server or ASGI transport strips.
    scheme, _, credentials = connection.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return connection.headers.get("x-api-key", "").strip() or None
