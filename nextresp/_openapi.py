"""The OpenAPI 3.1 document of a route tree, from the plans its requests run.

Nothing here reads a comment: the paths come from the route table, the operations
from the method functions, the parameters, bodies and returned types from the
plans ``_input_plan`` made of each function's signature, the streams and literal
problems from the source hints read when the tree loaded, and the error answers
from what nextresp itself sends for each plan. The document cannot drift from the
code because it is made of what the code runs.
"""

from __future__ import annotations

import inspect
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from ._handler import ApiHandler
from ._input_plan import _CONVERTERS, NO_DEFAULT, InputPlan
from ._methods import MethodDispatch
from ._openapi_schemas import (
    COMPONENTS,
    fields_of,
    merge,
    prepare,
    schema_of,
    settle_input_names,
)
from ._openapi_source import NO_HINTS, SourceHints
from ._route_table import Route, SegmentKind
from ._status import reason_phrase
from ._validation import PLAN_ATTRIBUTE, VALIDATION_TITLE, VALIDATION_TYPE

#: The methods a handler without ``methods=`` is documented under.
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")
_SCHEMA_OF_CONVERTER = {
    _CONVERTERS[int]: {"type": "integer"},
    _CONVERTERS[float]: {"type": "number"},
    _CONVERTERS[uuid.UUID]: {"type": "string", "format": "uuid"},
    _CONVERTERS[str]: {"type": "string"},
    _CONVERTERS[list[str]]: {"type": "string"},
}
_WORDS = re.compile(r"[A-Za-z0-9]+")
PROBLEM = "application/problem+json"
_PROBLEM_REF = {"$ref": COMPONENTS + "Problem"}
_VALIDATION_REF = {"$ref": COMPONENTS + "ValidationProblem"}
#: The problem schemas every document holds, as nextresp sends them.
PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "type": "object",
        "description": "An RFC 9457 problem: what nextresp answers an error with.",
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
        },
        "required": ["type", "title", "status"],
    },
    "ValidationError": {
        "type": "object",
        "description": "One error of the input: at a body pointer, a query key"
        " or a header.",
        "properties": {
            "detail": {"type": "string"},
            "pointer": {"type": "string", "description": "A JSON Pointer, as #/a/0"},
            "parameter": {"type": "string", "description": "The query key"},
            "header": {"type": "string", "description": "The header's name"},
        },
        "required": ["detail"],
    },
    "ValidationProblem": {
        "description": f"{VALIDATION_TITLE}: every error at once.",
        "allOf": [
            _PROBLEM_REF,
            {
                "type": "object",
                "properties": {
                    "type": {"const": VALIDATION_TYPE},
                    "errors": {
                        "type": "array",
                        "items": {"$ref": COMPONENTS + "ValidationError"},
                    },
                },
                "required": ["errors"],
            },
        ],
    },
}


class _Builder:
    """One document under way: its paths, components and operation ids."""

    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.components: dict[str, dict[str, Any]] = dict(PROBLEM_SCHEMAS)
        self.owners: dict[str, object] = dict(PROBLEM_SCHEMAS)
        self.operation_ids: set[str] = set()

    def schema(self, model: Any, *, output: bool = False) -> dict[str, Any]:
        if model is None:
            return {}
        return merge(schema_of(model, output=output), self.components, self.owners)

    def operation_id(self, method: str, path: str) -> str:
        base = "_".join([method.lower(), *_WORDS.findall(path)]) or method.lower()
        found, number = base, 2
        while found in self.operation_ids:
            found, number = f"{base}_{number}", number + 1
        self.operation_ids.add(found)
        return found


