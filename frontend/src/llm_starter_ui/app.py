"""The Streamlit entry point: settings, the sidebar (backend, API key) and the pages."""

from pathlib import Path

import streamlit as st

from llm_starter_ui import session
from llm_starter_ui.config import ConfigError

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="LLM Text Processing", layout="wide")

try:
    settings = session.settings()
except ConfigError as exc:
    st.error(f"The frontend cannot start.\n\n```\n{exc}\n```")
    st.stop()

navigation = st.navigation(
    [
        st.Page(PAGES / "process.py", title="Process", icon=":material/description:", default=True),
        st.Page(PAGES / "stream.py", title="Stream", icon=":material/stream:"),
        st.Page(PAGES / "batch.py", title="Batch", icon=":material/table_rows:"),
        st.Page(PAGES / "jobs.py", title="Jobs", icon=":material/schedule:"),
        st.Page(PAGES / "status.py", title="Status", icon=":material/monitor_heart:"),
    ]
)

with st.sidebar:
    st.caption(f"Backend: {settings.base_url}")
    configured = settings.frontend_api_key is not None
    # Redraw the field with the kept key if Streamlit dropped the field's own state.
    st.session_state.setdefault(session.API_KEY_INPUT, st.session_state.get(session.API_KEY, ""))
    st.text_input(
        "API key",
        type="password",
        key=session.API_KEY_INPUT,
        on_change=session.keep_typed_key,
        placeholder="using the configured key" if configured else "none: the backend may be open",
        help="Sent as X-API-Key with every call; kept in this browser session only.",
    )

navigation.run()
