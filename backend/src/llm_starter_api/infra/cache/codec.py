"""Cached values as bytes: JSON (orjson), zstd above a threshold, optionally Fernet-encrypted."""

import threading
from typing import Any

import orjson
import zstandard
from cryptography.fernet import InvalidToken, MultiFernet

type Value = dict[str, Any]

# The first byte says how the rest is written.
PLAIN = b"\x00"
ZSTD = b"\x01"
FERNET = b"\x02"
"""The rest is a Fernet token whose plaintext is itself a PLAIN or ZSTD value."""

# A frame may claim any content size; refuse to allocate more than a cached answer can need.
MAX_DECODED_BYTES = 64 * 1024 * 1024


class CorruptValue(Exception):
    """Bytes that do not decode to a cached value: a miss, never an answer."""


class Codec:
    """Encodes values for both cache tiers and decodes them, refusing anything unexpected."""

    def __init__(
        self,
        *,
        compression_threshold: int,
        compression_level: int,
        encryption: MultiFernet | None = None,
    ) -> None:
        self.compression_threshold = compression_threshold
        self.compression_level = compression_level
        self.encryption = encryption
        # python-zstandard's objects must never be used by two threads at once: one pair each.
        self._zstd = threading.local()

    def _compressor(self) -> zstandard.ZstdCompressor:
        compressor: zstandard.ZstdCompressor | None = getattr(self._zstd, "compressor", None)
        if compressor is None:
            compressor = self._zstd.compressor = zstandard.ZstdCompressor(
                level=self.compression_level
            )
        return compressor

    def _decompressor(self) -> zstandard.ZstdDecompressor:
        decompressor: zstandard.ZstdDecompressor | None = getattr(self._zstd, "decompressor", None)
        if decompressor is None:
            decompressor = self._zstd.decompressor = zstandard.ZstdDecompressor()
        return decompressor

    def encode(self, value: Value) -> bytes:
        """Header byte plus JSON, compressed when large, then encrypted when a key is set."""
        data = orjson.dumps(value)
        if len(data) >= self.compression_threshold:
            packed = ZSTD + self._compressor().compress(data)
        else:
            packed = PLAIN + data
        if self.encryption is None:
            return packed
        return FERNET + self.encryption.encrypt(packed)

    def decode(self, data: bytes) -> Value:
        """The value, or CorruptValue; with encryption on, unencrypted values are refused."""
        if self.encryption is not None:
            if data[:1] != FERNET:
                raise CorruptValue("not encrypted, but encryption is on")
            try:
                data = self.encryption.decrypt(data[1:])
            except InvalidToken:
                raise CorruptValue("cannot decrypt") from None
        header, body = data[:1], memoryview(data)[1:]  # a view: no copy of the value
        if header == ZSTD:
            text: bytes | memoryview = self._decompress(body)
        elif header == PLAIN:
            text = body
        else:
            raise CorruptValue(f"unknown header {header!r}")
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise CorruptValue("not JSON") from None
        if not isinstance(value, dict):
            raise CorruptValue("not a JSON object")
        return value

    def _decompress(self, body: memoryview) -> bytes:
        try:
            size = zstandard.frame_content_size(body)
            if not 0 <= size <= MAX_DECODED_BYTES:
                raise CorruptValue("zstd frame of unknown or excessive size")
            return self._decompressor().decompress(body)
        except zstandard.ZstdError:
            raise CorruptValue("not a zstd frame") from None
