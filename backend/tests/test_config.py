"""Settings: invalid configuration stops start-up naming the variable."""

import os
import subprocess
import sys

import pytest
from apitest import make_settings
from pydantic import ValidationError
from waits import PATIENCE

from llm_starter_api.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"llm_model": "openai:gpt-4o-mini"}, "OPENAI_API_KEY"),
        ({"llm_model": "google-gla:gemini-2.5-flash"}, "GEMINI_API_KEY"),
        ({"llm_model": "anthropic:claude-sonnet-4-5"}, "ANTHROPIC_API_KEY"),
        ({"environment": "production", "api_key": None}, "API_KEY"),
    ],
)
def test_missing_secret_is_refused_naming_the_variable(
    overrides: dict[str, object], variable: str
) -> None:
    with pytest.raises(ValidationError, match=variable):
        make_settings(**overrides)


@pytest.mark.parametrize("model", ["gpt-4", "openai:", "bard:x", "local:"])
def test_unknown_model_strings_are_refused(model: str) -> None:
    with pytest.raises(ValidationError, match="provider"):
        make_settings(llm_model=model)


@pytest.mark.parametrize(
    "model", ["local", "ollama:llama3.2", "openai:gpt-4o-mini", "google-gla:gemini-2.5-flash"]
)
def test_known_model_strings_are_accepted_with_their_keys(model: str) -> None:
    settings = make_settings(llm_model=model, openai_api_key="k", gemini_api_key="k")
    assert settings.llm_model == model


def test_openai_compatible_server_needs_no_key() -> None:
    settings = make_settings(llm_model="openai:qwen", openai_base_url="http://127.0.0.1:9/v1")
    assert settings.model_provider == "openai"


def test_additional_keys_are_split_on_commas() -> None:
    settings = make_settings(api_key="a-key", additional_api_keys=" b-key , ,c-key ")
    assert settings.api_keys == ("a-key", "b-key", "c-key")


def test_load_settings_names_every_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    monkeypatch.setenv("MAX_BATCH_SIZE", "lots")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "ENVIRONMENT:" in message
    assert "MAX_BATCH_SIZE:" in message


def test_server_start_up_stops_with_the_variable_name() -> None:
    env = {**os.environ, "LLM_MODEL": "anthropic:claude-sonnet-4-5", "ENVIRONMENT": "development"}
    env.pop("ANTHROPIC_API_KEY", None)
    code = "from llm_starter_api.main import create_app; create_app()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert result.returncode == 1
    assert "ANTHROPIC_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr
