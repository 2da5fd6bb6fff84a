"""Batch page: many texts through one operation, with progress, a results table and downloads."""

import streamlit as st

from llm_starter_ui import session, tables, widgets
from llm_starter_ui.batches import CHUNK_SIZE, run_batch
from llm_starter_ui.export import batch_json, batch_rows, rows_csv

LAST = "batch_last"

st.title("Process a batch")
catalog = session.operations()
if catalog is None:
    st.stop()

choice = widgets.choose(catalog, prefix="batch")

texts = widgets.texts_input(prefix="batch", max_text_length=catalog.max_text_length)
chunk_size = min(catalog.max_batch_size, CHUNK_SIZE)
st.caption(
    f"{len(texts)} texts. They are sent in batch requests of up to {chunk_size}; "
    "the progress bar moves when a whole request has finished."
)

if st.button("Run batch", type="primary", disabled=not texts):
    bar = st.progress(0.0, text="Checking the texts...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} of {total} texts finished")

    items = run_batch(
        session.client(),
        texts,
        choice,
        max_text_length=catalog.max_text_length,
        chunk_size=chunk_size,
        on_progress=progress,
    )
    st.session_state[LAST] = (texts, items)

if LAST in st.session_state:
    done_texts, done_items = st.session_state[LAST]
    failed = sum(item.error is not None for item in done_items)
    completed, failures = st.columns(2)
    completed.metric("Completed", len(done_items) - failed)
    failures.metric("Failed", failed)
    if failed == len(done_items):
        st.error(f"Every text failed; the first error: {done_items[0].error}")
    rows = batch_rows(done_texts, done_items)
    tables.batch_table(rows)
    as_csv, as_json = st.columns(2)
    as_csv.download_button(
        "Download CSV", rows_csv(rows), "batch-results.csv", "text/csv", on_click="ignore"
    )
    as_json.download_button(
        "Download JSON",
        batch_json(done_texts, done_items),
        "batch-results.json",
        "application/json",
        on_click="ignore",
    )
