"""Each bad body of issue 14 point 6 gets the right status and names the real field and reason."""

import ast
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

PROCESS = "/v1/text_processing/process"
BATCH = "/v1/text_processing/batch_process"
INVALIDATE = "/internal/cache/invalidate"
TEXT = "The Golden Gate Bridge was completed in 1937 after four years of construction."
ROOT = Path(__file__).resolve().parents[4]
SOURCES = [ROOT / "backend" / "src", ROOT / "shared" / "src"]


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def raw_body(extra: str = "", text: str = TEXT, operation: str = "summarize") -> bytes:
    return f'{{"text": {json.dumps(text)}, "operation": "{operation}"{extra}}}'.encode()


def assert_error(response: httpx.Response, status: int, code: str, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()
    assert error["success"] is False
    assert error["error_code"] == code
    for needle in needles:
        assert needle in error["error"], error["error"]
    assert "Traceback" not in response.text
    return error


def fields(error: dict[str, Any]) -> list[str]:
    return [problem["field"] for problem in error["details"]["errors"]]


async def post(client: httpx.AsyncClient, content: bytes, ctype: str = "application/json") -> Any:
    return await client.post(PROCESS, content=content, headers={"Content-Type": ctype})


async def test_metadata_nested_255_deep_names_the_depth_on_user_metadata(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, raw_body(f', "user_metadata": {nested_object(255)}'))
    error = assert_error(response, 422, "validation_error", "user_metadata", "32 deep")
    assert fields(error) == ["user_metadata"]
    assert "surrogate" not in response.text


async def test_invalid_utf8_is_422_saying_so(client: httpx.AsyncClient) -> None:
    latin1 = b'{"text": "caf\xe9 au lait, s\'il vous pla\xeet", "operation": "summarize"}'
    response = await post(client, latin1)
    error = assert_error(response, 422, "validation_error", "not valid UTF-8")
    assert fields(error) == ["body"]


async def test_a_5000_digit_integer_is_422_saying_the_number_is_too_long(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, raw_body(f', "options": {{"max_length": {"9" * 5000}}}'))
    error = assert_error(response, 422, "validation_error", "number too long")
    assert fields(error) == ["body"]
    assert "9999" not in response.text  # the input is never echoed


async def test_100000_deep_nesting_is_422_saying_it_is_nested_too_deeply(
    client: httpx.AsyncClient,
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = await post(client, raw_body(f', "user_metadata": {{"a": {deep}}}'))
    error = assert_error(response, 422, "validation_error", "nested too deeply")
    assert fields(error) == ["body"]
    assert "http_error" not in response.text


async def test_text_json_content_type_is_415(client: httpx.AsyncClient) -> None:
    response = await post(client, raw_body(), "text/json")
    assert_error(response, 415, "unsupported_media_type", "application/json", "text/json")


async def test_a_utf16_body_is_415(client: httpx.AsyncClient) -> None:
    response = await post(client, raw_body().decode().encode("utf-16"))
    assert_error(response, 415, "unsupported_media_type", "UTF-8", "UTF-16")


async def test_a_non_utf8_charset_is_415(client: httpx.AsyncClient) -> None:
    response = await post(client, raw_body(), "application/json; charset=iso-8859-1")
    assert_error(response, 415, "unsupported_media_type", "charset=iso-8859-1")


async def test_a_2001_character_question_says_characters(client: httpx.AsyncClient) -> None:
    extra = f', "question": "{"q" * 2001}"'
    response = await post(client, raw_body(extra, operation="qa"))
    error = assert_error(response, 422, "validation_error", "at most 2000 characters")
    assert fields(error) == ["question"]
    assert "items" not in response.text


async def test_qa_without_question_names_question(client: httpx.AsyncClient) -> None:
    response = await post(client, raw_body(operation="qa"))
    error = assert_error(response, 422, "validation_error", "question")
    assert fields(error) == ["question"]


async def test_a_batch_names_the_item_and_field(client: httpx.AsyncClient) -> None:
    item = raw_body(f', "user_metadata": {nested_object(255)}').decode()
    response = await client.post(
        BATCH,
        content=f'{{"requests": [{item}]}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    error = assert_error(response, 422, "validation_error", "32 deep")
    assert fields(error) == ["requests.0.user_metadata"]


@pytest.mark.parametrize(
    ("content", "ctype", "status", "code", "needle"),
    [
        (b'{"all": true}', "text/json", 415, "unsupported_media_type", "text/json"),
        (
            '{"all": true}'.encode("utf-16"),
            "application/json",
            415,
            "unsupported_media_type",
            "UTF-16",
        ),
        (b'{"model": "caf\xe9"}', "application/json", 422, "validation_error", "not valid UTF-8"),
        (b'{"a": ' + b"9" * 5000 + b"}", "application/json", 422, "validation_error", "too long"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "validation_error", "deeply"),
    ],
    ids=["text-json", "utf16", "bad-utf8", "long-number", "deep"],
)
async def test_the_internal_api_reads_json_as_strictly(
    client: httpx.AsyncClient, content: bytes, ctype: str, status: int, code: str, needle: str
) -> None:
    response = await client.post(INVALIDATE, content=content, headers={"Content-Type": ctype})
    error = assert_error(response, status, code, needle)
    assert "There was an error parsing the body" not in error["error"]


async def test_a_rate_limited_request_is_documented(client: httpx.AsyncClient) -> None:
    assert "rate_limited" in documented_codes()
    assert documented_codes()["rate_limited"] == 429


def documented_codes() -> dict[str, int | None]:
    """`error_code` → status from the errors table of docs/api.md."""
    text = (ROOT / "docs" / "api.md").read_text().split("## Errors", 1)[1]
    rows = re.findall(r"^\| ([0-9x]{3}) \| `([a-z_]+)` \|", text, flags=re.MULTILINE)
    return {code: int(status) if status.isdigit() else None for status, code in rows}


def defined_codes() -> set[str]:
    """Every error code the source defines: `error_code` values, and the framework's codes."""
    codes: set[str] = set()
    for path in (p for root in SOURCES for p in root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value = [node.target], node.value
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if value is None or not names & {
                "error_code",
                "HTTP_ERROR_CODES",
                "HTTP_ERROR_FALLBACK",
            }:
                continue
            codes |= {
                c.value
                for c in ast.walk(value)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
            # Error bodies rendered directly: `_render(request, status, "code", ...)`.
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if isinstance(call.func, ast.Name) and call.func.id == "_render" and len(call.args) > 2:
                code = call.args[2]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    codes.add(code.value)
    return codes


def test_the_errors_table_lists_every_code_the_source_defines() -> None:
    defined, documented = defined_codes(), set(documented_codes())
    # The drift check finds what it must: these are defined in different modules.
    assert {"overloaded", "invalid_model_output", "rate_limited", "http_error"} <= defined
    assert defined - documented == set(), "undocumented error codes"
    assert documented - defined == set(), "documented codes the source no longer defines"
