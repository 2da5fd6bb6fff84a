"""The translate example (examples/translate) loaded as a plug-in and driven through the API."""

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apitest import API_KEY, client_factory, make_settings
from fakes.openai_server import FakeOpenAI, ToolCall
from pydantic_ai.models import override_allow_model_requests
from spawn import Spawner, base_env, free_port, wait_healthy

from examples.translate import OPERATION
from examples.translate.offline import guess_language
from examples.translate.operation import LANGUAGES, NOT_TRANSLATED
from llm_starter_api.config import ConfigError
from llm_starter_api.resources import load_operations

ROOT = Path(__file__).resolve().parents[4]
PLUGIN = "examples.translate"
OPERATIONS = "/v1/text_processing/operations"
PROCESS = "/v1/text_processing/process"
STREAM = "/v1/text_processing/process/stream"
BATCH = "/v1/text_processing/batch_process"
TEXT = (
    "Le pont a été achevé en 1937. Il est peint dans une couleur orange que tout le monde connaît."
)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_factory(operation_plugins=[PLUGIN]) as client:
        yield client


def translate(text: str = TEXT, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text, "operation": "translate"}
    return body | ({"options": options} if options else {})


def problems(response: httpx.Response) -> dict[str, str]:
    """Each refused field with its reason."""
    assert response.status_code == 422, response.text
    assert "Traceback" not in response.text
    return {p["field"]: p["reason"] for p in response.json()["details"]["errors"]}


async def test_the_catalog_lists_translate_with_its_option_and_output_schema(
    client: httpx.AsyncClient,
) -> None:
    listed = {op["id"]: op for op in (await client.get(OPERATIONS)).json()["operations"]}
    assert list(listed)[-1] == "translate"  # after the five built-in operations
    info = listed["translate"]
    assert (info["options"], info["streams"], info["output_field"]) == (
        ["target_language"],
        False,
        "output",
    )
    [spec] = info["option_specs"]
    assert (spec["name"], spec["type"], spec["default"]) == ("target_language", "string", "en")
    assert spec["choices"] == list(LANGUAGES)
    assert "fr French" in spec["description"]
    schema = info["output_schema"]
    assert set(schema["required"]) == {"translation", "source_language"}
    assert set(schema["properties"]) == {"translation", "source_language", "note"}


async def test_process_answers_in_output_and_never_pretends_to_translate_offline(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(PROCESS, json=translate(target_language="de"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["output"] == {
        "translation": TEXT,
        "source_language": "fr",
        "note": NOT_TRANSLATED,
    }
    assert data["result"] is None
    assert data["metadata"]["prompt_version"] == OPERATION.prompt_version
    assert data["cache_hit"] is False


async def test_a_provider_model_is_told_the_target_language_and_its_answer_is_the_output() -> None:
    translated = {"translation": "Die Brücke wurde 1937 fertiggestellt.", "source_language": "fr"}
    with override_allow_model_requests(True), FakeOpenAI.running() as provider:
        provider.script(ToolCall(translated))
        async with client_factory(
            operation_plugins=[PLUGIN],
            llm_model="openai:fake-model",
            openai_base_url=provider.url,
            openai_api_key="sk-test",
        ) as client:
            response = await client.post(PROCESS, json=translate(target_language="de"))
    assert response.status_code == 200, response.text
    assert response.json()["output"] == translated | {"note": None}
    [sent] = provider.requests
    assert sent.messages("system") == [OPERATION.instructions_for({"target_language": "de"})]
    assert "ISO 639-1 code is de," in sent.messages("system")[0]
    # The operation's cap (4096) under LLM_MAX_OUTPUT_TOKENS (1024 by default).
    assert sent.body["max_completion_tokens"] == 1024


async def test_a_repeated_translation_is_a_cache_hit(client: httpx.AsyncClient) -> None:
    first = (await client.post(PROCESS, json=translate(target_language="es"))).json()
    again = (await client.post(PROCESS, json=translate(target_language="es"))).json()
    assert (first["cache_hit"], again["cache_hit"]) == (False, True)
    assert again["output"] == first["output"]
    # Another target language is another answer, never the cached one.
    other = (await client.post(PROCESS, json=translate(target_language="it"))).json()
    assert other["cache_hit"] is False


async def test_a_batch_mixes_translate_with_built_in_operations(
    client: httpx.AsyncClient,
) -> None:
    requests = [
        translate(target_language="en"),
        {"text": TEXT, "operation": "summarize", "options": {"max_length": 20}},
        translate("Der Hund schläft, und die Katze ist nicht zu Hause."),
    ]
    data = (await client.post(BATCH, json={"requests": requests})).json()
    assert (data["completed"], data["failed"]) == (3, 0)
    outputs = [item["response"] for item in data["results"]]
    assert [r["operation"] for r in outputs] == ["translate", "summarize", "translate"]
    assert outputs[0]["output"]["source_language"] == "fr"
    assert outputs[1]["result"]
    assert outputs[2]["output"]["source_language"] == "de"


async def test_a_batch_refuses_a_bad_translate_option_by_item(client: httpx.AsyncClient) -> None:
    requests = [{"text": TEXT, "operation": "sentiment"}, translate(target_language="xx")]
    found = problems(await client.post(BATCH, json={"requests": requests}))
    assert "requests.1.options.target_language" in found


async def test_the_stream_route_refuses_translate_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    found = problems(await client.post(STREAM, json=translate()))
    assert found == {"operation": "does not stream"}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"target_language": "xx"}, "options.target_language", "Input should be 'en'"),
        ({"target_language": "French"}, "options.target_language", "Input should be"),
        ({"target_language": 7}, "options.target_language", "Input should be"),
        ({"source_language": "fr"}, "options.source_language", "Extra inputs are not permitted"),
        ({"max_length": 50}, "options.max_length", "Extra inputs are not permitted"),
    ],
    ids=["unknown-code", "language-name", "not-a-string", "extra-option", "another-ops-option"],
)
async def test_bad_options_are_422_naming_the_field(
    client: httpx.AsyncClient, options: dict[str, Any], field: str, reason: str
) -> None:
    found = problems(await client.post(PROCESS, json={**translate(), "options": options}))
    assert list(found) == [field]
    assert found[field].startswith(reason)


