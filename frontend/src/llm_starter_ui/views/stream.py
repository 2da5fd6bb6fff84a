"""Stream page: a summary or an answer written live as the backend streams it."""

from collections.abc import Iterator

import streamlit as st

from llm_starter_models import TextProcessingRequest, TextProcessingResponse
from llm_starter_ui import render, session, widgets
from llm_starter_ui.errors import ApiError

LAST = "stream_last"
NO_STREAMING = (
    "This backend does not offer streaming: POST /v1/text_processing/process/stream "
    "answered 404. The Process page gives the same results in one piece."
)


def stream(request: TextProcessingRequest) -> TextProcessingResponse | None:
    """Write the chunks as they come; the final response, or None after showing the error."""
    final: list[TextProcessingResponse] = []

    def chunks() -> Iterator[str]:
        for part in session.client().stream(request):
            if isinstance(part, str):
                yield part
            else:
                final.append(part)

    st.subheader(render.heading(request.operation))
    try:
        st.write_stream(chunks())
    except ApiError as exc:
        if exc.status == 404:
            st.warning(NO_STREAMING)
        else:
            session.show_error(exc)
        return None
    return final[0] if final else None


st.title("Stream a summary or an answer")
catalog = session.operations()
if catalog is None:
    st.stop()

streaming = [op.id for op in catalog.operations if op.streams]
if not streaming:
    st.info("This backend streams none of its operations; the Process page runs them all.")
    st.stop()
choice = widgets.choose(catalog, prefix="stream", only=streaming)
text = widgets.text_source(prefix="stream", max_length=catalog.max_text_length)

if st.button("Stream", type="primary"):
    st.session_state.pop(LAST, None)
    request = widgets.build_request(text, choice)
    response = stream(request) if request is not None else None
    if request is not None and response is not None:
        st.session_state[LAST] = (request, response)
        render.show_details(response)
        render.show_metadata(response)
        render.show_downloads(request, response, key="stream")
elif LAST in st.session_state:
    render.show_response(*st.session_state[LAST], key="stream")
