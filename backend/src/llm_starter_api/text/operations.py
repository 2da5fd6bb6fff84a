"""The operation catalog: names, descriptions, options with their ranges and defaults."""

from llm_starter_models import OPTION_LIMITS, OperationInfo, OptionSpec, TextProcessingRequest
from llm_starter_models import TextProcessingOperation as Op

DEFAULT_OPTIONS: dict[str, int] = {"max_length": 100, "max_points": 5, "num_questions": 5}

_OPTION_OF: dict[Op, str] = {
    Op.SUMMARIZE: "max_length",
    Op.KEY_POINTS: "max_points",
    Op.QUESTIONS: "num_questions",
}
_OPTION_TEXT = {
    "max_length": "Longest summary, in words",
    "max_points": "Most key points returned",
    "num_questions": "How many questions to generate",
}
_ABOUT: dict[Op, tuple[str, str]] = {
    Op.SUMMARIZE: ("Summarize", "A short summary of the text"),
    Op.SENTIMENT: ("Sentiment Analysis", "Positive, negative, neutral or mixed, with confidence"),
    Op.KEY_POINTS: ("Key Points", "The most important points of the text"),
    Op.QUESTIONS: ("Generate Questions", "Questions the text answers"),
    Op.QA: ("Question & Answer", "Answers a question from the text"),
}


def catalog() -> list[OperationInfo]:
    """Every operation as GET /operations lists it."""
    operations = []
    for op in Op:
        name, description = _ABOUT[op]
        option = _OPTION_OF.get(op)
        specs = []
        if option is not None:
            low, high = OPTION_LIMITS[option]
            specs.append(
                OptionSpec(
                    name=option,
                    minimum=low,
                    maximum=high,
                    default=DEFAULT_OPTIONS[option],
                    description=_OPTION_TEXT[option],
                )
            )
        operations.append(
            OperationInfo(
                id=op,
                name=name,
                description=description,
                options=[spec.name for spec in specs],
                requires_question=op is Op.QA,
                option_specs=specs,
            )
        )
    return operations


def effective_options(request: TextProcessingRequest) -> dict[str, int]:
    """The option that applies to the request's operation, defaulted when left out."""
    option = _OPTION_OF.get(request.operation)
    if option is None:
        return {}
    value = getattr(request.options, option)
    return {option: DEFAULT_OPTIONS[option] if value is None else value}
