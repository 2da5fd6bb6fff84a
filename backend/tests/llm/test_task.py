"""The task as a model is asked it: the document verbatim and delimited, nothing to echo."""

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_starter_api.llm.task import Task, asking, current_task


@given(document=st.text(), question=st.none() | st.text())
def test_the_prompt_holds_the_document_verbatim_between_markers(
    document: str, question: str | None
) -> None:
    prompt = Task("qa", document, question, {"max_length": 50}).prompt()
    assert prompt.startswith(f"<document>\n{document}\n</document>")
    assert prompt.endswith("</document>" if question is None else f"\nQuestion: {question}")


def test_the_prompt_carries_no_scaffolding_a_model_could_echo() -> None:
    prompt = Task("summarize", "Tides rise twice a day.", None, {"max_length": 50}).prompt()
    assert prompt == "<document>\nTides rise twice a day.\n</document>"


async def test_the_current_task_is_the_one_asked_in_this_context_only() -> None:
    task = Task("summarize", "Tides rise twice a day.")

    async def elsewhere() -> None:
        with pytest.raises(LookupError):
            current_task()

    with asking(task):
        assert current_task() is task
        await asyncio.create_task(asyncio.to_thread(lambda: current_task()))  # threads inherit
    await elsewhere()
