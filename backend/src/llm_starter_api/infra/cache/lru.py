"""An O(1) LRU of bytes with per-entry TTL, bounded by entry count and by total bytes."""

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from typing import NamedTuple


class _Entry(NamedTuple):
    data: bytes
    expires_at: float


def _size(key: str, data: bytes) -> int:
    return len(key) + len(data)


class LRUStore:
    """Least recently used entries go first; expired ones are dropped when met."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        """Whether anything can be stored at all."""
        return self.max_entries > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Bytes held: keys plus values."""
        return self._bytes

    def get(self, key: str) -> bytes | None:
        """The live value, marked as most recently used."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            self.delete(key)
            return None
        self._entries.move_to_end(key)
        return entry.data

    def set(self, key: str, data: bytes, *, ttl: float) -> None:
        """Store for `ttl` seconds, evicting the least recently used past either bound."""
        self.delete(key)
        size = _size(key, data)
        if not self.enabled or ttl <= 0 or size > self.max_bytes:
            return
        self._entries[key] = _Entry(data, self._clock() + ttl)
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            old_key, old = self._entries.popitem(last=False)
            self._bytes -= _size(old_key, old.data)

    def delete(self, key: str) -> bool:
        """Drop one entry; whether it was there."""
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        self._bytes -= _size(key, entry.data)
        return True

    def delete_matching(self, pattern: str) -> int:
        """Drop the entries whose key matches a glob pattern; how many."""
        doomed = [key for key in self._keys() if fnmatchcase(key, pattern)]
        for key in doomed:
            self.delete(key)
        return len(doomed)

    def _keys(self) -> Iterator[str]:
        return iter(list(self._entries))
