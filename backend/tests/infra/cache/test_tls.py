"""Secure Redis: TLS (server verified, client certificate) and a password, with throwaway certificates."""

import datetime
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from apitest import client_factory
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from redisproc import RedisServer, unique_prefix
from spawn import free_port

pytestmark = [pytest.mark.redis, pytest.mark.slow]

PASSWORD = "s3cret-redis-password"
BODY = {"text": "Rivers carry water to the sea. The Nile is long.", "operation": "summarize"}


@dataclass(frozen=True, slots=True)
class Certificates:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None = None,
    *,
    server: bool = False,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, issuer_key = issuer or (name, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
        # Python 3.13 verifies strictly (VERIFY_X509_STRICT): key identifiers must be present.
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if issuer is None:
        usage = dict.fromkeys(
            ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement"),
            False,
        )
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
                **usage,
            ),
            critical=True,
        )
    if server:
        alt = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_certificates(folder: Path) -> Certificates:
    """A throwaway CA, a server certificate for 127.0.0.1 and a client certificate."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test CA", ca_key)
    issuer = (ca.subject, ca_key)
    paths = {}
    for role in ("server", "client"):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(f"test {role}", key, issuer, server=role == "server")
        (folder / f"{role}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[role] = (folder / f"{role}.crt", _write_key(folder / f"{role}.key", key))
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return Certificates(folder / "ca.crt", *paths["server"], *paths["client"])


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path)


@pytest.fixture
def tls_server(tmp_path: Path, certificates: Certificates) -> Iterator[RedisServer]:
    """redis-server speaking only TLS, requiring a client certificate and a password."""
    port = free_port()
    args = [
        "--port", "0",
        "--tls-port", str(port),
        "--tls-cert-file", str(certificates.server_cert),
        "--tls-key-file", str(certificates.server_key),
        "--tls-ca-cert-file", str(certificates.ca),
        "--tls-auth-clients", "yes",
        "--requirepass", PASSWORD,
    ]  # fmt: skip
    server = RedisServer(tmp_path, port=port, args=args)
    server.start()
    yield server
    server.stop()


def tls_url(server: RedisServer, password: str = PASSWORD) -> str:
    return f"rediss://:{password}@127.0.0.1:{server.port}/0"


def settings_for(
    server: RedisServer, certs: Certificates, **overrides: object
) -> dict[str, object]:
    return {
        "cache_redis_url": tls_url(server),
        "cache_key_prefix": unique_prefix(),
        "cache_redis_ca_cert": certs.ca,
        "cache_redis_client_cert": certs.client_cert,
        "cache_redis_client_key": certs.client_key,
        # TLS handshakes on a busy test machine can take longer than the default.
        "cache_redis_timeout_seconds": 2.0,
        **overrides,
    }


def stored_keys(server: RedisServer, certs: Certificates, prefix: str) -> list[bytes]:
    client = redis.Redis.from_url(
        tls_url(server),
        ssl_ca_certs=str(certs.ca),
        ssl_certfile=str(certs.client_cert),
        ssl_keyfile=str(certs.client_key),
    )
    try:
        return list(client.scan_iter(match=f"{prefix}:ai:*"))
    finally:
        client.close()


async def process_twice(client: httpx.AsyncClient) -> list[bool]:
    hits = []
    for _ in range(2):
        response = await client.post("/v1/text_processing/process", json=BODY)
        assert response.status_code == 200
        hits.append(response.json()["cache_hit"])
    return hits


async def test_the_app_caches_through_tls_with_a_password_and_client_certificate(
    tls_server: RedisServer, certificates: Certificates
) -> None:
    settings = settings_for(tls_server, certificates)
    async with client_factory(**settings) as client:
        assert await process_twice(client) == [False, True]
        status = (await client.get("/internal/cache/status")).json()
        health = (await client.get("/v1/health")).json()
    assert stored_keys(tls_server, certificates, str(settings["cache_key_prefix"]))
    assert status["redis"]["status"] == "connected"
    assert status["security"]["configuration"] == {
        "tls_enabled": True,
        "auth_enabled": True,
        "encryption_enabled": False,
    }
    assert PASSWORD not in str(status)
    assert health["cache_healthy"] is True


@pytest.mark.parametrize(
    "change",
    [
        {"cache_redis_ca_cert": None},  # the server's certificate cannot be verified
        {"cache_redis_client_cert": None, "cache_redis_client_key": None},  # server refuses us
        {"password": "wrong"},
    ],
    ids=["unverified-server", "no-client-certificate", "wrong-password"],
)
async def test_a_connection_that_fails_security_falls_back_to_memory(
    tls_server: RedisServer, certificates: Certificates, change: dict[str, object]
) -> None:
    settings = settings_for(tls_server, certificates)
    if "password" in change:
        settings["cache_redis_url"] = tls_url(tls_server, password=str(change.pop("password")))
    settings |= change
    async with client_factory(**settings) as client:
        assert await process_twice(client) == [False, True]  # the memory tier still serves
        health = (await client.get("/v1/health")).json()
    assert (health["status"], health["cache_healthy"]) == ("degraded", False)
    assert not stored_keys(tls_server, certificates, str(settings["cache_key_prefix"]))
