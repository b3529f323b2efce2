"""The JSON Schema of a type, made once per type, for the OpenAPI document.

A schema library writes each type's schema (pydantic's ``json_schema``, msgspec's
``schema_components``); the named types it holds go to the document's
``components/schemas`` and are referenced with ``$ref``. Each type's schema is
made once and kept: the document of a tree is then assembled from dicts.

Strategy: a field with a default is optional in a request and always present in a
response. Code generators read ``default`` as "always present" (openapi-typescript
makes such a field required), so a schema read as input loses its defaults, and a
component that changes so is named apart: ``TodoInput`` beside ``Todo``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ._schema_libs import MsgspecAdapter, PydanticAdapter, adapter_for

#: Where a component schema lives in the document.
COMPONENTS = "#/components/schemas/"
_TEMPLATES = {
    PydanticAdapter: COMPONENTS + "{model}",
    MsgspecAdapter: COMPONENTS + "{name}",
}

#: A schema as the document holds it, and the named schemas it references.
Schema = tuple[dict[str, Any], dict[str, dict[str, Any]]]


def schema_of(model: Any, *, output: bool) -> Schema:
    """Return ``model``'s schema and the component schemas it references, as a
    response holds it (``output``) or as a request sends it.

    A class with fields (a model, a dataclass, a ``TypedDict``, a ``Struct``) is
    a component itself, named after the class, and the schema is its ``$ref``.
    A type no schema library writes is ``{}``: any JSON.
    """
    try:
        return _cached(model, output)
    except TypeError:  # an unhashable annotation: made each time
        return _made(model, output)


@lru_cache(maxsize=4096)
def _cached(model: Any, output: bool) -> Schema:
    return _made(model, output)


def _made(model: Any, output: bool) -> Schema:
    adapter = adapter_for(model)
    template = _TEMPLATES.get(type(adapter))
    write = getattr(adapter, "json_schema", None)
    if write is None:
        return {}, {}
    ref_template = template or COMPONENTS + "{model}"
    try:
        written = write(ref_template, output)
    except TypeError:  # a registered adapter's json_schema(ref_template)
        written = write(ref_template)
    schema = dict(written)
    defs: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    name = getattr(model, "__name__", None)
    if (
        isinstance(model, type)
        and isinstance(name, str)
        and schema.get("type") == "object"
        and name not in defs
    ):
        defs = {**defs, name: schema}
        schema = {"$ref": COMPONENTS + name}
    return (schema, defs) if output else _as_input(schema, defs)


def _as_input(schema: dict[str, Any], defs: dict[str, dict[str, Any]]) -> Schema:
    """Return the schemas without their properties' defaults, the changed
    components renamed ``NameInput``."""
    renamed: dict[str, str] = {}
    stripped: dict[str, dict[str, Any]] = {}
    for name, body in defs.items():
        lean = _without_defaults(body)
        if lean is not body:
            renamed[COMPONENTS + name] = f"{COMPONENTS}{name}Input"
        stripped[name] = lean
    defs = {
        renamed.get(COMPONENTS + name, COMPONENTS + name)[len(COMPONENTS) :]: (
            _renamed(body, renamed)
        )
        for name, body in stripped.items()
    }
    return _renamed(_without_defaults(schema), renamed), defs


def _without_defaults(schema: dict[str, Any]) -> dict[str, Any]:
    """Return ``schema`` without the defaults of its properties; itself if none."""
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not any(
        isinstance(p, dict) and "default" in p for p in properties.values()
    ):
        return schema
    lean = {
        key: {k: v for k, v in field.items() if k != "default"}
        if isinstance(field, dict)
        else field
        for key, field in properties.items()
    }
    return {**schema, "properties": lean}


def merge(
    schema: Schema, components: dict[str, dict[str, Any]], owners: dict[str, object]
) -> dict[str, Any]:
    """Add ``schema``'s components to ``components``; return the schema to use.

    Two types with the same name (a ``Todo`` in two route files) both keep
    theirs: the later one is renamed ``Todo2`` and its references with it.
    ``owners`` remembers which schema each name holds.
    """
    own, defs = schema
    renamed: dict[str, str] = {}
    for name, body in defs.items():
        held = owners.get(name)
        if held is None or held is body or components.get(name) == body:
            continue
        number = 2
        while f"{name}{number}" in components and components[f"{name}{number}"] != body:
            number += 1
        renamed[COMPONENTS + name] = f"{COMPONENTS}{name}{number}"
    for name, body in defs.items():
        target = renamed.get(COMPONENTS + name, COMPONENTS + name)
        new_name = target[len(COMPONENTS) :]
        components[new_name] = _renamed(body, renamed) if renamed else body
        owners.setdefault(new_name, body)
    return _renamed(own, renamed) if renamed else own


def _renamed(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: renamed.get(value, value)
            if key == "$ref" and isinstance(value, str)
            else _renamed(value, renamed)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed(item, renamed) for item in node]
    return node
