import pytest

from llm_starter_api.llm.local import summarize
from llm_starter_api.llm.local.references import leans_on_previous
from llm_starter_api.llm.local.sentences import split_sentences

# The bundled "Photosynthesis (science)" example of the UI (frontend/src/llm_starter_ui/examples.py).
PHOTOSYNTHESIS = (
    "Photosynthesis is the process by which plants, algae and some bacteria turn light "
    "into chemical energy. In the light-dependent reactions, chlorophyll in the thylakoid "
    "membranes absorbs light and splits water, releasing oxygen and producing ATP and "
    "NADPH. In the Calvin cycle, which takes place in the stroma of the chloroplast, the "
    "enzyme RuBisCO fixes carbon dioxide from the air, and the ATP and NADPH power its "
    "reduction into sugars. Nearly all life on Earth depends on this process, directly "
    "or indirectly, for food and for the oxygen in the atmosphere."
)

NAMES = ["bridge", "factual", "mixed_review", "negative_review", "positive_review", "release_notes"]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("max_length", [10, 30, 100])
def test_summary_fits_the_word_budget(texts: dict[str, str], name: str, max_length: int) -> None:
    summary = summarize(texts[name], max_length=max_length)
    assert 0 < len(summary.split()) <= max_length


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("max_length", [30, 100])
def test_summary_is_whole_sentences_of_the_text_in_order(
    texts: dict[str, str], name: str, max_length: int
) -> None:
    rest = summarize(texts[name], max_length=max_length)
    for sentence in split_sentences(texts[name]):
        if rest.startswith(sentence):
            rest = rest[len(sentence) :].lstrip()
    assert rest == ""


@pytest.mark.parametrize("name", NAMES)
def test_summary_is_deterministic(texts: dict[str, str], name: str) -> None:
    assert summarize(texts[name], max_length=50) == summarize(texts[name], max_length=50)


def test_summary_picks_the_central_sentences_of_a_factual_text(texts: dict[str, str]) -> None:
    summary = summarize(texts["bridge"], max_length=30)
    assert "Golden Gate Bridge" in summary


@pytest.mark.parametrize("name", NAMES)
def test_a_large_budget_still_gives_at_most_half_the_text(texts: dict[str, str], name: str) -> None:
    text = texts[name]
    assert 0 < len(summarize(text, max_length=10_000).split()) <= len(text.split()) / 2


def test_the_photosynthesis_example_is_summarised_not_repeated() -> None:
    # Issue #17: the bundled example came back whole, word for word.
    summary = summarize(PHOTOSYNTHESIS, max_length=100)
    assert summary != _flat(PHOTOSYNTHESIS)
    assert len(summary.split()) <= len(PHOTOSYNTHESIS.split()) / 2
    assert summary.startswith("Photosynthesis is the process")


def test_two_or_three_sentences_give_fewer_sentences_than_the_text() -> None:
    text = "The bakery opened in May. It sells rye bread and pastries. Queues form every morning."
    summary = summarize(text, max_length=100)
    assert 0 < len(split_sentences(summary)) < 3


# Issue #17: a summary opened with "Some expect more customers...". Here that sentence is the most
# central one by far; it may only come with the sentence it leans on.
MARKET = (
    "The market hall reopens on Saturday. "
    "Some expect the market hall to bring shoppers, traders, cafes and visitors to the old town "
    "centre. "
    "Shoppers used to drive to the mall. "
    "Traders want longer hours. "
    "Cafes are opening. "
    "Visitors come by train to the old town centre."
)


@pytest.mark.parametrize("max_length", [5, 10, 17, 22])
def test_a_sentence_leaning_on_the_previous_one_is_not_taken_alone(max_length: int) -> None:
    summary = summarize(MARKET, max_length=max_length)
    assert summary
    assert "Some expect" not in summary


def test_a_sentence_leaning_on_the_previous_one_comes_with_it() -> None:
    summary = summarize(MARKET, max_length=23)
    assert summary.startswith("The market hall reopens on Saturday. Some expect the market hall")


@pytest.mark.parametrize(
    "sentence",
    [
        "It opened in 1937.",
        "Some expect more customers.",
        "However, the battery is weak.",
        "They voted against it.",
        "This is known as bleaching.",
        "On the other hand, the app crashes.",
        "Many of them stayed.",
        "Grid operators, however, warn that storage lags.",
    ],
)
def test_openers_that_lean_on_the_previous_sentence_are_recognised(sentence: str) -> None:
    assert leans_on_previous(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["The bridge opened in 1937.", "There will be 38 stalls.", "We stayed four nights."],
)
def test_self_contained_openers_are_not_flagged(sentence: str) -> None:
    assert not leans_on_previous(sentence)


def test_a_sentence_longer_than_the_budget_is_cut_to_its_first_words() -> None:
    text = "The committee reviewed every proposal in detail before it voted on the final budget."
    assert summarize(text, max_length=5) == "The committee reviewed every proposal"


def test_titles_do_not_fill_a_summary_when_a_sentence_fits() -> None:
    text = "Overview\nThe library reopened in May after a long renovation of its reading rooms."
    assert summarize(text, max_length=20) == text.splitlines()[1]


def test_text_without_words_gives_an_empty_summary() -> None:
    assert summarize(" \n -- \n", max_length=10) == ""


def test_budget_below_one_word_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_length"):
        summarize("Some text.", max_length=0)
