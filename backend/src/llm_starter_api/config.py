"""Settings: the only reader of the environment."""

from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

type Environment = Literal["development", "testing", "production"]

# Which secret each provider prefix needs; the variable name is what start-up errors mention.
PROVIDER_KEYS: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "google-gla": "GEMINI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}
MODEL_PREFIXES = ("local", "openai", "google-gla", "anthropic", "ollama")


class ConfigError(SystemExit):
    """Invalid configuration; stops start-up with a message naming the variables."""


class Settings(BaseSettings):
    """Every setting of the backend, read once at start-up from the environment (and `.env`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    environment: Environment = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Authentication: keys accepted as `Authorization: Bearer` or `X-API-Key`.
    api_key: SecretStr | None = None
    additional_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    # The model: `local` (the embedded engine) or `<provider>:<model name>`.
    llm_model: str = "local"
    llm_temperature: float = Field(default=0.3, ge=0.0, le=2.0)
    llm_max_output_tokens: int = Field(default=1024, ge=1, le=200_000)
    llm_timeout_seconds: float = Field(default=30.0, gt=0.0, le=600.0)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    gemini_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    ollama_base_url: str = "http://localhost:11434/v1"

    # Input limits and batches.
    max_text_length: int = Field(default=50_000, ge=100, le=2_000_000)
    max_batch_size: int = Field(default=50, ge=1, le=1_000)
    batch_concurrency: int = Field(default=4, ge=1, le=64)
    batch_retention_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)

    # The /internal admin API: on by default except in production.
    internal_api_enabled: bool | None = None

    # --- Redis and the AI response cache (infra/cache) ---

    # --- Resilience (infra/resilience) ---

    # --- Security and observability (infra/security, infra/monitoring) ---

    @field_validator("additional_api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("llm_model")
    @classmethod
    def _known_model_prefix(cls, value: str) -> str:
        prefix, _, name = value.partition(":")
        if prefix not in MODEL_PREFIXES or (prefix != "local" and not name) or value == "local:":
            raise ValueError(
                "expected 'local' or '<provider>:<model>' with provider one of "
                + ", ".join(MODEL_PREFIXES[1:])
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        provider = self.model_provider
        key_variable = PROVIDER_KEYS.get(provider)
        # An OpenAI-compatible server reached through OPENAI_BASE_URL may need no key.
        keyless = provider == "openai" and self.openai_base_url
        if key_variable and getattr(self, key_variable.lower()) is None and not keyless:
            raise ValueError(f"LLM_MODEL={self.llm_model} needs {key_variable}")
        if self.environment == "production" and not self.api_keys:
            raise ValueError("production needs API_KEY (and optionally ADDITIONAL_API_KEYS)")
        return self

    @property
    def model_provider(self) -> str:
        """The provider part of `llm_model` (`local` for the embedded engine)."""
        return self.llm_model.partition(":")[0]

    @cached_property
    def api_keys(self) -> tuple[str, ...]:
        """Every accepted API key; empty means the API runs open (never in production)."""
        keys = [self.api_key, *self.additional_api_keys]
        return tuple(key.get_secret_value() for key in keys if key is not None)

    @property
    def internal_api_on(self) -> bool:
        """Whether /internal answers; production must opt in with INTERNAL_API_ENABLED."""
        if self.internal_api_enabled is None:
            return self.environment != "production"
        return self.internal_api_enabled


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one message naming each variable."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False, include_input=False):
            variable = "_".join(str(part) for part in error["loc"]).upper() or "configuration"
            lines.append(f"  {variable}: {error['msg']}")
        raise ConfigError("Invalid configuration:\n" + "\n".join(lines)) from None