def document(
    routes: Iterable[tuple[Route, ApiHandler, Mapping[str, SourceHints]]],
    *,
    title: str,
    version: str,
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``routes``, in the order they are tried.

    Each item is a route, its handler and the source hints of its file's
    functions. The result is a fresh dict of JSON values, the caller's to change.
    """
    for name, value, example in (
        ("title", title, "Todos"),
        ("version", version, "1.0"),
    ):
        if not isinstance(value, str) or not value:
            raise (ValueError if isinstance(value, str) else TypeError)(
                f"openapi {name} must be a non-empty str, as {name}={example!r},"
                f" not {value!r}"
            )
    builder = _Builder()
    for route, handler, hints in routes:
        for path, segments in _paths_of(route):
            item: dict[str, Any] = {}
            for method, func in _functions_of(handler):
                item[method.lower()] = _operation(
                    builder, route, path, segments, method, func, handler, hints
                )
            builder.paths[path] = item
    info = {"title": title, "version": version}
    doc = {
        "openapi": "3.1.0",
        "info": info,
        "paths": builder.paths,
        "components": {"schemas": builder.components},
    }
    # One copy: the cached schemas stay the cache's, whatever the caller does.
    copied: dict[str, Any] = json.loads(json.dumps(settle_input_names(doc)))
    return copied


def prepare_schemas(handlers: Iterable[ApiHandler]) -> None:
    """Make the schemas of every type the handlers read or send, in one pass.

    ``routes()`` calls this as the tree loads: the document is then assembled
    from schemas already made (see ``_openapi_schemas.prepare``).
    """
    wanted: list[tuple[Any, bool]] = []
    for handler in handlers:
        wanted.extend((model, True) for model in handler.options.responses.values())
        for _, func in _functions_of(handler):
            plan: InputPlan | None = getattr(func, PLAN_ATTRIBUTE, None)
            if plan is not None:
                wanted.append((plan.body_type, False))
                wanted.append((plan.query_type, False))
                wanted.append((plan.headers_type, False))
                wanted.append((plan.returns, True))
    prepare((model, output) for model, output in wanted if model is not None)


def _paths_of(route: Route) -> list[tuple[str, int]]:
    """Return the OpenAPI paths of a route, each with the segments it uses.

    An optional catch-all is two paths: without its segments, and with them.
    """
    parts = []
    for segment in route.segments:
        if segment.kind is SegmentKind.STATIC:
            parts.append(segment.name)
        else:
            parts.append("{" + segment.name + "}")
    full = "/" + "/".join(parts)
    last = route.segments[-1] if route.segments else None
    if last is not None and last.kind is SegmentKind.OPTIONAL_CATCH_ALL:
        bare = "/" + "/".join(parts[:-1])
        return [(bare, len(parts) - 1), (full, len(parts))]
    return [(full, len(parts))]


def _functions_of(handler: ApiHandler) -> list[tuple[str, Any]]:
    """Return the methods a handler documents, each with the function that answers."""
    func = handler.func
    if isinstance(func, MethodDispatch):
        return list(func.functions.items())
    methods = handler.methods or ANY_METHOD
    return [(m, func) for m in methods if m not in ("HEAD", "OPTIONS")]


def _operation(
    builder: _Builder,
    route: Route,
    path: str,
    used: int,
    method: str,
    func: Any,
    handler: ApiHandler,
    hints: Mapping[str, SourceHints],
) -> dict[str, Any]:
    plan: InputPlan | None = getattr(func, PLAN_ATTRIBUTE, None)
    original = inspect.unwrap(func)
    operation: dict[str, Any] = {"operationId": builder.operation_id(method, path)}
    doc = inspect.getdoc(original) if callable(original) else None
    if doc and doc != inspect.getdoc(type(original)):
        summary, _, description = doc.partition("\n")
        operation["summary"] = summary.strip()
        if description.strip():
            operation["description"] = description.strip()
    converters = dict(plan.params) if plan is not None else {}
    parameters = [
        _path_parameter(segment, converters.get(segment.name))
        for segment in route.segments[:used]
        if segment.kind is not SegmentKind.STATIC
    ]
    if plan is not None and plan.query_type is not None:
        parameters += _parameters(builder, plan.query_type, "query")
    if plan is not None and plan.headers_type is not None:
        names = dict(plan.header_names)
        parameters += _parameters(builder, plan.headers_type, "header", names)
    if parameters:
        operation["parameters"] = parameters
    if (
        plan is not None
        and plan.body_type is not None
        and method not in ("GET", "HEAD")
    ):
        operation["requestBody"] = {
            "required": plan.body_default is NO_DEFAULT,
            "content": {"application/json": {"schema": builder.schema(plan.body_type)}},
        }
    name = getattr(original, "__name__", "")
    source = hints.get(name, NO_HINTS)
    raised = _classes(original, source)
    operation["responses"] = _responses(builder, plan, handler, source, raised, method)
    return operation


def _path_parameter(segment: Any, converter: Any) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": segment.name,
        "in": "path",
        "required": True,
        "schema": dict(_SCHEMA_OF_CONVERTER.get(converter, {"type": "string"})),
    }
    if segment.kind is not SegmentKind.PARAM:
        parameter["description"] = (
            f"{segment.kind.value.capitalize()}: one or more path segments, joined by /"
        )
    return parameter


def _parameters(
    builder: _Builder, model: Any, where: str, names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Return one parameter per field of a query or headers model, read as a
    request sends it: each under the key it is validated by (a header under its
    header's name), with its default."""
    # The components the fields reference join the document's; the fields are inline.
    own = merge(fields_of(model), builder.components, builder.owners)
    properties = own.get("properties", {})
    required = set(own.get("required", ()))
    parameters = []
    for key, field in properties.items():
        name = key if names is None else names.get(key, key)
        parameter = {"name": name, "in": where, "required": key in required}
        parameter["schema"] = field
        if isinstance(field, dict) and field.get("description"):
            parameter["description"] = field["description"]
        parameters.append(parameter)
    return parameters


def _responses(
    builder: _Builder,
    plan: InputPlan | None,
    handler: ApiHandler,
    source: SourceHints,
    raised_classes: list[type[Exception]],
    method: str,
) -> dict[str, Any]:
    options = handler.options
    responses: dict[str, Any] = {}
    if options.responses:
        for status, model in options.responses.items():
            answer: dict[str, Any] = {"description": reason_phrase(status)}
            if model is not None:
                content = {"schema": builder.schema(model, output=True)}
                answer["content"] = {"application/json": content}
            responses[str(status)] = answer
    elif plan is not None and plan.returns is not None:
        # The value is sent with the status set before it is returned, if any.
        content = {"schema": builder.schema(plan.returns, output=True)}
        for status in source.statuses or (200,):
            responses[str(status)] = {
                "description": reason_phrase(status),
                "content": {"application/json": content},
            }
    elif source.stream is not None:
        stream = {"schema": {"type": "string"}}
        responses["200"] = {"description": "OK", "content": {source.stream: stream}}
    elif source.statuses:
        for status in source.statuses:
            answer = {"description": reason_phrase(status)}
            if status not in (204, 205):
                answer["content"] = {"application/json": {}}
            responses[str(status)] = answer
    else:
        responses["200"] = {"description": "OK", "content": {"application/json": {}}}
    problems: dict[int, list[str]] = {}
    validation = options.validation_status
    if plan is not None:
        if plan.body is not None and method not in ("GET", "HEAD"):
            for status in (400, 413, 415, validation):
                problems.setdefault(status, [])
        if plan.query is not None or plan.headers is not None:
            problems.setdefault(validation, [])
        if plan.params:
            problems.setdefault(404, [])
    for raised in (*options.raises, *source.raises, *raised_classes):
        if isinstance(raised, int):
            problems.setdefault(raised, [])
        else:
            kind = getattr(raised, "type", None)
            found = problems.setdefault(getattr(raised, "code", 500), [])
            if isinstance(kind, str) and kind not in found:
                found.append(kind)
    for status in sorted(problems):
        if str(status) in responses:
            continue
        responses[str(status)] = _problem(status, problems[status], validation, options)
    return responses


def _classes(func: Any, source: SourceHints) -> list[type[Exception]]:
    """Return the error classes ``func`` raises by name, resolved in its module:
    those with a status (``code``) of 400 to 599, as ``raises=`` takes them."""
    if not source.raised_names:
        return []
    namespace = getattr(inspect.unwrap(func), "__globals__", None) or {}
    found: list[type[Exception]] = []
    for dotted in source.raised_names:
        first, *rest = dotted.split(".")
        value = namespace.get(first)
        for part in rest:
            value = getattr(value, part, None)
        code = getattr(value, "code", None)
        if (
            isinstance(value, type)
            and issubclass(value, Exception)
            and type(code) is int
            and 400 <= code <= 599
        ):
            found.append(value)
    return found


def _problem(
    status: int, types: list[str], validation: int, options: Any
) -> dict[str, Any]:
    """Return the response of a problem: its schema, and the ``type`` URIs known."""
    if not options.problem_details:
        text = {"text/plain": {"schema": {"type": "string"}}}
        return {"description": reason_phrase(status), "content": text}
    schema: dict[str, Any] = _PROBLEM_REF
    if status == validation:
        schema = (
            _VALIDATION_REF
            if status == 422
            else {"anyOf": [_VALIDATION_REF, _PROBLEM_REF]}
        )
    if types:
        kinds = {"type": "object", "properties": {"type": {"enum": types}}}
        schema = {"anyOf": [schema, {"allOf": [_PROBLEM_REF, kinds]}]}
    return {
        "description": reason_phrase(status),
        "content": {PROBLEM: {"schema": schema}},
    }
