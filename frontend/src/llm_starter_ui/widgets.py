"""Input widgets shared by the pages: operation picker, option inputs, question, text sources."""

from collections.abc import Collection
from typing import Any

import streamlit as st
from pydantic import ValidationError

from llm_starter_models import (
    OperationInfo,
    OperationsResponse,
    OptionSpec,
    TextProcessingRequest,
)
from llm_starter_ui.batch_input import UPLOAD_TYPES, InputFileError, from_lines, from_upload
from llm_starter_ui.choice import Choice
from llm_starter_ui.errors import describe_problems, problems_of
from llm_starter_ui.examples import EXAMPLE_QUESTIONS, EXAMPLES

NO_EXAMPLE = "(type or paste your own)"
TEXT_UPLOAD_MB = 1
"""A single text: MAX_TEXT_LENGTH is 50,000 characters by default, a fraction of a megabyte."""
TEXTS_UPLOAD_MB = 5
"""A file of many texts; also server.maxUploadSize in .streamlit/config.toml, the ceiling."""


def pick_operation(
    catalog: OperationsResponse, *, key: str, only: Collection[str] | None = None
) -> OperationInfo:
    """A select box of the operations (or of those named in `only`)."""
    choices = [op for op in catalog.operations if only is None or op.id in only]
    chosen = st.selectbox(
        "Operation", choices, format_func=lambda op: f"{op.name}: {op.description}", key=key
    )
    assert chosen is not None
    return chosen


def option_input(spec: OptionSpec, *, key: str) -> Any:
    """The widget an option's spec calls for: a slider for a bounded number, a select box for
    listed choices, a checkbox, or a text field."""
    label = spec.description or spec.name.replace("_", " ").capitalize()
    if spec.choices:
        index = spec.choices.index(spec.default) if spec.default in spec.choices else 0
        return st.selectbox(label, spec.choices, index=index, key=key)
    match spec.type:
        case "integer" if spec.minimum is not None and spec.maximum is not None:
            low, high = int(spec.minimum), int(spec.maximum)
            return st.slider(label, low, high, int(spec.default or low), key=key)
        case "integer" | "number":
            step = 1 if spec.type == "integer" else 0.1
            value = spec.default if spec.default is not None else spec.minimum or 0
            return st.number_input(
                label,
                min_value=spec.minimum,
                max_value=spec.maximum,
                value=value,
                step=step,
                key=key,
            )
        case "boolean":
            return st.checkbox(label, value=bool(spec.default), key=key)
        case _:
            return st.text_input(label, value=str(spec.default or ""), key=key) or None


def options_for(operation: OperationInfo, *, key: str) -> dict[str, Any]:
    """A widget per option of the operation, ranged and defaulted by its spec."""
    values = {
        spec.name: option_input(spec, key=f"{key}_{operation.id}_{spec.name}")
        for spec in operation.option_specs
    }
    return {name: value for name, value in values.items() if value is not None}


def question_for(operation: OperationInfo, *, key: str) -> str | None:
    """The question field, shown only for operations that need one."""
    if not operation.requires_question:
        return None
    return st.text_input("Question", key=key, placeholder="What would you like to know?")


def choose(
    catalog: OperationsResponse, *, prefix: str, only: Collection[str] | None = None
) -> Choice:
    """Operation picker, its option sliders and, when it needs one, the question field."""
    operation = pick_operation(catalog, key=f"{prefix}_operation", only=only)
    return Choice(
        operation,
        options_for(operation, key=f"{prefix}_options"),
        question_for(operation, key=f"{prefix}_question"),
    )


def _load_example(text_key: str, question_key: str, example_key: str) -> None:
    name = st.session_state[example_key]
    if name in EXAMPLES:
        st.session_state[text_key] = EXAMPLES[name]
        st.session_state[question_key] = EXAMPLE_QUESTIONS[name]


def text_source(*, prefix: str, max_length: int) -> str:
    """An example picker, a text area and an upload (.txt, .md) that wins when given."""
    key, question_key, example_key = (
        f"{prefix}_text",
        f"{prefix}_question",
        f"{prefix}_text_example",
    )
    st.selectbox(
        "Example text",
        [NO_EXAMPLE, *EXAMPLES],
        key=example_key,
        on_change=_load_example,
        args=(key, question_key, example_key),
    )
    typed = st.text_area(
        "Text",
        key=key,
        height=200,
        max_chars=max_length,
        help=f"This backend takes texts of 10 to {max_length:,} characters.",
    )
    upload = st.file_uploader(
        f"Or upload a file (.txt or .md, up to {max_length:,} characters)",
        type=["txt", "md"],
        key=f"{key}_upload",
        max_upload_size=TEXT_UPLOAD_MB,
    )
    if upload is None:
        return typed
    try:
        text = upload.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.warning(f"{upload.name} is not UTF-8 text; using the text area instead.")
        return typed
    if len(text) > max_length:
        st.warning(
            f"{upload.name} has {len(text):,} characters, more than this backend takes "
            f"({max_length:,}); using the text area instead."
        )
        return typed
    st.caption(f"Using {upload.name} ({len(text):,} characters) instead of the text area.")
    return text


def build_request(text: str, choice: Choice) -> TextProcessingRequest | None:
    """The request, validated here first; None (and the problems shown) when invalid."""
    try:
        return choice.request(text)
    except ValidationError as exc:
        st.error("Please fix the input:\n" + describe_problems(problems_of(exc)))
        return None


PASTE, UPLOAD = "Paste, one per line", "Upload a file"


def texts_input(*, prefix: str, max_text_length: int) -> list[str]:
    """Many texts, pasted one per line or uploaded (.txt, .csv, .jsonl); a bad file says why."""
    each = f"each of 10 to {max_text_length:,} characters"
    if st.radio("Texts", [PASTE, UPLOAD], horizontal=True, key=f"{prefix}_source") == PASTE:
        return from_lines(
            st.text_area(
                "One text per line", key=f"{prefix}_lines", height=200, help=f"Texts {each}."
            )
        )
    upload = st.file_uploader(
        ".txt (one text per line), .csv (a `text` column) or .jsonl (a `text` field), "
        f"up to {TEXTS_UPLOAD_MB} MB; texts {each}",
        type=list(UPLOAD_TYPES),
        key=f"{prefix}_upload",
        max_upload_size=TEXTS_UPLOAD_MB,
    )
    if upload is None:
        return []
    try:
        return from_upload(upload.name, upload.getvalue())
    except InputFileError as exc:
        st.error(str(exc))
        return []
