"""Who a request comes from, for rate limits: a hashed API key, else the client's address."""

import hashlib
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import Scope

from llm_starter_api.infra.security.auth import APIKeys, presented_key

type Network = IPv4Network | IPv6Network


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_ip(scope: Scope, trusted_proxies: Sequence[Network]) -> str:
    """The peer address, or the nearest untrusted hop of X-Forwarded-For behind trusted proxies."""
    peer = scope.get("client")
    host = str(peer[0]) if peer else "unknown"
    if not _trusted(_address(host), trusted_proxies):
        # Anyone can write X-Forwarded-For; only our own proxies' word counts.
        return host
    values = Headers(scope=scope).getlist("x-forwarded-for")
    hops = [hop.strip() for value in values for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return host
        if not _trusted(address, trusted_proxies):
            return str(address)
    return str(_address(hops[0])) if hops else host


def key_fingerprint(key: str) -> str:
    """A stable, non-reversible tag for an API key; keys are long random strings, so no salt."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def client_identity(scope: Scope, keys: APIKeys, trusted_proxies: Sequence[Network]) -> str:
    """`key:<fingerprint>` for a valid API key, else `ip:<address>`."""
    key = presented_key(HTTPConnection(scope))
    # Invalid keys count against the address, or random keys would each get a fresh allowance.
    if key is not None and not keys.open and keys.valid(key):
        return f"key:{key_fingerprint(key)}"
    return f"ip:{client_ip(scope, trusted_proxies)}"