async def test_the_openapi_document_lists_the_translate_request(
    client: httpx.AsyncClient,
) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    request = schemas["TranslateRequest"]
    assert request["properties"]["operation"]["const"] == "translate"
    options = schemas["TranslateOptions"]
    assert options["properties"]["target_language"]["enum"] == list(LANGUAGES)
    assert options["additionalProperties"] is False
    mapping = schemas["ProcessRequest"]["discriminator"]["mapping"]
    assert mapping["translate"] == "#/components/schemas/TranslateRequest"


def test_a_plugin_that_cannot_be_imported_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"OPERATION_PLUGINS: examples.translat: cannot be"):
        load_operations(make_settings(operation_plugins=["examples.translat"]))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The bridge was finished in 1937 and it is painted orange.", "en"),
        ("Le chat est sur la table et il dort dans la maison.", "fr"),
        ("El perro está en la casa y los niños juegan con una pelota.", "es"),
        ("Привет, как дела? Это текст на русском языке.", "ru"),
        ("Привіт, як справи? Це український текст.", "uk"),
        ("東京は日本の首都です。", "ja"),
        ("北京是中国的首都。", "zh"),
        ("12345 678 !!!", "und"),
    ],
)
def test_the_offline_guess_reads_script_then_common_words(text: str, language: str) -> None:
    assert guess_language(text) == language


def dev_backend_command(port: int) -> list[str]:
    """The backend command of `make run` (scripts/dev.py), on `port`."""
    spec = importlib.util.spec_from_file_location("dev", ROOT / "scripts" / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    [(_, command, _), _] = dev.commands(port, free_port())
    return list(command)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_make_run_loads_the_plugin_from_the_variable(spawn: Spawner) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = base_env(OPERATION_PLUGINS=PLUGIN, API_KEY=API_KEY, LLM_MODEL="local")
    # From the repository's root, as `make run` starts it: that puts `examples` on the path.
    api = spawn("api", dev_backend_command(port), env, cwd=ROOT)
    wait_healthy(api, url)
    headers = {"X-API-Key": API_KEY}
    listed = httpx.get(f"{url}{OPERATIONS}", headers=headers, timeout=10).json()
    assert "translate" in [op["id"] for op in listed["operations"]]
    response = httpx.post(
        f"{url}{PROCESS}", json=translate(target_language="ja"), headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["output"]["translation"] == TEXT
