"""The registry: the built-in operations and the plug-ins OPERATION_PLUGINS names, by id."""

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Field, TypeAdapter, create_model

from llm_starter_api.text.operations import BUILT_IN
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import (
    OPERATION_ID,
    BatchTextProcessingRequest,
    OperationInfo,
    Question,
    TextProcessingRequest,
)


class PluginError(ValueError):
    """A plug-in that cannot be loaded; the message names it and says why."""


def _has_content(question: str) -> str:
    if not question.strip():
        raise ValueError("must not be blank")
    return question


class Registry:
    """The operations this server offers, and everything derived from them."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._by_id: dict[str, Operation] = {}
        for operation in operations:
            if not re.fullmatch(OPERATION_ID, operation.id):
                raise PluginError(f"{operation.id!r} is not a valid operation id ({OPERATION_ID})")
            if operation.id in self._by_id:
                raise PluginError(f"two operations are called {operation.id!r}")
            self._by_id[operation.id] = operation
        if not self._by_id:
            raise PluginError("no operations")

    def __getitem__(self, operation_id: str) -> Operation:
        return self._by_id[operation_id]

    def __iter__(self) -> Iterator[Operation]:
        return iter(self._by_id.values())

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def catalog(self) -> list[OperationInfo]:
        """Every operation as GET /operations lists it."""
        return [
            OperationInfo(
                id=op.id,
                name=op.name,
                description=op.description,
                options=list(op.names()),
                requires_question=op.requires_question,
                option_specs=op.option_specs(),
                streams=op.streams,
                output_field=op.output_field,
                output_schema=op.output_schema(),
            )
            for op in self
        ]

    @cached_property
    def request_models(self) -> dict[str, type[TextProcessingRequest]]:
        """Each operation's own request model: its options, and its question if it needs one."""
        return {op.id: _request_model(op) for op in self}

    @cached_property
    def request_type(self) -> Any:
        """The body of POST /process: one of the request models, chosen by `operation`."""
        models = tuple(self.request_models.values())
        if len(models) == 1:
            return models[0]
        # A union built at run time from the plug-ins; mypy cannot see its members.
        return Annotated[Union[models], Field(discriminator="operation")]  # noqa: UP007

    @cached_property
    def batch_type(self) -> type[BatchTextProcessingRequest]:
        """The body of POST /batch_process and of a job."""
        requests = list[self.request_type]  # type: ignore[name-defined]
        model: type[BatchTextProcessingRequest] = create_model(
            "BatchRequest",
            __base__=BatchTextProcessingRequest,
            requests=(requests, Field(min_length=1, description=_BATCH_SIZE)),
        )
        return model

    @cached_property
    def request_adapter(self) -> TypeAdapter[TextProcessingRequest]:
        """Validates a process body (JSON or parsed) as its operation's request."""
        return TypeAdapter(self.request_type)

    @cached_property
    def batch_adapter(self) -> TypeAdapter[BatchTextProcessingRequest]:
        """Validates a batch body (JSON or parsed), each request as its operation's."""
        return TypeAdapter(self.batch_type)

    def parse(self, body: bytes) -> TextProcessingRequest:
        """A request body, validated as its operation's request (ValidationError if invalid)."""
        return self.request_adapter.validate_json(body)

    def openapi_schemas(self) -> dict[str, Any]:
        """JSON Schemas of ProcessRequest (one of the operations' requests) and BatchRequest, and
        the models they use, for the OpenAPI document's components."""
        refs = "#/components/schemas/{model}"
        process = TypeAdapter(self.request_type).json_schema(ref_template=refs)
        batch = self.batch_type.model_json_schema(ref_template=refs)
        components = {**process.pop("$defs", {}), **batch.pop("$defs", {})}
        return components | {"ProcessRequest": process, "BatchRequest": batch}

    def narrow(self, request: TextProcessingRequest) -> TextProcessingRequest:
        """The request as its operation's own model (a stored job's requests come back generic)."""
        model = self.request_models.get(request.operation)
        if model is None or isinstance(request, model):
            return request
        return model.model_validate(request.model_dump(exclude_unset=True))


_BATCH_SIZE = "The server states its largest batch in GET /v1/text_processing/operations."


def _request_model(op: Operation) -> type[TextProcessingRequest]:
    name = "".join(part.capitalize() for part in op.id.split("_")) + "Request"
    if op.requires_question:
        question: Any = (
            Annotated[Question, AfterValidator(_has_content)],
            Field(description=f"The question {op.id} answers from the text."),
        )
    else:
        question = (Question | None, Field(default=None, description="Ignored by this operation."))
    options: Any = op.options | None
    model: type[TextProcessingRequest] = create_model(
        name,
        __base__=TextProcessingRequest,
        __doc__=f"A {op.id} request: {op.description[:1].lower()}{op.description[1:]}.",
        operation=(_literal(op.id), Field(description=op.description)),
        question=question,
        # null is taken as no options (the base model's validator turns it into {}).
        options=(
            options,
            Field(default_factory=op.options, description="Options, by name; see GET /operations"),
        ),
    )
    return model


def _literal(value: str) -> Any:
    """`Literal[value]` for a value known only at run time."""
    return Literal.__getitem__(value)


def load(plugins: Sequence[str]) -> Registry:
    """The built-in operations, then each plug-in module's OPERATION (or OPERATIONS), in order."""
    operations = list(BUILT_IN)
    for path in plugins:
        try:
            module = importlib.import_module(path)
        except ImportError as exc:
            raise PluginError(f"{path}: cannot be imported ({exc})") from None
        found = getattr(module, "OPERATIONS", None) or [getattr(module, "OPERATION", None)]
        if not all(isinstance(op, Operation) for op in found):
            raise PluginError(f"{path}: defines no OPERATION (an Operation) nor OPERATIONS")
        operations.extend(found)
    return Registry(operations)
