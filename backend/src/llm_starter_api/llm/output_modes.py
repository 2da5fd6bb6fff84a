"""How a model is asked for structured output: as a tool call, native JSON schema, or prompted JSON.

Hosted providers follow tool calls. Self-hosted servers (llama.cpp, vLLM, LM Studio, Ollama) do so
unevenly, but nearly all constrain output to a JSON schema: in `auto`, a model behind
OPENAI_BASE_URL or Ollama is tried tool -> native -> prompted until one gives a valid answer, and
the mode that worked is remembered for that model, so later requests pay nothing.
"""

import logging
from collections.abc import Mapping
from typing import Any, Literal

from pydantic_ai import NativeOutput, PromptedOutput, ToolOutput

from llm_starter_api.config import OutputModeSetting

logger = logging.getLogger(__name__)

type OutputMode = Literal["tool", "native", "prompted"]

PROBE_ORDER: tuple[OutputMode, ...] = ("tool", "native", "prompted")


def output_spec(output: Any, mode: OutputMode) -> Any:
    """pydantic-ai's output spec for `output` in `mode`; plain text needs none."""
    if output is str:
        return str
    match mode:
        case "tool":
            return ToolOutput(output)
        case "native":
            return NativeOutput(output)
        case "prompted":
            return PromptedOutput(output)


class OutputModes:
    """The modes to try for each model, and what worked for those that probe."""

    def __init__(
        self, settings: Mapping[str, OutputModeSetting], *, probing: frozenset[str]
    ) -> None:
        self.settings = dict(settings)
        self.probing = probing
        """Models that, in `auto`, fall back from tool calls (self-hosted, OpenAI-compatible)."""
        self.learned: dict[str, OutputMode] = {}

    def candidates(self, model_id: str) -> tuple[OutputMode, ...]:
        """The modes to try in order for `model_id`."""
        setting = self.settings.get(model_id, "auto")
        if setting != "auto":
            return (setting,)
        if (learned := self.learned.get(model_id)) is not None:
            return (learned,)
        return PROBE_ORDER if model_id in self.probing else ("tool",)

    def worked(self, model_id: str, mode: OutputMode) -> None:
        """Remember the mode that gave `model_id` a valid answer (auto, probing models)."""
        if model_id in self.probing and self.learned.get(model_id) != mode:
            self.learned[model_id] = mode
            logger.info("model %s: structured output in %s mode from now on", model_id, mode)

    def describe(self) -> dict[str, str]:
        """Each configured or learned mode, for the internal API."""
        return {m: self.learned.get(m, s) for m, s in self.settings.items()}
