"""Tables of results sized to fit the page: every column in a fixed width."""

from collections.abc import Sequence
from typing import Any

import streamlit as st

WIDTH_PX = 790
"""What the columns add up to: the main column of a 1280-pixel-wide window, sidebar open."""

BATCH_COLUMNS = {
    "index": st.column_config.NumberColumn("#", width=40, help="Line of the input"),
    "status": st.column_config.TextColumn("Status", width=90),
    "result": st.column_config.TextColumn("Result", width=250),
    "error": st.column_config.TextColumn("Error", width=140),
    "processing_time": st.column_config.NumberColumn("Seconds", width=70, format="%.2f"),
    "cache_hit": st.column_config.CheckboxColumn("Cached", width=60),
    "text": st.column_config.TextColumn("Text", width=140),
}
"""Every column of export.batch_rows, in fixed widths: without them the long texts made the
table wider than the page. A cell's full text shows on hover and in the full-screen view."""


def batch_table(rows: Sequence[dict[str, Any]]) -> None:
    """One row per text: its outcome, result or error, and the text; hover a cell to read it all."""
    st.dataframe(rows, hide_index=True, width="stretch", column_config=BATCH_COLUMNS)
