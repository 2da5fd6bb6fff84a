"""Model strings to pydantic-ai models; every provider goes through the same agents."""

from collections.abc import Mapping

from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from llm_starter_api.config import Settings
from llm_starter_api.llm.local.model import Engine, local_model


def build_model(
    settings: Settings, model_id: str | None = None, *, engines: Mapping[str, Engine]
) -> Model:
    """The pydantic-ai model `model_id` (default `LLM_MODEL`) names, with its provider's key and
    URL; `engines` are the embedded engine's answer per operation, for `local`."""
    provider, _, name = (model_id or settings.llm_model).partition(":")
    match provider:
        case "local":
            return local_model(engines)
        case "openai":
            from pydantic_ai.models.openai import OpenAIChatModel
            from pydantic_ai.providers.openai import OpenAIProvider

            key = settings.openai_api_key
            return OpenAIChatModel(
                name,
                provider=OpenAIProvider(
                    base_url=settings.openai_base_url,
                    # A keyless OpenAI-compatible server still needs a non-empty key for the SDK.
                    api_key=key.get_secret_value() if key else "not-needed",
                ),
            )
        case "ollama":
            from pydantic_ai.models.ollama import OllamaModel
            from pydantic_ai.providers.ollama import OllamaProvider

            return OllamaModel(name, provider=OllamaProvider(base_url=settings.ollama_base_url))
        case "google-gla":
            from pydantic_ai.models.google import GoogleModel
            from pydantic_ai.providers.google import GoogleProvider

            assert settings.gemini_api_key is not None  # Settings refuses to start without it
            return GoogleModel(
                name, provider=GoogleProvider(api_key=settings.gemini_api_key.get_secret_value())
            )
        case "anthropic":
            from pydantic_ai.models.anthropic import AnthropicModel
            from pydantic_ai.providers.anthropic import AnthropicProvider

            assert settings.anthropic_api_key is not None  # Settings refuses to start without it
            return AnthropicModel(
                name,
                provider=AnthropicProvider(api_key=settings.anthropic_api_key.get_secret_value()),
            )
        case _:
            raise ValueError(f"unknown model provider {provider!r}")  # Settings validated it


def model_settings(settings: Settings) -> ModelSettings:
    """Temperature, output tokens and the per-request deadline every call gets."""
    return ModelSettings(
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_output_tokens,
        timeout=settings.llm_timeout,
        request_timeout=settings.llm_timeout,
        # One attempt per call: retrying is our resilience layer's decision, not the SDK's.
        max_retries=0,
    )
