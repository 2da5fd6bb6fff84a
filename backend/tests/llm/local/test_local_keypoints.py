import pytest

from llm_starter_api.llm.local import key_points

NAMES = ["bridge", "factual", "mixed_review", "negative_review", "positive_review", "release_notes"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("max_points", [1, 3, 5])
def test_key_points_are_distinct_verbatim_sentences_in_text_order(
    texts: dict[str, str], name: str, max_points: int
) -> None:
    text = " ".join(texts[name].split())
    points = key_points(texts[name], max_points=max_points)
    assert 1 <= len(points) <= max_points
    assert len(set(points)) == len(points)
    positions = [text.index(point) for point in points]
    assert positions == sorted(positions)


def test_key_points_return_every_sentence_of_a_short_text() -> None:
    text = "Sales rose in March. Costs fell in April."
    assert key_points(text, max_points=5) == ["Sales rose in March.", "Costs fell in April."]


def test_repeated_sentences_count_once() -> None:
    assert key_points("Prices rose. Prices rose. Wages fell.", max_points=3) == [
        "Prices rose.",
        "Wages fell.",
    ]


def test_key_points_are_deterministic(texts: dict[str, str]) -> None:
    assert key_points(texts["bridge"], max_points=4) == key_points(texts["bridge"], max_points=4)


def test_at_least_one_point_is_required() -> None:
    with pytest.raises(ValueError, match="max_points"):
        key_points("Some text.", max_points=0)
