"""Process page: one operation on one text, with the result rendered for its operation."""

import streamlit as st

from llm_starter_ui import render, session, widgets
from llm_starter_ui.errors import ApiError

LAST = "process_last"

st.title("Process a text")
catalog = session.operations()
if catalog is None:
    st.stop()

choice = widgets.choose(catalog, prefix="process")
text = widgets.text_source(prefix="process", max_length=catalog.max_text_length)

if st.button("Process", type="primary"):
    st.session_state.pop(LAST, None)
    request = widgets.build_request(text, choice)
    if request is not None:
        try:
            with st.spinner("Processing..."):
                response = session.client().process(request)
        except ApiError as exc:
            session.show_error(exc)
        else:
            st.session_state[LAST] = (request, response)

if LAST in st.session_state:
    render.show_response(*st.session_state[LAST], key="process")
