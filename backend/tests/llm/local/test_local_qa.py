import pytest

from llm_starter_api.llm.local import NO_ANSWER, answer
from llm_starter_api.llm.local.answer_types import AnswerType, question_type, states

# Issue #17: "When will the line open?" got a sentence about cars off the roads, "Who opposed
# the project?" the cost sentence, and "How much will the new plant cost?" the mayor's sentence.
TRAM = (
    "The city council has approved a light rail line from the harbour to the airport. "
    "The line will run for nine kilometres and serve twelve stations. "
    "Supporters say it will take thousands of cars off the roads and cut journey times by half. "
    "The first passengers are expected to ride the trams in spring 2028. "
    "Construction will cost 420 million euros. "
    "A residents' association in the old town fought the plans for two years, saying the "
    "tracks would split the neighbourhood. "
    "The council will meet residents in every district over the summer."
)
PLANT = (
    "Mayor Tom Reilly said the new recycling plant would make the town a leader in waste policy. "
    "The plant will cost $12 million and create 40 jobs. "
    "It will be built next to the sewage works on Quarry Lane. "
    "The mayor said the plant would sort 30,000 tonnes of waste a year."
)


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
    ("text", "question", "expected"),
    [
        (TRAM, "When will the line open?", "The first passengers are expected to ride the trams"),
        (TRAM, "Who opposed the project?", "A residents' association in the old town fought"),
        (TRAM, "How much will the line cost?", "Construction will cost 420 million euros."),
        (PLANT, "How much will the new plant cost?", "The plant will cost $12 million"),
        (PLANT, "Who is the mayor?", "Mayor Tom Reilly said"),
        (PLANT, "How much waste will the plant sort?", "The mayor said the plant would sort"),
    ],
)
def test_the_answer_is_the_sentence_of_the_asked_type(
    text: str, question: str, expected: str
) -> None:
    assert answer(text, question).startswith(expected)


# The UI's "Headphones (product review)" example (frontend/src/llm_starter_ui/examples.py).
HEADPHONES = (
    "I have used these headphones every day for three months. The sound is warm and "
    "detailed, and the noise cancelling makes my train commute far more pleasant. "
    "Battery life easily lasts a week of commuting. On the other hand, the ear cushions "
    "started to crack after eight weeks, and the companion app crashes whenever I try "
    "to change the equaliser. Support replaced the cushions quickly and politely. "
    "Overall I would buy them again, but I hope the next version uses sturdier materials."
)


def test_the_text_topic_does_not_outweigh_what_the_question_asks() -> None:
    # "headphones" is in the opening sentence only, as the topic of every sentence.
    reply = answer(HEADPHONES, "What went wrong with the headphones?")
    assert "the ear cushions started to crack" in reply
    assert "I have used these headphones" not in reply


def test_a_sentence_opening_with_a_reference_comes_with_its_antecedent() -> None:
    assert answer(PLANT, "Where will the plant be built?") == (
        "The plant will cost $12 million and create 40 jobs. "
        "It will be built next to the sewage works on Quarry Lane."
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When will the line open?", AnswerType.TIME),
        ("What year did it close?", AnswerType.TIME),
        ("How much will the new plant cost?", AnswerType.MONEY),
        ("How many stations are there?", AnswerType.QUANTITY),
        ("How long is the bridge?", AnswerType.QUANTITY),
        ("Who opposed the project?", AnswerType.PERSON),
        ("Where will it be built?", AnswerType.PLACE),
        ("Why did the drivers strike?", AnswerType.REASON),
        ("What does the plant do?", None),
    ],
)
def test_questions_are_typed_by_what_they_ask_for(question: str, kind: AnswerType | None) -> None:
    assert question_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "question", "expected"),
    [
        (AnswerType.TIME, "The hall opens on 3 May.", "When does the hall open?", 1.0),
        (AnswerType.TIME, "The hall opens when the paint is dry.", "When does it open?", 0.5),
        (AnswerType.TIME, "The hall has 40 stalls.", "When does the hall open?", 0.0),
        (AnswerType.MONEY, "It costs 6.40 euros.", "How much does it cost?", 1.0),
        (AnswerType.MONEY, "It has 40 stalls.", "How much does it cost?", 0.0),
        (AnswerType.PERSON, "It was designed by Clara Voss.", "Who designed it?", 1.0),
        (AnswerType.PERSON, "Shop owners opposed it.", "Who opposed it?", 1.0),
        (AnswerType.PERSON, "It opened in May.", "Who opened it?", 0.0),
        (AnswerType.PLACE, "It stands on Quarry Lane.", "Where is it?", 1.0),
        (AnswerType.QUANTITY, "Lava reaches 1,200 degrees.", "How hot is lava?", 1.0),
        (AnswerType.QUANTITY, "About 75 percent are active.", "How hot is lava?", 0.5),
        # A fact the question already names is not an answer to it.
        (AnswerType.TIME, "The bridge opened in 1937.", "What happened in 1937?", 0.0),
    ],
)
def test_sentences_state_facts_of_a_type(
    kind: AnswerType, sentence: str, question: str, expected: float
) -> None:
    assert states(kind, sentence, question) == expected


def test_a_number_the_text_lacks_gets_the_no_answer_reply(texts: dict[str, str]) -> None:
    assert answer(texts["bridge"], "What happened to the bridge in 1971?") == NO_ANSWER


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
