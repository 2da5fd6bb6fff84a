import pytest

from llm_starter_api.llm.local import summarize
from llm_starter_api.llm.local.sentences import split_sentences

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


def test_a_large_budget_returns_the_whole_text(texts: dict[str, str]) -> None:
    text = texts["factual"]
    assert summarize(text, max_length=10_000) == _flat(text)


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
