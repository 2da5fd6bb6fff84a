"""Codec: JSON values round-trip, compressed above the threshold, encrypted with a key, never trusted."""

import pickle
from concurrent.futures import ThreadPoolExecutor

import orjson
import pytest
import zstandard
from cryptography.fernet import Fernet

from llm_starter_api.config_values import fernet_keys
from llm_starter_api.infra.cache.codec import FERNET, PLAIN, ZSTD, Codec, CorruptValue

VALUE = {"operation": "summarize", "result": "Rivers carry water. " * 20, "metadata": {"n": 1}}


def codec(threshold: int = 1000, key: str | None = None) -> Codec:
    return Codec(
        compression_threshold=threshold,
        compression_level=3,
        encryption=fernet_keys(key) if key else None,
    )


@pytest.mark.parametrize(("threshold", "header"), [(10_000, PLAIN), (100, ZSTD)])
def test_values_round_trip_with_a_header_saying_how_they_are_written(
    threshold: int, header: bytes
) -> None:
    data = codec(threshold).encode(VALUE)
    assert data[:1] == header
    assert codec(threshold).decode(data) == VALUE


def test_compression_shrinks_repetitive_values() -> None:
    assert len(codec(100).encode(VALUE)) < len(orjson.dumps(VALUE)) / 3


def test_encrypted_values_round_trip_and_hide_the_text() -> None:
    key = Fernet.generate_key().decode()
    data = codec(key=key).encode(VALUE)
    assert data[:1] == FERNET
    assert b"Rivers" not in data
    assert codec(key=key).decode(data) == VALUE


def test_rotated_keys_still_decrypt_values_written_with_the_old_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    data = codec(key=old).encode(VALUE)
    assert codec(key=f"{new},{old}").decode(data) == VALUE


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x07{}",
        PLAIN + b"{not json",
        PLAIN + b"[1, 2]",
        ZSTD + b"not a frame",
        pickle.dumps(VALUE),
    ],
)
def test_undecodable_bytes_are_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptValue):
        codec().decode(data)


def test_a_frame_claiming_a_huge_size_is_refused_before_allocating() -> None:
    frame = zstandard.ZstdCompressor().compress(b"x" * 1000)
    # Magic number, then a header declaring an 8-byte content size of 1 TiB: a decompression bomb.
    bomb = frame[:4] + b"\xe0" + (2**40).to_bytes(8, "little") + frame[6:]
    assert zstandard.frame_content_size(bomb) == 2**40
    with pytest.raises(CorruptValue, match="size"):
        codec().decode(ZSTD + bomb)


def test_a_frame_without_a_declared_size_is_refused() -> None:
    frame = zstandard.ZstdCompressor(write_content_size=False).compress(b"{}")
    with pytest.raises(CorruptValue, match="size"):
        codec().decode(ZSTD + frame)


def test_a_value_encrypted_with_another_key_is_corrupt() -> None:
    data = codec(key=Fernet.generate_key().decode()).encode(VALUE)
    with pytest.raises(CorruptValue):
        codec(key=Fernet.generate_key().decode()).decode(data)


def test_with_encryption_on_a_plaintext_value_is_refused() -> None:
    # Whoever can write to Redis must not be able to plant answers.
    with pytest.raises(CorruptValue):
        codec(key=Fernet.generate_key().decode()).decode(codec().encode(VALUE))


def test_an_encrypted_value_without_the_key_is_corrupt() -> None:
    data = codec(key=Fernet.generate_key().decode()).encode(VALUE)
    with pytest.raises(CorruptValue):
        codec().decode(data)


@pytest.mark.parametrize("key", ["", "short", "x" * 44, "not base64!"])
def test_invalid_fernet_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match=r"Fernet|no key"):
        fernet_keys(key)


def test_one_codec_serves_several_threads_at_once() -> None:
    # python-zstandard objects are not thread-safe; the codec keeps one pair per thread, which
    # matters on free-threaded builds, where these threads truly run together.
    shared = codec(threshold=100)
    values = [VALUE | {"thread": n, "result": f"answer {n} " * 500} for n in range(4)]

    def round_trips(value: dict[str, object]) -> bool:
        return all(shared.decode(shared.encode(value)) == value for _ in range(200))

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(round_trips, values))
