"""Batch input files and the chunked batch run."""

import httpx
import pytest

from llm_starter_models import BatchItemStatus
from llm_starter_ui.batch_input import InputFileError, from_lines, from_upload
from llm_starter_ui.batches import run_batch
from llm_starter_ui.choice import Choice
from llm_starter_ui.client import ApiClient

TEXT = "A text that is long enough to be processed, number {}."
BATCH = "/v1/text_processing/batch_process"


def test_pasted_lines_are_texts_and_blank_lines_are_skipped() -> None:
    assert from_lines(" first text \n\n  \nsecond text\n") == ["first text", "second text"]


@pytest.mark.parametrize(
    ("name", "content", "texts"),
    [
        ("in.txt", "one\n\ntwo\n", ["one", "two"]),
        ("in.TXT", "\ufeffone\n", ["one"]),
        ("in.csv", 'id,text\n1,"one, with a comma"\n2,\n3,three\n', ["one, with a comma", "three"]),
        ("in.jsonl", '{"text": "one"}\n\n{"text": "two", "id": 2}\n', ["one", "two"]),
    ],
)
def test_uploads_give_one_text_per_record(name: str, content: str, texts: list[str]) -> None:
    assert from_upload(name, content.encode()) == texts


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("in.csv", "id,body\n1,x\n", "needs a 'text' column; its columns are: id, body"),
        ("in.jsonl", '{"text": "ok"}\n{"text": \n', "Line 2 is not valid JSON"),
        ("in.jsonl", '{"body": "x"}\n', 'Line 1 has no "text" string field'),
        ("in.jsonl", '["x"]\n', 'Line 1 has no "text" string field'),
        ("in.pdf", "x", "expected one of .txt, .csv, .jsonl"),
        ("in.txt", "\n\n", "holds no texts"),
    ],
)
def test_unreadable_uploads_say_why(name: str, content: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        from_upload(name, content.encode())


def test_a_non_utf8_upload_is_refused() -> None:
    with pytest.raises(InputFileError, match="not UTF-8"):
        from_upload("in.txt", b"\xff\xfe\xfa")


def run(fake, texts: list[str], **kwargs: object) -> tuple[list, list[tuple[int, int]]]:
    progress: list[tuple[int, int]] = []
    client = ApiClient("http://backend.test", transport=fake.transport, sleep=lambda s: None)
    summarize = Choice(fake.catalog.operations[0], options={}, question=None)
    items = run_batch(
        client,
        texts,
        summarize,
        max_text_length=200,
        on_progress=lambda done, total: progress.append((done, total)),
        **kwargs,
    )
    return items, progress


def test_texts_go_in_chunks_and_progress_moves_per_chunk(fake) -> None:
    texts = [TEXT.format(n) for n in range(5)]
    items, progress = run(fake, texts, chunk_size=2)
    assert len(fake.sent(BATCH)) == 3
    assert [item.request_index for item in items] == [0, 1, 2, 3, 4]
    assert all(item.status is BatchItemStatus.COMPLETED for item in items)
    assert progress == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_invalid_texts_fail_here_and_are_never_sent(fake) -> None:
    texts = ["short", TEXT.format(1), "x" * 201, TEXT.format(3) + " FAIL"]
    items, progress = run(fake, texts)
    assert [item.status for item in items] == ["failed", "completed", "failed", "failed"]
    assert (
        items[0].error
        == "text: must be at least 10 characters long, not counting leading and trailing whitespace"
    )
    assert items[2].error == "text: 201 characters is over the limit of 200"
    assert items[3].error == "model failed"
    assert len(fake.sent(BATCH)) == 1
    assert progress[0] == (2, 4)


def test_a_refused_chunk_fails_its_items_and_the_next_chunk_still_runs(fake) -> None:
    answers = iter([fake.error(503, "provider_unavailable", "busy", retry_after=600)])
    working = fake.routes[("POST", BATCH)]
    fake.routes[("POST", BATCH)] = lambda r: next(answers, None) or working(r)
    items, _ = run(fake, [TEXT.format(n) for n in range(4)], chunk_size=2)
    assert [item.status for item in items] == ["failed", "failed", "completed", "completed"]
    assert items[0].error == "busy"


def refuse(fake):
    raise httpx.ConnectError("refused")


@pytest.mark.parametrize(
    ("failure", "attempts"),
    [(lambda fake: fake.error(401, "unauthorized", "key please"), 1), (refuse, 3)],
)
def test_unreachable_or_unauthorized_stops_sending(fake, failure, attempts: int) -> None:
    fake.routes[("POST", BATCH)] = lambda r: failure(fake)
    items, progress = run(fake, [TEXT.format(n) for n in range(4)], chunk_size=2)
    assert all(item.status is BatchItemStatus.FAILED for item in items)
    assert str(items[2].error).startswith("not sent: ")
    assert progress[-1] == (4, 4)
    assert len(fake.sent(BATCH)) == attempts  # the first chunk only (a refused connection retried)
