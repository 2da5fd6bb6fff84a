"""What each failed call tells the person using the app."""

import pytest

from llm_starter_ui.errors import ApiError, BackendUnreachable, FieldProblem, describe


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ApiError(401, "unauthorized", "x"), "check the key in the sidebar"),
        (
            ApiError(429, "rate_limited", "x", retry_after=12.2),
            "Too many requests (429): retry in 13 s.",
        ),
        (
            ApiError(429, "rate_limited", "This request costs 60 heavy units; send fewer items"),
            "Too many requests (429): This request costs 60 heavy units; send fewer items",
        ),
        (
            ApiError(503, "rate_limit_unavailable", "x", retry_after=5),
            "cannot check rate limits right now (503): retry after 5 s.",
        ),
        (
            ApiError(503, "provider_unavailable", "down", retry_after=30),
            "unavailable (503): retry after 30 s.",
        ),
        (
            ApiError(413, "payload_too_large", "Body over 1 MB"),
            "too large for this backend (413): Body over 1 MB",
        ),
        (ApiError(415, "unsupported_media_type", "JSON only"), "refused (415): JSON only"),
        (ApiError(500, "internal_error", "oops"), "The backend answered 500: oops"),
        (BackendUnreachable("http://b:1", "refused"), "Backend unreachable at http://b:1: refused"),
    ],
)
def test_each_error_tells_what_to_do(error: ApiError, expected: str) -> None:
    assert expected in describe(error)


def test_validation_errors_list_field_and_reason_with_the_request_id() -> None:
    problems = [FieldProblem("text", "too long"), FieldProblem("question", "required")]
    error = ApiError(
        422,
        "validation_error",
        "text: too long; question: required",
        problems=problems,
        request_id="r1",
    )
    assert describe(error) == (
        "The input was refused (422):\n- `text`: too long\n- `question`: required\n\nRequest id: `r1`"
    )


@pytest.mark.parametrize(
    ("base_url", "command"),
    [
        (
            "http://127.0.0.1:9000",
            "`uvicorn llm_starter_api.main:create_app --factory --port 9000`",
        ),
        ("https://api.example.com", "`uvicorn llm_starter_api.main:create_app --factory`"),
    ],
)
def test_an_unreachable_backend_says_how_to_start_one(base_url: str, command: str) -> None:
    text = describe(BackendUnreachable(base_url, "refused"))
    assert text.startswith(f"Backend unreachable at {base_url}: refused\n\n")
    assert "Start it with `make run`" in text
    assert command in text
    assert "set `BACKEND_URL`" in text
