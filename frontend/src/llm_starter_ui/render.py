"""Rendering one result per operation, with its details and downloads."""

import streamlit as st

from llm_starter_models import TextProcessingRequest, TextProcessingResponse
from llm_starter_ui.export import (
    details_line,
    is_score,
    output_text,
    response_json,
    response_markdown,
    result_markdown,
)

HEADINGS = {
    "summarize": "Summary",
    "sentiment": "Sentiment",
    "key_points": "Key points",
    "questions": "Questions",
    "qa": "Answer",
}
"""Headings of the built-in operations' results; others are headed by their id."""


def heading(operation: str) -> str:
    """The heading over an operation's result."""
    return HEADINGS.get(operation) or operation.replace("_", " ").capitalize()


def show_sentiment(response: TextProcessingResponse) -> None:
    """Label and confidence as metrics, then the explanation."""
    sentiment = response.sentiment
    if sentiment is None:
        st.warning("The backend returned no sentiment.")
        return
    label, confidence = st.columns(2)
    label.metric("Sentiment", sentiment.sentiment.capitalize())
    confidence.metric("Confidence", f"{sentiment.confidence:.0%}")
    st.progress(sentiment.confidence)
    st.markdown(sentiment.explanation)


def show_output(output: object) -> None:
    """An answer of any shape: labels and scores as metrics, lists numbered, text as prose."""
    if not isinstance(output, dict):
        st.markdown(result_markdown(TextProcessingResponse(operation="", output=output)))
        return
    output = {name: value for name, value in output.items() if value is not None}  # unset fields
    short = {
        k: v for k, v in output.items() if is_score(v) or (isinstance(v, str) and len(v) <= 40)
    }
    for column, (name, value) in zip(st.columns(len(short) or 1), short.items(), strict=False):
        column.metric(name.replace("_", " ").capitalize(), output_text(value))
    for name, value in output.items():
        if is_score(value):
            st.progress(value)
        elif name not in short:
            st.markdown(f"**{name.replace('_', ' ').capitalize()}**")
            st.markdown(result_markdown(TextProcessingResponse(operation="", output=value)))


def show_result(response: TextProcessingResponse) -> None:
    """The result under a heading that names it."""
    st.subheader(heading(response.operation))
    if response.sentiment is not None:
        show_sentiment(response)
    elif response.output is not None:
        show_output(response.output)
    else:
        st.markdown(result_markdown(response) or "_The backend returned an empty result._")


def show_details(response: TextProcessingResponse) -> None:
    """Processing time, model and cache hit."""
    st.caption(details_line(response))


def show_metadata(response: TextProcessingResponse) -> None:
    """Everything the backend reported about the run (model, tokens, engine), folded away."""
    with st.expander("Metadata"):
        st.json(response.metadata)


def show_downloads(
    request: TextProcessingRequest, response: TextProcessingResponse, *, key: str
) -> None:
    """Download buttons for the result as JSON and as Markdown."""
    name = f"{response.operation}-result"
    documents = (
        ("JSON", response_json(request, response), "json", "application/json"),
        ("Markdown", response_markdown(request, response), "md", "text/markdown"),
    )
    for column, (label, document, suffix, mime) in zip(
        st.columns(len(documents)), documents, strict=True
    ):
        column.download_button(
            f"Download {label}",
            document,
            file_name=f"{name}.{suffix}",
            mime=mime,
            key=f"{key}_{suffix}",
            on_click="ignore",
        )


def show_response(
    request: TextProcessingRequest, response: TextProcessingResponse, *, key: str
) -> None:
    """Result, details and downloads of one processed text."""
    show_result(response)
    show_details(response)
    show_metadata(response)
    show_downloads(request, response, key=key)
