"""Batch job routes: submit (202 and a Location to poll), read progress and results, cancel."""

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from llm_starter_api.api.v1.bodies import BatchBody, body_schema
from llm_starter_api.deps import CurrentKey, JobsDep, require_api_key
from llm_starter_api.errors import NotFound, error_responses
from llm_starter_api.infra.security.rate_limit import charge
from llm_starter_api.jobs.service import JobView
from llm_starter_api.text.batch import check_size, owner_of
from llm_starter_models import (
    BatchItemStatus,
    JobProgress,
    JobResponse,
)

_ERRORS = error_responses(
    {
        401: "Missing or invalid API key",
        404: "No such job: unknown, expired, or submitted with another key",
        422: "Invalid input, or an Idempotency-Key reused with a different body",
        503: "The job store (Redis) is temporarily unavailable",
    }
)
_JOB_ID = re.compile(r"[0-9a-f]{32}")

router = APIRouter(
    prefix="/text_processing/jobs",
    tags=["jobs"],
    dependencies=[Depends(require_api_key)],
    responses=_ERRORS,
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Resubmitting with the same key (and the same body) answers the same job",
    ),
]


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _body(request: Request, view: JobView) -> JobResponse:
    record, items = view.record, view.items
    link = request.app.url_path_for("get_job", job_id=record.job_id)
    return JobResponse(
        job_id=record.job_id,
        batch_id=record.request.batch_id,
        state=record.state,
        progress=JobProgress(
            done=len(items),
            failed=sum(item.status is BatchItemStatus.FAILED for item in items),
            total=len(record.request.requests),
        ),
        results=items,
        error=record.error,
        created_at=datetime.fromtimestamp(record.created_at, UTC),
        started_at=_moment(record.started_at),
        finished_at=_moment(record.finished_at),
        expires_at=datetime.fromtimestamp(record.expires_at, UTC),
        links={"self": str(link)},
    )


def _found(view: JobView | None, job_id: str) -> JobView:
    if view is None:
        raise NotFound(f"No job {job_id!r} is known (unknown, expired, or not yours)")
    return view


@router.post("", status_code=202, openapi_extra=body_schema("BatchRequest"))
async def submit_job(
    batch: BatchBody,
    jobs: JobsDep,
    key: CurrentKey,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> JobResponse:
    """Queue a batch as a background job; poll the `Location` answered."""
    await charge(check_size(batch, jobs.max_size))  # a unit per item; 429 if they do not fit
    view, created = await jobs.submit(batch, owner=owner_of(key), idempotency_key=idempotency_key)
    body = _body(request, view)
    response.headers["Location"] = body.links["self"]
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return body


@router.get("/{job_id}")
async def get_job(job_id: str, jobs: JobsDep, key: CurrentKey, request: Request) -> JobResponse:
    """The job's state, progress and every item outcome stored so far."""
    view = await jobs.get(job_id, owner=owner_of(key)) if _JOB_ID.fullmatch(job_id) else None
    return _body(request, _found(view, job_id))


@router.post("/{job_id}/cancel")
@router.delete(
    "/{job_id}",
    deprecated=True,
    description="The same as POST /jobs/{job_id}/cancel, kept for existing clients: the job is "
    "cancelled, not deleted, and stays readable (state `cancelled`) until it expires.",
)
async def cancel_job(job_id: str, jobs: JobsDep, key: CurrentKey, request: Request) -> JobResponse:
    """Cancel the job; item outcomes stored so far stay readable."""
    view = await jobs.cancel(job_id, owner=owner_of(key)) if _JOB_ID.fullmatch(job_id) else None
    return _body(request, _found(view, job_id))
