import re

import pytest

from llm_starter_api.llm.local import NO_ANSWER, answer, questions
from llm_starter_api.llm.local.tokens import STOPWORDS

NAMES = ["bridge", "factual", "mixed_review", "negative_review", "positive_review", "release_notes"]
# The words the question templates add; every other word must come from the text.
TEMPLATE_WORDS = frozenset(("does", "do", "did", "text", "say", "happened", "many", "much", "have"))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w'\u2019.,-]*\w", text.lower()))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("count", [1, 5, 10])
def test_rich_texts_give_exactly_the_requested_count(
    texts: dict[str, str], name: str, count: int
) -> None:
    asked = questions(texts[name], num_questions=count)
    assert len(asked) == count
    assert len({question.casefold() for question in asked}) == count
    assert all(question.endswith("?") for question in asked)


@pytest.mark.parametrize("name", NAMES)
def test_questions_are_grounded_in_the_text(texts: dict[str, str], name: str) -> None:
    vocabulary = _words(texts[name])
    for question in questions(texts[name], num_questions=10):
        content = _words(question) - STOPWORDS - TEMPLATE_WORDS
        # "How much does a ticket cost?" asks with the base form of the text's "costs".
        assert {word for word in content if f"{word}s" not in vocabulary} <= vocabulary, question


@pytest.mark.parametrize("name", ["bridge", "factual"])
def test_questions_are_answerable_from_the_text(texts: dict[str, str], name: str) -> None:
    for question in questions(texts[name], num_questions=8):
        assert answer(texts[name], question) != NO_ANSWER, question


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (
            "The Golden Gate Bridge is a suspension bridge in California.",
            "What is the Golden Gate Bridge?",
        ),
        ("The bridge was designed by Joseph Strauss.", "Who designed the bridge?"),
        ("The bridge was completed in April 1937.", "When was the bridge completed?"),
        ("A median barrier was installed in 2015.", "When was the median barrier installed?"),
        ("The main span is 1,280 meters long.", "How long is the main span?"),
        ("The bridge has six lanes of traffic.", "How many lanes does the bridge have?"),
        ("Strauss was an engineer from Chicago.", "Who was Strauss?"),
        ("At the time, the main span was the longest in the world.", "What was the main span?"),
        ("Construction began on January 5, 1933.", "What happened on January 5, 1933?"),
        ("Visitors admire the orange towers.", "What does the text say about the orange towers?"),
        ("The milk frother works perfectly.", "What does the text say about the milk frother?"),
        ("It has a large glass facade.", "What does the text say about the large glass facade?"),
    ],
)
def test_sentence_patterns_become_questions(sentence: str, question: str) -> None:
    assert questions(sentence, num_questions=1) == [question]


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (
            "The library will hire four part-time assistants.",
            "How many part-time assistants will the library hire?",
        ),
        ("There will be 38 stalls.", "How many stalls will there be?"),
        ("The new plant will cost $12 million.", "How much will the new plant cost?"),
        ("The renovation cost 4.2 million pounds.", "How much did the renovation cost?"),
        (
            "Parliament will vote on the budget in December.",
            "When will parliament vote on the budget?",
        ),
        (
            "The first trams are due to carry passengers in September 2027.",
            "When are the first trams due to carry passengers?",
        ),
        ("Mayor Helen Okafor said the plan was sound.", "What did Mayor Helen Okafor say?"),
        ("The science minister, Lara Becker, presented the plans.", "Who is Lara Becker?"),
        ("The museum was built on the old harbour wall.", "Where was the museum built?"),
    ],
)
def test_facts_become_questions_of_their_type(sentence: str, question: str) -> None:
    assert questions(sentence, num_questions=1) == [question]


# Issue #17: "What does the text say about the stations open?" and "...about city Hall?".
TRAMS = (
    "The new tram line will open in May 2026. The council says the stations open at five in the "
    "morning. Trams will stop outside City Hall every ten minutes. The city will pay 90 million "
    "euros for the line. There will be 14 stations. Mayor Ana Ruiz said the line would change "
    "the city."
)


def test_questions_are_grammatical_and_anchored_in_names_and_numbers() -> None:
    asked = questions(TRAMS, num_questions=8)
    assert not any("stations open" in question or "city Hall" in question for question in asked)
    assert {
        "When will the new tram line open?",
        "What does the text say about City Hall?",
        "How much will the city pay?",
        "How many stations will there be?",
        "What did Mayor Ana Ruiz say?",
    } <= set(asked)
    for question in asked:
        assert answer(TRAMS, question) != NO_ANSWER, question


@pytest.mark.parametrize(
    "sentence",
    [
        "Mayor Tom Reilly said the plan was sound.",
        "The violent storm swept across the coast.",
        "Elena Marsh tells the story of a family.",
        "Reef corals live together with algae.",
    ],
)
def test_key_phrases_that_swallowed_a_verb_are_not_asked_about(sentence: str) -> None:
    for question in questions(sentence, num_questions=3):
        assert not question.endswith(("said?", "swept?", "tells?", "live together?")), question


def test_pronoun_subjects_fall_back_to_a_key_phrase() -> None:
    assert questions("It is a suspension bridge.", num_questions=1) == [
        "What does the text say about the suspension bridge?"
    ]


def test_questions_follow_text_order() -> None:
    text = (
        "The museum was founded in 1901. The library is a public building. "
        "The tower is 50 meters tall."
    )
    assert questions(text, num_questions=3) == [
        "When was the museum founded?",
        "What is the library?",
        "How tall is the tower?",
    ]


def test_a_short_text_gives_fewer_questions_than_asked() -> None:
    asked = questions("The museum opened in 1901.", num_questions=5)
    assert 1 <= len(asked) < 5


def test_questions_are_deterministic(texts: dict[str, str]) -> None:
    first = questions(texts["mixed_review"], num_questions=6)
    assert questions(texts["mixed_review"], num_questions=6) == first


def test_at_least_one_question_is_required() -> None:
    with pytest.raises(ValueError, match="num_questions"):
        questions("Some text.", num_questions=0)
