"""The task: one operation on one document, as a model is asked it and the embedded engine reads it."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_OPEN = "<document>"
_CLOSE = "</document>"


@dataclass(frozen=True, slots=True)
class Task:
    """One operation on one document, with its effective options and (for some) a question."""

    operation: str
    document: str
    question: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def prompt(self) -> str:
        """The user message: the document between markers, then the question if there is one.

        Nothing else: the instructions travel as instructions, so a small model has no scaffolding
        to echo. The document goes verbatim; the instructions say it is data, never orders.
        """
        parts = [_OPEN, self.document, _CLOSE]
        if self.question is not None:
            parts.append(f"Question: {self.question}")
        return "\n".join(parts)


# The task of the model call in progress, for models that read it whole (the embedded engine)
# rather than from the prompt: pydantic-ai hands a model messages, not the caller's values.
_CURRENT: ContextVar[Task | None] = ContextVar("current_task", default=None)


@contextmanager
def asking(task: Task) -> Iterator[None]:
    """Make `task` the current one for model calls made inside the block."""
    token = _CURRENT.set(task)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_task() -> Task:
    """The task of the model call in progress."""
    task = _CURRENT.get()
    if task is None:
        raise LookupError("no task in progress: model calls go through TextService")
    return task
