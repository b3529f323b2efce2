"""The JSON Schema of a type, made once per type, for the OpenAPI document.

A schema library writes each type's schema (pydantic's ``json_schema``, msgspec's
``schema_components``); the named types it holds go to the document's
``components/schemas`` and are referenced with ``$ref``. Each type's schema is
made once and kept: the document of a tree is then assembled from dicts.

Strategy: a field with a default is optional in a request and always present in a
response. Code generators read ``default`` as "always present" (openapi-typescript
makes such a field required), so a schema read as input loses its defaults. A
request's component keeps its name when no answer holds the type, is the answer's
when the two are the same, and is named apart only when they differ:
``TodoInput`` beside ``Todo``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Any

from ._schema_libs import MsgspecAdapter, PydanticAdapter, adapter_for

#: Where a component schema lives in the document.
COMPONENTS = "#/components/schemas/"
_TEMPLATES = {
    PydanticAdapter: COMPONENTS + "{model}",
    MsgspecAdapter: COMPONENTS + "{name}",
}

# Marks a request schema that lost its defaults, until `settle_input_names` names it.
_INPUT = "\x00Input"

#: A schema as the document holds it, and the named schemas it references.
Schema = tuple[dict[str, Any], dict[str, dict[str, Any]]]


def schema_of(model: Any, *, output: bool) -> Schema:
    """Return ``model``'s schema and the component schemas it references, as a
    response holds it (``output``) or as a request sends it.

    A class with fields (a model, a dataclass, a ``TypedDict``, a ``Struct``) is
    a component itself, named after the class, and the schema is its ``$ref``.
    A type no schema library writes is ``{}``: any JSON.
    """
    key = (model, output)
    try:
        found = _kept.get(key)
    except TypeError:  # an unhashable annotation: made each time
        return _made(model, output)
    if found is None:
        found = _kept[key] = _made(model, output)
    return found


#: The schemas made, by type and direction; types live as long as their modules.
_kept: dict[tuple[Any, bool], Schema] = {}


def prepare(models: Iterable[tuple[Any, bool]]) -> None:
    """Make the schemas of ``models`` (each with its direction) in one pass.

    PERF: pydantic writes many types' schemas in one generator pass (its
    ``generate_definitions``) three times faster than one call per type, and
    the nested models they share only once. ``routes()`` calls this as the
    tree loads, so that the first document costs no more than the next. Types
    of other libraries, and any the pass cannot write, are made one at a time
    when the document asks for them.
    """
    wanted: dict[tuple[Any, bool], None] = {}
    for model, output in models:
        try:
            if (model, output) not in _kept:
                wanted[model, output] = None
        except TypeError:  # unhashable: made when asked
            continue
    for output in (False, True):
        batch = [m for m, out in wanted if out is output]
        inputs = []
        for index, model in enumerate(batch):
            try:
                adapter = adapter_for(model)
                if isinstance(adapter, PydanticAdapter):
                    mode = "serialization" if output else "validation"
                    inputs.append((index, mode, adapter.core_schema()))
            except Exception:  # made alone when asked, where its error shows
                continue
        if not inputs:
            continue
        try:
            from pydantic.json_schema import GenerateJsonSchema

            generator = GenerateJsonSchema(ref_template=COMPONENTS + "{model}")
            written, definitions = generator.generate_definitions(inputs)  # type: ignore[arg-type]
        except Exception:  # one type it cannot write: each made alone, later
            continue
        written, named = _short_names(dict(written), dict(definitions))
        for (index, _), schema in written.items():
            defs = _referenced(schema, named)
            if not output:  # as a request sends it, defaults kept: for fields_of
                _fields.setdefault(batch[index], (schema, defs))
            made = (schema, defs) if output else _as_input(schema, defs)
            _kept[batch[index], output] = made


def _short_names(
    written: dict[Any, Any], definitions: dict[Any, Any]
) -> tuple[dict[Any, Any], dict[str, dict[str, Any]]]:
    """Name each definition after its class, as a schema made alone names it.

    pydantic names two classes of one name after their modules, and a route
    file's module name holds a hash of its absolute path: a document must not
    change with the directory it is made in. So the names are given in the
    order the batch's types (the routes, in the order they are tried) first
    reference them, not in pydantic's order, and the second ``Item`` is
    ``Item2`` wherever the tree lies.
    """
    ordered: dict[Any, None] = {}
    for key in sorted(written, key=lambda key: key[0]):
        ordered.update(dict.fromkeys(_referenced(written[key], definitions)))
    ordered.update(dict.fromkeys(definitions))
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for name in ordered:
        # pydantic's long name is module__qualname, and classes of one module and
        # qualname (made by a factory) end in __1, __2: those go, the class stays.
        short = _NUMBERED.sub("", str(name)).rpartition("__")[2] or str(name)
        chosen, number = short, 2
        while chosen in taken:
            chosen, number = f"{short}{number}", number + 1
        taken.add(chosen)
        if chosen != name:
            renamed[COMPONENTS + str(name)] = COMPONENTS + chosen
    if not renamed:
        return written, definitions
    named = {
        renamed.get(COMPONENTS + str(name), COMPONENTS + str(name))[
            len(COMPONENTS) :
        ]: _renamed(body, renamed)
        for name, body in definitions.items()
    }
    return {key: _renamed(schema, renamed) for key, schema in written.items()}, named


#: The number pydantic appends to classes of one module and qualified name.
_NUMBERED = re.compile(r"__\d+$")
#: What a component's name cannot hold (OpenAPI: ``^[a-zA-Z0-9._-]+$``).
_NOT_IN_NAMES = re.compile(r"[^a-zA-Z0-9._-]")


def _referenced(
    schema: dict[str, Any], definitions: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Return the definitions ``schema`` references, directly or through others."""
    found: dict[str, dict[str, Any]] = {}
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(COMPONENTS):
                name = ref[len(COMPONENTS) :]
                if name not in found and name in definitions:
                    found[name] = definitions[name]
                    pending.append(definitions[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def fields_of(model: Any) -> Schema:
    """Return the object schema of ``model`` as a request sends it, defaults kept,
    with the components its fields reference: what query and header parameters
    are made from, one per property (keyed by alias where a field has one)."""
    try:
        found = _fields.get(model)
    except TypeError:  # unhashable: made each time
        found = None
    if found is None:
        found = _made(model, False, strip=False)
        with contextlib.suppress(TypeError):
            _fields[model] = found
    schema, defs = found
    ref = schema.get("$ref", "")
    if ref.startswith(COMPONENTS):
        schema = defs.get(ref[len(COMPONENTS) :], schema)
    return schema, {name: body for name, body in defs.items() if body is not schema}


_fields: dict[Any, Schema] = {}


def _made(model: Any, output: bool, *, strip: bool = True) -> Schema:
    try:
        adapter = adapter_for(model)
    except TypeError as exc:
        return {"description": str(exc)}, {}
    template = _TEMPLATES.get(type(adapter))
    write = getattr(adapter, "json_schema", None)
    if write is None:
        return {}, {}
    ref_template = template or COMPONENTS + "{model}"
    try:
        try:
            written = write(ref_template, output)
        except TypeError:  # a registered adapter's json_schema(ref_template)
            written = write(ref_template)
    except Exception as exc:  # a type the library validates but cannot describe
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {"description": f"No JSON Schema: {reason}"}, {}
    schema = dict(written)
    defs: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    name = getattr(model, "__name__", None)
    if isinstance(name, str):  # Page[int] is Page_int_, as pydantic names it
        name = _NOT_IN_NAMES.sub("_", name)
    if (
        isinstance(model, type)
        and isinstance(name, str)
        and schema.get("type") == "object"
        and name not in defs
    ):
        defs = {**defs, name: schema}
        schema = {"$ref": COMPONENTS + name}
    return (schema, defs) if output or not strip else _as_input(schema, defs)


def _as_input(schema: dict[str, Any], defs: dict[str, dict[str, Any]]) -> Schema:
    """Return the schemas without their properties' defaults, every component
    marked as a request's for `settle_input_names`."""
    renamed = {COMPONENTS + name: f"{COMPONENTS}{name}{_INPUT}" for name in defs}
    defs = {
        f"{name}{_INPUT}": _renamed(_without_defaults(body), renamed)
        for name, body in defs.items()
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


def settle_input_names(doc: dict[str, Any]) -> dict[str, Any]:
    """Name the request schemas in the whole document.

    ``TodoIn``, read only as a body, keeps its name. ``Todo``, read as a body and
    sent as an answer, is one component where the two are the same, and
    ``TodoInput`` beside the answer's ``Todo`` where they differ: a default
    dropped, or a type pydantic reads and writes differently (a ``Decimal`` read
    from a number or a string, written as a string).
    """
    schemas: dict[str, Any] = doc["components"]["schemas"]
    taken = {name for name in schemas if _INPUT not in name}
    bases = {name: "".join(name.partition(_INPUT)[::2]) for name in schemas}
    inputs = [name for name in schemas if _INPUT in name]
    # A request's schema is the answer's when its body is, once the components it
    # references are settled too: drop those that differ until none changes.
    same = {name for name in inputs if bases[name] in taken}
    changed = True
    while changed:
        merged = {
            COMPONENTS + name: COMPONENTS + bases[name]
            for name in inputs
            if name in same or bases[name] not in taken
        }
        differ = {
            name
            for name in same
            if _renamed(schemas[name], merged) != schemas[bases[name]]
        }
        same -= differ
        changed = bool(differ)
    renamed: dict[str, str] = {}
    for name in inputs:
        target = bases[name]
        if target in taken and name not in same:
            target, count = f"{bases[name]}Input", 2
            while target in taken:
                target, count = f"{bases[name]}Input_{count}", count + 1
            taken.add(target)
        elif name not in same:
            taken.add(target)
        renamed[COMPONENTS + name] = COMPONENTS + target
    if not renamed:
        return doc
    settled: dict[str, Any] = _renamed(doc, renamed)
    settled["components"]["schemas"] = {
        renamed.get(COMPONENTS + name, COMPONENTS + name)[len(COMPONENTS) :]: body
        for name, body in settled["components"]["schemas"].items()
        if name not in same
    }
    return settled
