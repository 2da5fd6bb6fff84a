"""Keys: every input that changes an answer changes the key; none appears in it; patterns select."""

from fnmatch import fnmatchcase
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_starter_api.infra.cache.keys import ai_key, ai_pattern, slug

BASE: dict[str, Any] = {
    "scope": "0123456789abcdef0123456789abcdef",
    "operation": "summarize",
    "model": "openai:gpt-4o-mini",
    "prompt_version": "2026-11-26.1",
    "inputs": {"text": "The Nile is long.", "question": None, "options": {"max_length": 100}},
}


def key(**changes: Any) -> str:
    return ai_key("app", **(BASE | changes)).name


@pytest.mark.parametrize(
    "change",
    [
        {"scope": "shared"},
        {"operation": "key_points"},
        {"model": "openai:gpt-4o"},
        {"prompt_version": "2026-11-27.1"},
        {"inputs": BASE["inputs"] | {"text": "The Nile is long!"}},
        {"inputs": BASE["inputs"] | {"question": "How long?"}},
        {"inputs": BASE["inputs"] | {"options": {"max_length": 101}}},
    ],
)
def test_every_input_that_changes_the_answer_changes_the_key(change: dict[str, Any]) -> None:
    assert key(**change) != key()


def test_the_same_inputs_give_the_same_key_whatever_the_dict_order() -> None:
    reordered = dict(reversed(list(BASE["inputs"].items())))
    assert key(inputs=reordered) == key()


def test_key_segments_let_scan_select_by_scope_operation_model_and_prompt_version() -> None:
    name = key()
    prefix, namespace, scope, operation, model, version, digest = name.split(":")
    assert (prefix, namespace, scope, operation) == ("app", "ai", BASE["scope"], "summarize")
    assert (model, version, len(digest)) == ("openai-gpt-4o-mini", "2026-11-26.1", 64)


@pytest.mark.parametrize(
    ("scope", "matches"),
    [
        ({}, True),
        ({"scope": BASE["scope"]}, True),
        ({"scope": "shared"}, False),
        ({"scope": "anonymous", "operation": "summarize"}, False),
        ({"operation": "summarize"}, True),
        ({"operation": "qa"}, False),
        ({"model": "openai:gpt-4o-mini"}, True),
        ({"model": "openai:gpt-4o"}, False),
        ({"prompt_version": "2026-11-26.1", "operation": "summarize"}, True),
        ({"prompt_version": "2026-11-26.2"}, False),
    ],
)
def test_patterns_select_exactly_their_scope(scope: dict[str, str], matches: bool) -> None:
    assert fnmatchcase(key(), ai_pattern("app", **scope)) is matches


def test_patterns_of_one_prefix_never_reach_another_prefix() -> None:
    assert not fnmatchcase(ai_key("other", **BASE).name, ai_pattern("app"))


def test_each_scope_has_its_own_lock() -> None:
    locks = {ai_key("app", **(BASE | {"scope": scope})).lock_name for scope in ("a", "b", "shared")}
    assert len(locks) == 3
    assert ai_key("app", **BASE).lock_name.startswith(f"app:lock:{BASE['scope']}:")


def test_the_lock_lives_outside_the_namespace_invalidation_scans() -> None:
    lock = ai_key("app", **BASE).lock_name
    assert lock.startswith("app:lock:")
    assert not fnmatchcase(lock, ai_pattern("app"))


@given(text=st.text(min_size=5), model=st.text(min_size=1), version=st.text(min_size=1))
def test_no_raw_input_and_no_glob_character_reaches_a_key(
    text: str, model: str, version: str
) -> None:
    secret_text = f"secret {text}"
    name = ai_key(
        "app",
        scope="anonymous",
        operation="qa",
        model=model,
        prompt_version=version,
        inputs={"text": secret_text, "question": "sk-do-not-leak"},
    ).name
    assert secret_text not in name
    assert "sk-do-not-leak" not in name
    assert not set("*?[]\\ ") & set(name)
    assert name.count(":") == 6


@given(st.text())
def test_slugs_are_short_lower_case_and_safe(value: str) -> None:
    tag = slug(value)
    assert 1 <= len(tag) <= 48
    assert set(tag) <= set("abcdefghijklmnopqrstuvwxyz0123456789._-")
