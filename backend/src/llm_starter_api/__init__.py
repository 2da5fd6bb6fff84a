"""FastAPI backend of the LLM starter."""

from importlib.metadata import version

__version__ = version("llm-starter-api")
