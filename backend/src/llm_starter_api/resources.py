"""Resources the lifespan creates once and closes on shutdown."""

from dataclasses import dataclass

from pydantic_ai.models import Model

from llm_starter_api.config import Settings
from llm_starter_api.llm.models import build_model, model_settings
from llm_starter_api.text.agents import Agents, build_agents
from llm_starter_api.text.batch import BatchRunner, BatchStore
from llm_starter_api.text.service import TextService


@dataclass(frozen=True, slots=True)
class Resources:
    """Shared services of one app instance."""

    agents: Agents
    text_service: TextService
    batch_store: BatchStore
    batch_runner: BatchRunner
    model: Model

    @classmethod
    def create(cls, settings: Settings) -> "Resources":
        """Build the model, the agents and the services that use them."""
        model = build_model(settings)
        agents = build_agents(model, model_settings(settings), model_id=settings.llm_model)
        service = TextService(
            agents,
            max_text_length=settings.max_text_length,
            timeout_seconds=settings.llm_timeout_seconds,
        )
        store = BatchStore(retention_seconds=settings.batch_retention_seconds)
        runner = BatchRunner(
            service,
            store,
            max_size=settings.max_batch_size,
            concurrency=settings.batch_concurrency,
        )
        return cls(agents, service, store, runner, model)

    async def aclose(self) -> None:
        """Close the HTTP client the model's provider opened; its connections belong to this loop."""
        # pydantic-ai closes a provider's own client when its context exits, so enter one to exit it.
        async with self.model:
            pass
