"""Results as Markdown, JSON and CSV documents."""

import csv
import io
import json

import pytest

from llm_starter_models import (
    BatchItemStatus,
    BatchTextProcessingItem,
    SentimentResult,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_ui.export import (
    BATCH_COLUMNS,
    batch_json,
    batch_rows,
    details_line,
    response_json,
    response_markdown,
    result_markdown,
    result_text,
    rows_csv,
)

TEXT = "The Golden Gate Bridge was completed in 1937."
SENTIMENT = SentimentResult(sentiment="mixed", confidence=0.5, explanation="Both.")


@pytest.mark.parametrize(
    ("fields", "line", "markdown"),
    [
        ({"operation": "summarize", "result": "Short."}, "Short.", "Short."),
        ({"operation": "qa", "result": "In 1937."}, "In 1937.", "In 1937."),
        (
            {"operation": "sentiment", "sentiment": SENTIMENT},
            "mixed (50%): Both.",
            "**Mixed** (50% confidence)\n\nBoth.",
        ),
        ({"operation": "key_points", "key_points": ["A", "B"]}, "A | B", "1. A\n2. B"),
        ({"operation": "questions", "questions": ["Why?"]}, "Why?", "1. Why?"),
        (
            {
                "operation": "translate",
                "output": {"translation": "Bonjour.", "source_language": "fr", "note": None},
            },
            "translation: Bonjour.; source_language: fr",
            "**Translation:** Bonjour.\n\n**Source language:** fr",
        ),
    ],
)
def test_each_operation_reads_as_a_line_and_as_markdown(
    fields: dict[str, object], line: str, markdown: str
) -> None:
    response = TextProcessingResponse.model_validate(fields)
    assert result_text(response) == line
    assert result_markdown(response) == markdown


def test_details_name_time_model_and_cache() -> None:
    response = TextProcessingResponse(
        operation="summarize", processing_time=1.234, cache_hit=True, metadata={"model": "m"}
    )
    assert details_line(response) == "Processing time: 1.23 s · Model: m · Cache hit: yes"
    unknown = TextProcessingResponse(operation="summarize")
    assert details_line(unknown) == "Processing time: ? · Model: unknown · Cache hit: unknown"


def test_the_markdown_document_holds_question_result_and_text() -> None:
    request = TextProcessingRequest(text=TEXT, operation="qa", question="When?")
    response = TextProcessingResponse(operation="qa", result="In 1937.")
    document = response_markdown(request, response)
    assert document.startswith("# Qa\n\n**Question:** When?\n\n## Result\n\nIn 1937.\n")
    assert document.endswith(f"## Text\n\n{TEXT}\n")


def test_the_json_document_holds_request_and_response() -> None:
    request = TextProcessingRequest(text=TEXT, operation="summarize")
    response = TextProcessingResponse(operation="summarize", result="Short.")
    document = json.loads(response_json(request, response))
    assert document["request"] == {"text": TEXT, "operation": "summarize", "options": {}}
    assert document["response"]["result"] == "Short."


def batch() -> tuple[list[str], list[BatchTextProcessingItem]]:
    done = TextProcessingResponse(operation="summarize", result="Short.", processing_time=0.5)
    items = [
        BatchTextProcessingItem(request_index=0, status=BatchItemStatus.COMPLETED, response=done),
        BatchTextProcessingItem(request_index=1, status=BatchItemStatus.FAILED, error="too short"),
    ]
    return [TEXT, "tiny, with a comma"], items


def test_batch_rows_become_csv_with_a_header() -> None:
    texts, items = batch()
    rows = list(csv.DictReader(io.StringIO(rows_csv(batch_rows(texts, items)))))
    assert tuple(rows[0]) == BATCH_COLUMNS
    assert rows[0] | {"text": ""} == {
        "index": "0",
        "status": "completed",
        "result": "Short.",
        "error": "",
        "processing_time": "0.5",
        "cache_hit": "",
        "text": "",
    }
    assert (rows[1]["status"], rows[1]["error"], rows[1]["text"]) == (
        "failed",
        "too short",
        "tiny, with a comma",
    )


def test_batch_json_keeps_each_text_and_full_response() -> None:
    texts, items = batch()
    document = json.loads(batch_json(texts, items))
    assert [entry["text"] for entry in document] == texts
    assert document[0]["response"]["result"] == "Short."
    assert document[1]["error"] == "too short"
