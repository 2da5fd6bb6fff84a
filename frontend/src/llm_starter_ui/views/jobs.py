"""Jobs page: a batch submitted as a background job, followed until it ends, cancellable."""

from dataclasses import dataclass
from datetime import UTC

import streamlit as st

from llm_starter_models import BatchTextProcessingRequest, JobResponse, JobState
from llm_starter_ui import session, tables, widgets
from llm_starter_ui.batches import prepare
from llm_starter_ui.errors import ApiError
from llm_starter_ui.export import batch_json, batch_rows, rows_csv

JOBS = "jobs_submitted"
ENDED = "jobs_ended"
POLL_SECONDS = 2.0
FINAL = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True, slots=True)
class Submitted:
    """A job this session submitted, with the texts its results are indexed by."""

    job_id: str
    texts: tuple[str, ...]
    left_out: tuple[str, ...] = ()
    """Why each text the server would refuse was not submitted."""


def submitted() -> list[Submitted]:
    """This session's jobs, newest first."""
    jobs: list[Submitted] = st.session_state.setdefault(JOBS, [])
    return jobs


def ended() -> dict[str, JobResponse]:
    """The last view of each job that has ended: read once, never polled again."""
    views: dict[str, JobResponse] = st.session_state.setdefault(ENDED, {})
    return views


def fetch(job: Submitted) -> JobResponse | None:
    """The job's current state, or None after showing why it could not be read."""
    if (view := ended().get(job.job_id)) is not None:
        return view
    try:
        view = session.client().job(job.job_id)
    except ApiError as exc:
        if exc.status == 404:
            # Expired after its retention period (or the backend lost it): nothing left to follow.
            submitted().remove(job)
            st.info(f"Job {job.job_id} is no longer known to the backend; removed from this list.")
        else:
            session.show_error(exc)
        return None
    if view.state in FINAL:
        ended()[job.job_id] = view
    return view


def show(job: Submitted, view: JobResponse) -> None:
    """State, progress, a cancel button while it runs, and the outcomes stored so far."""
    progress = view.progress
    st.progress(
        progress.done / progress.total if progress.total else 1.0,
        text=f"{view.state.value}: {progress.done} of {progress.total} texts done, "
        f"{progress.failed} failed",
    )
    if view.error:
        st.error(view.error)
    if view.state not in FINAL and st.button("Cancel", key=f"cancel_{job.job_id}"):
        try:
            session.client().cancel_job(job.job_id)
        except ApiError as exc:
            session.show_error(exc)
        st.rerun()
    if view.results:
        rows = batch_rows(job.texts, view.results)
        tables.batch_table(rows)
        as_csv, as_json = st.columns(2)
        name = f"job-{job.job_id}"
        as_csv.download_button(
            "Download CSV", rows_csv(rows), f"{name}.csv", "text/csv", on_click="ignore"
        )
        as_json.download_button(
            "Download JSON",
            batch_json(job.texts, view.results),
            f"{name}.json",
            "application/json",
            on_click="ignore",
        )
    st.caption(retention_note(view))


def retention_note(view: JobResponse) -> str:
    """How long the results stay; the date only once the job has ended and it is fixed.

    Until then the backend's `expires_at` is the latest the job could still need (queue wait, run,
    then retention), which moves earlier when the job ends: showing it would change the promise.
    """
    if view.state not in FINAL:
        return "Results are kept for a retention period after the job ends; the date shows then."
    expires = view.expires_at.astimezone(UTC)
    return f"Results are kept until {expires:%Y-%m-%d %H:%M} UTC, then deleted."


st.title("Batch jobs")
st.caption(
    "A job runs on the server's workers: this page can be closed and the job goes on. "
    "With Redis configured, jobs also survive restarts of the API and the workers."
)
catalog = session.operations()
if catalog is None:
    st.stop()

choice = widgets.choose(catalog, prefix="jobs")
texts = widgets.texts_input(prefix="jobs", max_text_length=catalog.max_text_length)
st.caption(f"{len(texts)} texts; a job takes up to {catalog.max_batch_size}.")

if st.button("Submit job", type="primary", disabled=not texts):
    refused, pending = prepare(texts, choice, max_text_length=catalog.max_text_length)
    left_out = tuple(f"Text {i + 1} not submitted: {item.error}" for i, item in refused.items())
    if not pending:
        for reason in left_out:
            st.warning(reason)
    elif len(pending) > catalog.max_batch_size:
        st.error(
            f"{len(pending)} texts are more than one job takes ({catalog.max_batch_size}): "
            "split them into several jobs."
        )
    else:
        batch = BatchTextProcessingRequest(requests=[request for _, request in pending])
        try:
            job = session.client().submit_job(batch)
        except ApiError as exc:
            session.show_error(exc)
        else:
            kept = tuple(texts[index] for index, _ in pending)
            submitted().insert(0, Submitted(job.job_id, kept, left_out))


def running() -> bool:
    """Whether a job of this session may still change."""
    return any(job.job_id not in ended() for job in submitted())


def follow_jobs() -> None:
    """Every job of this session; while one runs, this part of the page redraws every few seconds."""
    ended_now = False
    for job in list(submitted()):
        with st.container(border=True):
            st.markdown(f"**Job `{job.job_id}`** · {len(job.texts)} texts")
            for reason in job.left_out:
                st.warning(reason)
            was_running = job.job_id not in ended()
            if (view := fetch(job)) is not None:
                show(job, view)
                ended_now |= was_running and view.state in FINAL
    if ended_now and not running():
        st.rerun()  # the whole page, so that polling stops


if submitted():
    st.fragment(follow_jobs, run_every=POLL_SECONDS if running() else None)()
