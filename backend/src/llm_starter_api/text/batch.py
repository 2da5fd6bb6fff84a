"""Batches: bounded concurrency, a readable outcome per item, outcomes kept for a while."""

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from llm_starter_api.errors import AppError, InvalidInput
from llm_starter_api.infra.redis import REDIS_ERRORS
from llm_starter_api.infra.security.client import key_fingerprint
from llm_starter_api.text.service import TextService
from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    TextProcessingRequest,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Stored:
    expires_at: float
    outcome: BatchTextProcessingResponse


class BatchStore:
    """Finished batches by owner and id, for a retention period; only their owner reads them.

    In Redis when it is configured, so every worker answers batch_status for a batch any worker
    ran; in this process otherwise (and while Redis fails).
    """

    def __init__(
        self, *, retention_seconds: int, redis: Redis | None = None, prefix: str = "llmstarter"
    ) -> None:
        self.retention_seconds = retention_seconds
        self.redis = redis
        self.prefix = prefix
        self._batches: dict[tuple[str, str], _Stored] = {}

    def _key(self, owner: str, batch_id: str) -> str:
        return f"{self.prefix}:batch:{owner}:{batch_id}"

    async def put(self, owner: str, outcome: BatchTextProcessingResponse) -> None:
        """Keep an outcome for the retention period."""
        if self.redis is not None:
            try:
                key, value = self._key(owner, outcome.batch_id), outcome.model_dump_json()
                await self.redis.set(key, value, ex=self.retention_seconds)
                return
            except REDIS_ERRORS:
                logger.warning("batch store: redis unavailable, keeping the outcome in memory")
        now = time.monotonic()
        expired = [k for k, v in self._batches.items() if v.expires_at <= now]
        for k in expired:
            del self._batches[k]
        self._batches[owner, outcome.batch_id] = _Stored(now + self.retention_seconds, outcome)

    async def get(self, owner: str, batch_id: str) -> BatchTextProcessingResponse | None:
        """The outcome, or None when unknown, expired or someone else's."""
        if self.redis is not None:
            try:
                raw = await self.redis.get(self._key(owner, batch_id))
                if raw is not None:
                    return BatchTextProcessingResponse.model_validate_json(raw)
            except REDIS_ERRORS:
                logger.warning("batch store: redis unavailable, reading this process's outcomes")
        stored = self._batches.get((owner, batch_id))
        if stored is None or stored.expires_at <= time.monotonic():
            return None
        return stored.outcome


def _failed(index: int, error: str) -> BatchTextProcessingItem:
    return BatchTextProcessingItem(request_index=index, status=BatchItemStatus.FAILED, error=error)


def check_size(batch: BatchTextProcessingRequest, max_size: int) -> int:
    """The batch's size; refuses a batch over this server's limit, stating the limit."""
    if len(batch.requests) > max_size:
        raise InvalidInput(
            f"requests: {len(batch.requests)} items is over this server's batch limit of "
            f"{max_size}",
            details={"errors": [{"field": "requests", "reason": "too many items"}]},
        )
    return len(batch.requests)


async def process_item(
    service: TextService, index: int, request: TextProcessingRequest, *, owner: str
) -> BatchTextProcessingItem:
    """One item's outcome for `owner` (cached in its scope); a failure is reported, never raised."""
    try:
        response = await service.process(request, owner=owner)
    except AppError as exc:
        return _failed(index, exc.message)
    except Exception:
        # One item's unforeseen failure must not sink its siblings; logged, never echoed.
        logger.exception("batch item failed", extra={"request_index": index})
        return _failed(index, AppError.default_message)
    return BatchTextProcessingItem(
        request_index=index, status=BatchItemStatus.COMPLETED, response=response
    )


def owner_of(api_key: str | None) -> str:
    """A stable, non-reversible owner tag for an API key (or the open API): batches, jobs and
    cache scopes belong to it."""
    if api_key is None:
        return "anonymous"
    return key_fingerprint(api_key)


class BatchRunner:
    """Runs the requests of a batch with at most `concurrency` in flight."""

    def __init__(
        self, service: TextService, store: BatchStore, *, max_size: int, concurrency: int
    ) -> None:
        self.service = service
        self.store = store
        self.max_size = max_size
        self.concurrency = concurrency

    async def run(
        self, batch: BatchTextProcessingRequest, *, owner: str
    ) -> BatchTextProcessingResponse:
        """Process every item; one item's failure never fails the batch."""
        check_size(batch, self.max_size)
        started = time.perf_counter()
        limit = asyncio.Semaphore(self.concurrency)

        async def one(index: int, request: TextProcessingRequest) -> BatchTextProcessingItem:
            async with limit:
                return await process_item(self.service, index, request, owner=owner)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(i, r)) for i, r in enumerate(batch.requests)]
        items = [task.result() for task in tasks]
        failed = sum(item.status is BatchItemStatus.FAILED for item in items)
        outcome = BatchTextProcessingResponse(
            batch_id=batch.batch_id or f"batch_{uuid.uuid4().hex}",
            total_requests=len(items),
            completed=len(items) - failed,
            failed=failed,
            results=items,
            total_processing_time=time.perf_counter() - started,
        )
        await self.store.put(owner, outcome)
        return outcome
