import pytest

from llm_starter_api.llm.local import sentiment
from llm_starter_api.llm.local.sentences import split_sentences


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("positive_review", "positive"),
        ("negative_review", "negative"),
        ("mixed_review", "mixed"),
        ("factual", "neutral"),
    ],
)
def test_sentiment_labels_realistic_texts(texts: dict[str, str], name: str, label: str) -> None:
    verdict = sentiment(texts[name])
    assert verdict.label == label
    assert 0.0 <= verdict.confidence <= 1.0


@pytest.mark.parametrize("name", ["positive_review", "negative_review"])
def test_one_sided_reviews_are_confident(texts: dict[str, str], name: str) -> None:
    assert sentiment(texts[name]).confidence >= 0.8


def test_one_grumble_does_not_make_a_glowing_review_mixed(texts: dict[str, str]) -> None:
    text = texts["positive_review"] + "\nThe delivery was awful and the box arrived badly damaged."
    assert sentiment(text).label == "positive"


def test_explanation_cites_counts_without_quoting_the_text(texts: dict[str, str]) -> None:
    text = texts["mixed_review"]
    explanation = sentiment(text).explanation
    total = len(split_sentences(text))
    assert f"of {total} sentences" in explanation
    assert "strongly positive" in explanation
    quoted = [s for s in split_sentences(text) if s.rstrip(".") in explanation]
    assert quoted == []
    assert not any(word in explanation for word in ("laptop", "battery", "gorgeous"))


def test_single_sentences_follow_their_polarity() -> None:
    assert sentiment("I absolutely love this wonderful little cafe!").label == "positive"
    assert sentiment("This was a horrible, disgusting meal.").label == "negative"
    assert sentiment("The meeting starts at ten.").label == "neutral"


def test_text_without_sentences_is_neutral_with_no_confidence() -> None:
    verdict = sentiment("   ")
    assert (verdict.label, verdict.confidence) == ("neutral", 0.0)


def test_verdict_is_immutable() -> None:
    verdict = sentiment("Fine.")
    with pytest.raises(AttributeError):
        verdict.label = "positive"  # type: ignore[misc]
