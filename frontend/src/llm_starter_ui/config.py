"""Settings of the frontend: the only reader of the environment."""

from pydantic import Field, HttpUrl, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from llm_starter_models.settings_errors import describe_invalid_settings


class ConfigError(Exception):
    """Invalid configuration; the message names each bad variable."""


class Settings(BaseSettings):
    """Where the backend is and how to call it, read from the environment (and `.env`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    backend_url: HttpUrl = HttpUrl("http://localhost:8000")
    # Not API_KEY: the backend reads API_KEY as the key it *accepts*; this is the one key we *send*.
    frontend_api_key: SecretStr | None = None
    frontend_timeout_seconds: float = Field(default=60.0, gt=0.0, le=600.0)

    @property
    def base_url(self) -> str:
        """The backend URL without a trailing slash."""
        return str(self.backend_url).rstrip("/")


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one message naming each variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_invalid_settings(exc)) from None
