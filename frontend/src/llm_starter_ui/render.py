"""Rendering one result per operation, with its details and downloads."""

import streamlit as st

from llm_starter_models import TextProcessingOperation as Op
from llm_starter_models import TextProcessingRequest, TextProcessingResponse
from llm_starter_ui.export import details_line, response_json, response_markdown, result_markdown

HEADINGS = {
    Op.SUMMARIZE: "Summary",
    Op.SENTIMENT: "Sentiment",
    Op.KEY_POINTS: "Key points",
    Op.QUESTIONS: "Questions",
    Op.QA: "Answer",
}


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


def show_result(response: TextProcessingResponse) -> None:
    """The result under a heading that names it."""
    st.subheader(HEADINGS[response.operation])
    if response.operation is Op.SENTIMENT:
        show_sentiment(response)
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
    name = f"{response.operation.value}-result"
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
