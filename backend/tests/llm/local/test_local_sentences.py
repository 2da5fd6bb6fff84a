import pytest

from llm_starter_api.llm.local.sentences import split_sentences, unique_sentences
from llm_starter_api.llm.local.tokens import content_terms, stem, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Dr. Smith arrived. He left.", ["Dr. Smith arrived.", "He left."], id="title"),
        pytest.param(
            "Use a tool, e.g. Python. It helps.",
            ["Use a tool, e.g. Python.", "It helps."],
            id="e.g.",
        ),
        pytest.param(
            "The rate rose to 3.5 percent. Then it fell.",
            ["The rate rose to 3.5 percent.", "Then it fell."],
            id="decimal",
        ),
        pytest.param(
            "J. R. R. Tolkien wrote it. Fans agree.",
            ["J. R. R. Tolkien wrote it.", "Fans agree."],
            id="initials",
        ),
        pytest.param(
            'She said "Stop." Then she left! Why? Nobody knows.',
            ['She said "Stop."', "Then she left!", "Why?", "Nobody knows."],
            id="quotes",
        ),
        pytest.param(
            "It carries U.S. Route 101. It is busy.",
            ["It carries U.S. Route 101.", "It is busy."],
            id="initialism",
        ),
        pytest.param(
            "See No. 5 on the list. We sat in the sun. Then it rained.",
            ["See No. 5 on the list.", "We sat in the sun.", "Then it rained."],
            id="number-abbreviation",
        ),
        pytest.param(
            "Wait... the bus came. It was late.",
            ["Wait... the bus came.", "It was late."],
            id="ellipsis-lowercase",
        ),
        pytest.param("no punctuation at all", ["no punctuation at all"], id="unpunctuated"),
        pytest.param("", [], id="empty"),
        pytest.param(
            "東京は日本の首都です。大阪は大きい。",
            ["東京は日本の首都です。", "大阪は大きい。"],
            id="cjk",
        ),
    ],
)
def test_split_sentences_handles_common_punctuation(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_wrapped_lines_join_and_paragraphs_split() -> None:
    text = "The bridge is long and\nwas finished in 1937\n\nA new paragraph starts here."
    assert split_sentences(text) == [
        "The bridge is long and was finished in 1937",
        "A new paragraph starts here.",
    ]


def test_bullets_and_headings_are_sentences_without_their_markers() -> None:
    text = (
        "# Release notes\nIntro text here.\n\nFeatures\nThe app is faster.\n"
        "- Fast startup\n* Low memory use\n1. First step\n2) Second step"
    )
    assert split_sentences(text) == [
        "Release notes",
        "Intro text here.",
        "Features",
        "The app is faster.",
        "Fast startup",
        "Low memory use",
        "First step",
        "Second step",
    ]


@pytest.mark.parametrize("name", ["bridge", "mixed_review", "release_notes"])
def test_every_sentence_is_a_slice_of_the_text(texts: dict[str, str], name: str) -> None:
    flat = " ".join(texts[name].split())
    sentences = split_sentences(texts[name])
    assert len(sentences) > 5
    assert all(sentence in flat for sentence in sentences)


def test_unique_sentences_drops_repeats_and_symbol_only_lines() -> None:
    assert unique_sentences("Good. Good. --- \n\n***\n\nBetter.") == ["Good.", "Better."]


def test_tokenize_keeps_numbers_and_contractions_whole() -> None:
    assert tokenize("Don't pay $3.50 for 1,280 Café items!") == [
        "don't",
        "pay",
        "3.50",
        "for",
        "1,280",
        "café",
        "items",
    ]


@pytest.mark.parametrize("word", ["completed", "completion", "complete", "completes"])
def test_stem_conflates_inflections(word: str) -> None:
    assert stem(word) == stem("complete")


def test_content_terms_drop_stopwords_and_question_words() -> None:
    assert content_terms("When was the bridge completed?") == ["bridg", "complet"]
