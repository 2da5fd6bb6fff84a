"""Asynchronous batch jobs: submitted once, processed in the background, polled until done."""

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field

from llm_starter_models.text import BatchTextProcessingItem


class JobState(StrEnum):
    """Where a job stands; the last three are final."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobProgress(BaseModel):
    """Items with a stored outcome (`done`, of which `failed` failed) out of `total`."""

    done: int = Field(ge=0)
    failed: int = Field(ge=0)
    total: int = Field(ge=0)


class JobResponse(BaseModel):
    """A batch job: its state, its progress and every item outcome stored so far."""

    job_id: str
    batch_id: str | None = Field(default=None, description="the request's batch_id, if it had one")
    state: JobState
    progress: JobProgress
    results: list[BatchTextProcessingItem] = Field(description="stored outcomes, by request_index")
    error: str | None = Field(default=None, description="why a failed job failed")
    created_at: AwareDatetime
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    expires_at: AwareDatetime = Field(description="when the job and its results are deleted")
    links: dict[str, str] = Field(description="`self` (GET, DELETE)")
