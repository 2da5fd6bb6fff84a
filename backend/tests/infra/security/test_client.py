"""Client identity: hashed API keys, else the address; X-Forwarded-For only from trusted proxies."""

from ipaddress import ip_network

import pytest

from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.infra.security.client import (
    Network,
    client_identity,
    client_ip,
    key_fingerprint,
)

PROXIES = [ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32")]


def _scope(peer: str, forwarded: str | None = None, key: str | None = None) -> dict[str, object]:
    headers = []
    if forwarded is not None:
        headers.append((b"x-forwarded-for", forwarded.encode()))
    if key is not None:
        headers.append((b"x-api-key", key.encode()))
    return {"type": "http", "client": (peer, 1234), "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),  # no proxies trusted
        ("203.0.113.9", "198.51.100.1", PROXIES, "203.0.113.9"),  # peer is not our proxy
        ("10.1.2.3", "198.51.100.1", PROXIES, "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", PROXIES, "198.51.100.1"),  # spoofed left
        ("10.1.2.3", "not-an-ip", PROXIES, "10.1.2.3"),
        ("10.1.2.3", None, PROXIES, "10.1.2.3"),
        ("127.0.0.1", "2001:db8::1", PROXIES, "2001:db8::1"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(
    peer: str, forwarded: str | None, proxies: list[Network], expected: str
) -> None:
    assert client_ip(_scope(peer, forwarded), proxies) == expected


def test_valid_keys_identify_by_fingerprint_never_the_key_itself() -> None:
    keys = APIKeys(("secret-key-123456",))
    identity = client_identity(_scope("1.2.3.4", key="secret-key-123456"), keys, [])
    assert identity == f"key:{key_fingerprint('secret-key-123456')}"
    assert "secret" not in identity


def test_invalid_keys_and_open_apis_identify_by_address() -> None:
    keys = APIKeys(("secret-key-123456",))
    assert client_identity(_scope("1.2.3.4", key="wrong"), keys, []) == "ip:1.2.3.4"
    assert client_identity(_scope("1.2.3.4", key="any"), APIKeys(()), []) == "ip:1.2.3.4"
