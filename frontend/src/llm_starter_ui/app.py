"""The Streamlit entry point: settings, the sidebar (backend, API key) and the pages."""

from pathlib import Path

import streamlit as st

from llm_starter_ui import session
from llm_starter_ui.config import ConfigError

HERE = Path(__file__).parent
# Not `pages/`: Streamlit would take that folder for its older multipage scheme and serve a
# page's URL (/status) straight from its file, without this script, its sidebar or its settings.
PAGES = HERE / "views"
ENV_DOCS = "docs/get-started/ENVIRONMENT_VARIABLES.md"

# A local icon: a page's `:material/...:` icon as favicon would be fetched from Google Fonts.
st.set_page_config(page_title="LLM Text Processing", page_icon=HERE / "icon.svg", layout="wide")


def config_error_page(error: ConfigError) -> None:
    """What is wrong with the frontend's settings and how to fix it (no other page can work)."""
    st.title("The frontend cannot start")
    st.error(f"```\n{error}\n```")
    st.markdown(
        "Fix each variable named above in the environment of the frontend, or in the `.env` file "
        "of the folder it runs from, then restart it (`make run`, or `python -m llm_starter_ui`). "
        f"Every setting, with its default, is listed in `{ENV_DOCS}`."
    )


try:
    settings = session.settings()
except ConfigError as exc:
    error = exc
    # The error at every page's URL (a bookmark of /status too), and no page list in the sidebar:
    # the app's pages cannot work without settings.
    st.navigation(
        [
            st.Page(
                lambda: config_error_page(error),
                title="Configuration error",
                url_path=name,
                default=name == "process",
            )
            for name in sorted(page.stem for page in PAGES.glob("*.py"))
        ],
        position="hidden",
    ).run()
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
