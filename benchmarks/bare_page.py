"""A minimal Streamlit page: the floor under every page of the UI.

`scripts/bench_frontend.py` serves it with the same Streamlit and options as the real UI, so each
real page's time to its main content shows as a ratio to this page's title and button.
"""

import streamlit as st

st.set_page_config(page_title="Minimal page", layout="wide")
st.title("Minimal page")
st.button("Go", type="primary")
