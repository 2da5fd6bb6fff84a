"""The OpenAPI document says what the server enforces: this server's limits, and links between routes.

The request models come from the operation registry and know no settings; here they get this
server's MAX_TEXT_LENGTH and MAX_BATCH_SIZE, a pattern for a required question, and the links a
stateful client follows (a submitted job to reading and cancelling it, a batch to its status).
"""

import copy
from collections.abc import Collection
from typing import Any

from llm_starter_models.text import BLANK

JOBS = "/v1/text_processing/jobs"
JOB = "/v1/text_processing/jobs/{job_id}"
JOB_CANCEL = "/v1/text_processing/jobs/{job_id}/cancel"
BATCH = "/v1/text_processing/batch_process"
BATCH_STATUS = "/v1/text_processing/batch_status/{batch_id}"
NON_BLANK = f"[^{BLANK}]"
"""JSON Schema for "at least one non-blank character" (a pattern matches anywhere in a string)."""


def bounded_request_schemas(
    components: dict[str, Any],
    *,
    max_text_length: int,
    max_batch_size: int,
    streaming: Collection[str],
) -> dict[str, Any]:
    """The registry's request schemas with this server's limits.

    `/process` refuses a text over MAX_TEXT_LENGTH with 422, so its requests say `maxLength`; in a
    batch such an item fails alone (the batch answers 200), so batch items are their own copies
    without it. Both say that a required question must not be blank. `StreamRequest` is a
    request of one of the `streaming` operations, the only ones /process/stream runs.
    """
    components = copy.deepcopy(components)
    names = _members(components["ProcessRequest"])
    for name in names:
        request = components[name]
        question = request["properties"].get("question", {})
        if "question" in request.get("required", ()):
            question["pattern"] = NON_BLANK
            question["minLength"] = 1
        item = copy.deepcopy(request)
        item["title"] = f"BatchItem{name}"
        item["properties"]["text"]["description"] += (
            " In a batch, an item over that bound fails alone (status failed) and the rest run."
        )
        components[f"BatchItem{name}"] = item
        request["properties"]["text"]["maxLength"] = max_text_length
    process = components["ProcessRequest"]
    stream = copy.deepcopy(process)
    if "oneOf" in stream:
        stream["oneOf"] = [m for m in stream["oneOf"] if _operation(components, m) in streaming]
        mapping = stream.get("discriminator", {}).get("mapping", {})
        stream["discriminator"]["mapping"] = {k: v for k, v in mapping.items() if k in streaming}
    components["StreamRequest"] = stream
    requests = components["BatchRequest"]["properties"]["requests"]
    requests["maxItems"] = max_batch_size
    items = requests["items"]
    for member in items.get("oneOf", []):
        member["$ref"] = _item_ref(member["$ref"])
    mapping = items.get("discriminator", {}).get("mapping", {})
    for operation, ref in mapping.items():
        mapping[operation] = _item_ref(ref)
    if "$ref" in items:
        items["$ref"] = _item_ref(items["$ref"])
    return components


def _members(schema: dict[str, Any]) -> list[str]:
    refs = [member["$ref"] for member in schema.get("oneOf", [])] or [schema["$ref"]]
    return [ref.rsplit("/", 1)[1] for ref in refs] if "oneOf" in schema else []


def _operation(components: dict[str, Any], member: dict[str, Any]) -> str | None:
    operation = components[member["$ref"].rsplit("/", 1)[1]]["properties"]["operation"]
    const = operation.get("const")
    return const if isinstance(const, str) else None


def _item_ref(ref: str) -> str:
    base, _, name = ref.rpartition("/")
    return f"{base}/BatchItem{name}"


def add_links(schema: dict[str, Any]) -> None:
    """OpenAPI links: a submitted job → read, cancel; a read job → cancel; a batch → its status."""
    paths = schema["paths"]

    def operation_id(path: str, method: str) -> str | None:
        operation = paths.get(path, {}).get(method)
        return None if operation is None else str(operation["operationId"])

    def link(path: str, method: str, status: str, links: dict[str, tuple[str, str, str]]) -> None:
        operation = paths.get(path, {}).get(method)
        if operation is None or status not in operation["responses"]:
            return
        found = {
            name: {
                "operationId": target,
                "parameters": {parameter: expression},
                "description": f"{name} with the {parameter} this response names",
            }
            for name, (target_path, target_method, parameter) in links.items()
            if (target := operation_id(target_path, target_method)) is not None
            for expression in [f"$response.body#/{parameter}"]
        }
        if found:
            operation["responses"][status]["links"] = found

    job = {
        "GetJob": (JOB, "get", "job_id"),
        "CancelJob": (JOB_CANCEL, "post", "job_id"),
    }
    link(JOBS, "post", "202", job)
    link(JOB, "get", "200", {k: v for k, v in job.items() if k != "GetJob"})
    link(JOB_CANCEL, "post", "200", {"GetJob": job["GetJob"]})
    link(BATCH, "post", "200", {"GetBatchStatus": (BATCH_STATUS, "get", "batch_id")})
