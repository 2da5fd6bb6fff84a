"""What the current request learned on its way (model, cache hits), for its one log line."""

from contextvars import ContextVar, Token
from dataclasses import dataclass, field


@dataclass(slots=True)
class RequestNotes:
    """Mutable notes of one request; tasks the request starts share the same object."""

    model: str | None = None
    cache_hits: int = 0
    cache_misses: int = 0
    injection_flagged: bool = False
    injection_verdicts: dict[int, object] = field(default_factory=dict)
    """The injection detector's verdicts on this request's texts (by hash): each scanned once."""

    def cache_lookup(self, *, hit: bool) -> None:
        """Count a cache lookup."""
        if hit:
            self.cache_hits += 1
        else:
            self.cache_misses += 1

    @property
    def cache_hit(self) -> bool | None:
        """True when every lookup hit, False when any missed, None without lookups."""
        if not self.cache_hits and not self.cache_misses:
            return None
        return self.cache_misses == 0


_notes: ContextVar[RequestNotes | None] = ContextVar("request_notes", default=None)


def start_notes() -> tuple[RequestNotes, Token[RequestNotes | None]]:
    """Begin the notes of a request; reset the token when it ends."""
    notes = RequestNotes()
    return notes, _notes.set(notes)


def end_notes(token: Token[RequestNotes | None]) -> None:
    """End the notes begun with `start_notes`."""
    _notes.reset(token)


def current_notes() -> RequestNotes | None:
    """The current request's notes, or None outside a request (jobs, tests)."""
    return _notes.get()


def note_model(model: str) -> None:
    """Record which model served the current request."""
    if (notes := _notes.get()) is not None:
        notes.model = model
