"""Running a batch in chunks, checking each text first, and reporting progress per chunk."""

from collections.abc import Callable, Sequence
from itertools import batched

from pydantic import ValidationError

from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    TextProcessingRequest,
)
from llm_starter_ui.choice import Choice
from llm_starter_ui.client import ApiClient
from llm_starter_ui.errors import ApiError, problems_of

CHUNK_SIZE = 10
"""Texts per batch request: small enough that progress moves, large enough to run in parallel."""

type Progress = Callable[[int, int], None]


def _failed(index: int, error: str) -> BatchTextProcessingItem:
    return BatchTextProcessingItem(request_index=index, status=BatchItemStatus.FAILED, error=error)


def prepare(
    texts: Sequence[str], choice: Choice, *, max_text_length: int
) -> tuple[dict[int, BatchTextProcessingItem], list[tuple[int, TextProcessingRequest]]]:
    """Each text checked as the server would: failed outcomes for the refused, requests for the rest."""
    refused: dict[int, BatchTextProcessingItem] = {}
    pending: list[tuple[int, TextProcessingRequest]] = []
    for index, text in enumerate(texts):
        if len(text) > max_text_length:
            reason = f"text: {len(text)} characters is over the limit of {max_text_length}"
            refused[index] = _failed(index, reason)
            continue
        try:
            request = choice.request(text)
        except ValidationError as exc:
            reason = "; ".join(f"{p.field}: {p.reason}" for p in problems_of(exc))
            refused[index] = _failed(index, reason)
            continue
        pending.append((index, request))
    return refused, pending


def run_batch(
    client: ApiClient,
    texts: Sequence[str],
    choice: Choice,
    *,
    max_text_length: int,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Progress = lambda done, total: None,
) -> list[BatchTextProcessingItem]:
    """One outcome per text, in order; a refused text or chunk never stops the others."""
    outcomes, pending = prepare(texts, choice, max_text_length=max_text_length)
    on_progress(len(outcomes), len(texts))
    chunks = list(batched(pending, chunk_size))
    for number, chunk in enumerate(chunks):
        try:
            batch = client.batch_process(
                BatchTextProcessingRequest(requests=[request for _, request in chunk])
            )
        except ApiError as exc:
            outcomes.update({index: _failed(index, exc.message) for index, _ in chunk})
            if exc.status in (None, 401):
                # Unreachable or refused key: the remaining chunks would fail the same way.
                for later in chunks[number + 1 :]:
                    outcomes.update({i: _failed(i, f"not sent: {exc.message}") for i, _ in later})
                on_progress(len(texts), len(texts))
                break
        else:
            for item in batch.results:
                index = chunk[item.request_index][0]
                outcomes[index] = item.model_copy(update={"request_index": index})
        on_progress(len(outcomes), len(texts))
    missing = "the backend returned no outcome for this text"
    return [outcomes.get(index) or _failed(index, missing) for index in range(len(texts))]
