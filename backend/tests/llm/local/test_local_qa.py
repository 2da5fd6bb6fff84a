import pytest

from llm_starter_api.llm.local import NO_ANSWER, answer


@pytest.mark.parametrize(
    ("name", "question", "fact"),
    [
        ("bridge", "When was the bridge completed?", "1937"),
        ("bridge", "Who designed the bridge?", "Joseph Strauss"),
        ("bridge", "How long is the main span?", "1,280 meters"),
        ("bridge", "How tall are the towers?", "227 meters"),
        ("bridge", "How many lanes does the bridge have?", "six lanes"),
        ("bridge", "When did construction begin?", "January 5, 1933"),
        ("bridge", "What color is the bridge painted?", "International Orange"),
        ("bridge", "How many workers died during construction?", "Eleven workers"),
        ("bridge", "How was the project financed?", "bond issue"),
        ("factual", "How long does the journey take?", "71 minutes"),
        ("factual", "When was the line electrified?", "1998"),
        ("factual", "How much does a single ticket cost?", "6.40 euros"),
        ("mixed_review", "How much does the laptop weigh?", "1.2 kilograms"),
    ],
)
def test_answer_contains_the_fact(
    texts: dict[str, str], name: str, question: str, fact: str
) -> None:
    assert fact in answer(texts[name], question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "Who won the 2018 World Cup?",
        "How do I bake sourdough bread?",
        "What is the bridge's favourite sourdough recipe and its oven temperature?",
    ],
)
def test_unrelated_question_gets_the_no_answer_reply(texts: dict[str, str], question: str) -> None:
    assert answer(texts["bridge"], question) == NO_ANSWER


def test_answer_is_verbatim_from_the_text(texts: dict[str, str]) -> None:
    reply = answer(texts["bridge"], "When was the bridge completed?")
    assert reply in " ".join(texts["bridge"].split())


def test_a_neighbour_joins_when_it_adds_question_terms() -> None:
    text = "The museum opened in 1901. Its founder was Ada Lane. The cafe serves soup."
    assert answer(text, "Who was the founder of the museum?") == (
        "The museum opened in 1901. Its founder was Ada Lane."
    )


@pytest.mark.parametrize("question", ["", "What is it?", "???"])
def test_question_without_content_words_gets_the_no_answer_reply(question: str) -> None:
    assert answer("The museum opened in 1901.", question) == NO_ANSWER
