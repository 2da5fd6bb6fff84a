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


@pytest.mark.parametrize(
    "text",
    [
        # Issue #17: this one came back positive at 0.85.
        "Oh great, another update that deletes all my settings. Just what I needed.",
        "Wonderful, the app logged me out in the middle of a payment again.",
        "The parcel arrived a week late and the box was crushed. Thanks a lot.",
        "Love how the camera freezes every time I open it.",
        "Just perfect: the printer jammed again five minutes before the meeting.",
    ],
)
def test_sarcastic_praise_about_bad_news_is_negative(text: str) -> None:
    verdict = sentiment(text)
    assert verdict.label == "negative"
    assert "sarcastic" in verdict.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Great, the update fixed the crash.",
        "Thanks a lot for the quick reply, the new part fits perfectly.",
        "Oh great, the package arrived a day early!",
    ],
)
def test_sincere_praise_stays_positive(text: str) -> None:
    assert sentiment(text).label == "positive"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The food was not bad at all.", "positive"),
        ("We could not be happier with the new kitchen.", "positive"),
        (
            "The staff were friendly, but the room was filthy and I would not stay here again.",
            "negative",
        ),
        ("The case looks nice. But the zip broke on day two and I returned it.", "negative"),
        ("It was expensive. However, it is worth every penny.", "positive"),
        ("The boots are not waterproof, and the app never worked.", "negative"),
    ],
)
def test_negation_and_contrast_decide_the_label(text: str, label: str) -> None:
    assert sentiment(text).label == label


def test_a_clearly_negative_review_gets_a_confident_label(texts: dict[str, str]) -> None:
    # Issue #17: a clearly negative review came back negative at only 0.51.
    review = (
        "We booked this hotel for a week and regretted it from the first night. "
        "The room was not clean and the shower ran cold. "
        "Breakfast was a sad buffet of stale bread. "
        "The staff were polite, but nobody fixed anything we reported. "
        "For the price we expected far better. I would not recommend it."
    )
    for text in (review, texts["negative_review"]):
        verdict = sentiment(text)
        assert (verdict.label, verdict.confidence >= 0.8) == ("negative", True)


@pytest.mark.parametrize(
    "text",
    [
        # Words inside names are not opinions.
        "The Nobel Prize in Physics went to three researchers in 2023. "
        "The committee announced the winners in Stockholm.",
        "The Great Barrier Reef stretches along the coast of Queensland. It is visible from space.",
        "Hi all,\n\nThe meeting moves to Thursday at 10:00 in room 4.\n\nThanks,\nMartin",
    ],
)
def test_reports_and_notices_are_neutral(text: str) -> None:
    assert sentiment(text).label == "neutral"
