"""The OpenAPI document states what the server enforces (issue 14 point 7), and POST cancel works."""

import re
from typing import Any

from apitest import ClientFactory

JOBS = "/v1/text_processing/jobs"


async def openapi(make_client: ClientFactory, **overrides: Any) -> dict[str, Any]:
    async with make_client(**overrides) as client:
        document: dict[str, Any] = (await client.get("/openapi.json")).json()
    return document


async def test_limits_come_from_this_servers_settings(make_client: ClientFactory) -> None:
    schemas = (await openapi(make_client, max_text_length=1234, max_batch_size=7))["components"][
        "schemas"
    ]
    members = [m["$ref"].rsplit("/", 1)[1] for m in schemas["ProcessRequest"]["oneOf"]]
    assert {schemas[name]["properties"]["text"]["maxLength"] for name in members} == {1234}
    # In a batch a text over the limit fails alone (200), so batch items do not claim the bound.
    items = schemas["BatchRequest"]["properties"]["requests"]
    assert items["maxItems"] == 7
    for member in items["items"]["oneOf"]:
        assert "maxLength" not in schemas[member["$ref"].rsplit("/", 1)[1]]["properties"]["text"]


async def test_text_and_question_patterns_match_what_the_server_accepts(
    make_client: ClientFactory,
) -> None:
    schemas = (await openapi(make_client))["components"]["schemas"]
    text = re.compile(schemas["SummarizeRequest"]["properties"]["text"]["pattern"])
    question = schemas["QaRequest"]["properties"]["question"]
    assert "question" in schemas["QaRequest"]["required"]
    blank = re.compile(question["pattern"])
    for sample in [
        "0123456789",
        " \u3000abcdefghij\x1c",
        "\ufeffabcdefgh\ufeff",
        "a" + " " * 8 + "b",
    ]:
        assert bool(text.search(sample)) == (len(sample.strip()) >= 10), repr(sample)
    for sample in ["?", " \t\x85", "\u2028x", ""]:
        assert bool(blank.search(sample)) == bool(sample.strip()), repr(sample)


async def test_the_stream_route_takes_only_streaming_operations(make_client: ClientFactory) -> None:
    document = await openapi(make_client)
    body = document["paths"]["/v1/text_processing/process/stream"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/StreamRequest")
    stream = document["components"]["schemas"]["StreamRequest"]
    assert set(stream["discriminator"]["mapping"]) == {"summarize", "qa"}


async def test_links_lead_from_a_job_to_reading_and_cancelling_it(
    make_client: ClientFactory,
) -> None:
    paths = (await openapi(make_client))["paths"]
    submitted = paths[JOBS]["post"]["responses"]["202"]["links"]
    assert submitted["GetJob"]["operationId"] == paths[f"{JOBS}/{{job_id}}"]["get"]["operationId"]
    cancel = paths[f"{JOBS}/{{job_id}}/cancel"]["post"]["operationId"]
    assert submitted["CancelJob"] == {
        "operationId": cancel,
        "parameters": {"job_id": "$response.body#/job_id"},
        "description": "CancelJob with the job_id this response names",
    }
    batch = paths["/v1/text_processing/batch_process"]["post"]["responses"]["200"]["links"]
    assert batch["GetBatchStatus"]["parameters"] == {"batch_id": "$response.body#/batch_id"}
    assert paths[f"{JOBS}/{{job_id}}"]["delete"]["deprecated"] is True


async def test_post_cancel_and_delete_both_cancel_a_job(make_client: ClientFactory) -> None:
    texts = [
        f"Document {i}: rivers carry water to the sea, and the sea feeds rain." for i in range(3)
    ]
    body = {"requests": [{"text": t, "operation": "summarize"} for t in texts]}
    async with make_client() as client:
        first = (await client.post(JOBS, json=body)).json()
        second = (await client.post(JOBS, json=body)).json()
        posted = await client.post(f"{JOBS}/{first['job_id']}/cancel")
        deleted = await client.delete(f"{JOBS}/{second['job_id']}")
        unknown = await client.post(f"{JOBS}/{'0' * 32}/cancel")
    assert posted.status_code == deleted.status_code == 200, posted.text
    assert posted.json()["job_id"] == first["job_id"]
    assert deleted.json()["job_id"] == second["job_id"]
    assert unknown.status_code == 404
