"""The translate operation: its options, its output, what the model is told, and how it is run."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation

from .offline import guess_language

LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "pl": "Polish",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "hi": "Hindi",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}
"""The languages a text can be translated into, by ISO 639-1 code."""

# A plain alias, not a `type` statement: Pydantic writes a `type` alias as a `$ref` to a definition
# of its own, and the catalog lists an option's choices from an inline `enum`.
TargetLanguage = Literal[
    "en", "es", "fr", "de", "it", "pt", "nl", "sv", "pl", "tr", "ru", "uk", "ar", "hi", "zh", "ja", "ko"
]  # fmt: skip


class TranslateOptions(BaseModel):
    """The options of a translate request."""

    model_config = ConfigDict(extra="forbid")  # an unknown option is a 422, not silently ignored

    target_language: TargetLanguage = Field(
        default="en",
        description="Language to translate into (ISO 639-1 code: "
        + ", ".join(f"{code} {name}" for code, name in LANGUAGES.items())
        + ")",
    )


class Translation(BaseModel):
    """A translated text: the answer in the response's generic `output` field."""

    translation: str = Field(description="The text in the target language")
    source_language: str = Field(
        pattern=r"^([a-z]{2}|und)$",
        description="ISO 639-1 code of the text's language ('und' when it cannot be told)",
    )
    note: str | None = Field(
        default=None,
        description="What the reader should know, e.g. that the text was not translated and why",
    )


NOT_TRANSLATED = (
    "Not translated: the embedded offline engine cannot translate, so this is the text unchanged "
    "and its language a guess. Set LLM_MODEL to a provider's model to translate."
)


def offline_answer(task: Task) -> Translation:
    """The embedded engine's answer: the text unchanged, its language guessed, and a note saying so."""
    return Translation(
        translation=task.document,
        source_language=guess_language(task.document),
        note=NOT_TRANSLATED,
    )


OPERATION = Operation(
    id="translate",
    name="Translate",
    description="The text in another language, with the language it was written in",
    output=Translation,
    instructions=(
        "Translate the document into the language whose ISO 639-1 code is {target_language}, "
        "keeping its meaning, tone and paragraphs. Give the ISO 639-1 code of the document's own "
        "language as source_language (und if you cannot tell). Leave note empty unless something "
        "stopped a faithful translation; then say what, in one sentence."
    ),
    prompt_version="2026-12-05.1",
    engine=offline_answer,
    options=TranslateOptions,
    # A structured answer (translation and source language together) arrives whole: it cannot
    # stream as text. Operations whose output is str can set streams=True.
    streams=False,
    cache="long",  # the same text translates the same way: keep answers long
    resilience="patient",  # long answers, expensive to lose: retry more, wait longer
    # A translation is about as long as its text; the operation sees only the options, so this is a
    # ceiling for texts of a few pages. LLM_MAX_OUTPUT_TOKENS (1024 by default) caps it further.
    output_tokens=lambda options: 4096,
)
"""The operation the registry loads: OPERATION_PLUGINS=examples.translate."""
