"""The built-in schema adapters: pydantic v2 and msgspec, neither of them required.

A type is validated by the library it belongs to (a ``BaseModel`` by pydantic, a
``Struct`` by msgspec); dataclasses, ``TypedDict`` and plain types (``list[int]``)
by pydantic when it is installed, which reports every error at once, else by
msgspec. The libraries are imported when the first handler that needs one is made.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, get_args

from ._finite_numbers import NOT_FINITE, all_finite, finite_validator, holds_non_finite
from ._json_depth import may_nest_too_deeply, nests_too_deeply
from ._schemas import (
    InvalidInput,
    Location,
    MalformedInput,
    SchemaAdapter,
    registered_adapter,
)

_LIBRARIES = ("pydantic", "msgspec")
TOO_DEEP = "JSON nested too deeply"
# msgspec ends a message with " - at `$.items[0].qty`"; each step of that path.
_STEP = re.compile(r"\.([^.\[`]+)|\[(\d+)\]|\[\.\.\.\]")
_MISSING = re.compile(r"Object missing required field `([^`]+)`")
# msgspec messages that quote the submitted value or key: what is kept of each.
_ECHOING = (
    ("Invalid enum value", "Invalid enum value"),
    ("Invalid value", "Invalid value"),
    ("Object contains unknown field", "Object contains an unknown field"),
)


def library_of(model: Any) -> str | None:
    """Name the library whose class ``model`` is, or holds (``list[Model]``)."""
    for base in getattr(model, "__mro__", ()):
        root = str(getattr(base, "__module__", "")).partition(".")[0]
        if root in _LIBRARIES:
            return root
    for argument in get_args(model):
        found = library_of(argument)
        if found is not None:
            return found
    return None


def _installed(library: str) -> bool:
    try:
        __import__(library)
    except ImportError:
        return False
    return True


@lru_cache(maxsize=512)
def adapter_for(model: Any) -> SchemaAdapter:
    """Return the adapter of ``model``, made once; raise ``TypeError`` if none can be.

    Cached: ``req.body_as(Model)`` in a handler must not build a validator per
    request.
    """
    adapter = registered_adapter(model)
    if adapter is not None:
        return adapter
    library = library_of(model)
    if library is not None:
        if not _installed(library):  # pragma: no cover - its classes import it
            raise TypeError(
                f"validating {model!r} needs {library}: pip install"
                f" 'nextresp[{library}]'"
            )
        candidates = [library]
    else:
        # A dataclass, TypedDict or plain type: pydantic, which reports every
        # error, when it can take it (a typing.TypedDict it cannot before 3.12).
        candidates = [name for name in _LIBRARIES if _installed(name)]
        if not candidates:
            raise TypeError(
                f"validating {model!r} needs a schema library: pip install"
                " 'nextresp[pydantic]' or 'nextresp[msgspec]', or register an"
                " adapter with nextresp.schemas.register_adapter"
            )
    refusals = []
    for name in candidates:
        try:
            return (
                PydanticAdapter(model) if name == "pydantic" else MsgspecAdapter(model)
            )
        except Exception as exc:  # each library's own error for a type it cannot take
            refusals.append(f"{name}: {str(exc).splitlines()[0]}")
    raise TypeError(
        f"cannot validate {model!r} ({'; '.join(refusals)}); annotate with a model,"
        " a dataclass or a TypedDict, or register an adapter with"
        " nextresp.schemas.register_adapter"
    )


class PydanticAdapter:
    """Validate with pydantic v2: ``model_validate_json`` straight from the bytes."""

    # pydantic reads NaN and Infinity, which are not JSON, even in a key the
    # model ignores: nextresp looks for them first. 1e999, which is JSON, is
    # refused where it is read (see finite_validator).
    strict_json = False
    refuses_beyond_float = True

    def __init__(self, model: Any) -> None:
        from pydantic import BaseModel, TypeAdapter, ValidationError

        self._error = ValidationError
        self._unions: bool | None = None
        self._model = model
        self._adapter: Any = None
        if isinstance(model, type) and issubclass(model, BaseModel):
            self._json: Any = model.model_validate_json
            self._python: Any = model.model_validate
            self._schema: Any = model.model_json_schema
            core: Any = model.__pydantic_core_schema__
        else:
            adapter = TypeAdapter(model)
            self._json = adapter.validate_json
            self._python = adapter.validate_python
            self._schema = adapter.json_schema
            core = adapter.core_schema
        with contextlib.suppress(Exception):  # a schema not built yet: pydantic's own
            self._json = finite_validator(core).validate_json

    def dump(self, value: Any, /) -> Any:
        """Return ``value`` as data ``json`` can encode: a returned model sent."""
        if self._adapter is None:
            self.core_schema()
        from pydantic_core import PydanticSerializationError

        try:
            return self._adapter.dump_python(value, mode="json", warnings="error")
        except PydanticSerializationError:
            # The value itself stays out of the message: it goes to the log.
            raise TypeError(
                f"the handler returned a {type(value).__name__} that does not fit its"
                f" return annotation {self._model!r}; return a value of that type"
            ) from None

    def core_schema(self) -> Any:
        """Return pydantic's core schema of the type, its JSON Schema's source."""
        if self._adapter is None:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(self._model)
        return self._adapter.core_schema

    def json_schema(self, ref_template: str, output: bool = False) -> dict[str, Any]:
        """Return the type's JSON Schema, its named parts under ``$defs``: as a
        request must send it, or as a response holds it (``output``)."""
        mode = "serialization" if output else "validation"
        schema: dict[str, Any] = self._schema(ref_template=ref_template, mode=mode)
        return schema

    def decode_json(self, data: bytes, /) -> Any:
        try:
            return self._json(data)
        except self._error as exc:
            # PERF: raised straight from here, with no local naming it, the
            # problem makes no cycle with this frame for the collector to find.
            raise self._problem(exc, data) from None

    def _problem(self, exc: Any, data: bytes) -> Exception:
        problem = _from_pydantic(exc)
        if isinstance(problem, InvalidInput) and self._has_unions():
            problem.errors[:] = [
                (_in_document(location, data), message)
                for location, message in problem.errors
            ]
        return problem

    def _has_unions(self) -> bool:
        """Tell whether the type holds unions, whose errors name their members.

        pydantic puts the member's tag in the location (``("y", "int")`` for
        ``y: int | str``, a discriminator's value for a tagged union): only then
        are locations checked against the document, on the error path.
        """
        if self._unions is None:
            try:
                schema = json.dumps(self._schema())
            except Exception:  # a schema pydantic cannot write: check them all
                schema = '"anyOf"'
            self._unions = '"anyOf"' in schema or '"oneOf"' in schema
        return self._unions

    def convert(self, values: Mapping[str, Any], /) -> Any:
        try:
            return self._python(values)
        except self._error as exc:
            raise _from_pydantic(exc) from None


def _from_pydantic(exc: Any) -> Exception:
    """Turn pydantic's ``ValidationError`` into ours, leaving its input out.

    The input is read only to find a number that is not finite (1e999 where a
    string was expected): such bytes are refused as 400, as msgspec refuses them.
    """
    errors = exc.errors(include_url=False, include_context=False)
    for error in errors:
        if error["type"] == "json_invalid":
            deep = "recursion limit" in error["msg"]
            return MalformedInput(TOO_DEEP if deep else "Invalid JSON")
        kind = error["type"]
        if kind == "finite_number" or (
            # A missing field's input is the object it is missing from, whose
            # other members were read (and checked) or are ignored.
            kind != "missing" and not all_finite(error.get("input"))
        ):
            return MalformedInput(NOT_FINITE)
    return InvalidInput([(tuple(error["loc"]), error["msg"]) for error in errors])


def _in_document(location: Location, data: bytes) -> Location:
    """Return ``location`` less the steps that are not keys or indexes of ``data``.

    The steps left out are union members' tags; a last step missing from an
    object is the name of a missing field, and stays.
    """
    try:
        node: Any = json.loads(data)
    except (ValueError, RecursionError):
        return location
    kept: list[str | int] = []
    for index, step in enumerate(location):
        key = isinstance(node, dict) and isinstance(step, str) and step in node
        item = type(step) is int and isinstance(node, list) and 0 <= step < len(node)
        if key or item:
            node = node[step]
        elif not (index == len(location) - 1 and isinstance(node, dict)):
            continue
        kept.append(step)
    return tuple(kept)


class MsgspecAdapter:
    """Validate with msgspec: ``msgspec.json.decode(data, type=...)``.

    msgspec stops at the first error, so its answers hold one.
    """

    # msgspec refuses NaN and Infinity as malformed, and 1e999 as out of range.
    strict_json = True

    def __init__(self, model: Any) -> None:
        import msgspec
        import msgspec.inspect

        if isinstance(msgspec.inspect.type_info(model), msgspec.inspect.CustomType):
            # msgspec takes any class, and then refuses every value for it.
            raise TypeError(f"msgspec does not know the type {model!r}")
        self._model = model
        self._unbounded = _nests_freely(msgspec.inspect.type_info(model), ())
        self._decode = msgspec.json.Decoder(model).decode
        self._any = msgspec.json.Decoder().decode
        self._convert = msgspec.convert
        self._builtins = msgspec.to_builtins
        self._components = msgspec.json.schema_components
        self._invalid = msgspec.ValidationError
        self._malformed = msgspec.DecodeError

    def decode_json(self, data: bytes, /) -> Any:
        try:
            value = self._decode(data)
        except self._invalid as exc:
            message = str(exc)
            if not message.startswith("Number out of range"):
                # msgspec stops at the first error, maybe before bytes that are
                # not JSON at all, which must be answered 400 as they are
                # elsewhere: a second, untyped parse, on this error path only.
                self._check_json(data)
                raise InvalidInput([_from_msgspec(message)]) from None
        except self._malformed:
            self._check_json(data)
        except RecursionError:
            raise MalformedInput(TOO_DEEP) from None
        else:
            # msgspec stops deep nesting by Python's recursion limit, which newer
            # Pythons no longer reach: a field typed Any took 5000 levels on 3.13.
            # A second, untyped parse measures the rare body with enough brackets.
            # PERF: only a type with room for it (Any, untyped containers,
            # recursion) can hold such a body; a fixed shape cannot, and its
            # bodies are spared even the count of their brackets.
            if (
                self._unbounded
                and may_nest_too_deeply(data)
                and nests_too_deeply(data, self._any(data))
            ):
                raise MalformedInput(TOO_DEEP)
            return value
        raise MalformedInput(NOT_FINITE)

    def _check_json(self, data: bytes) -> None:
        """Raise ``MalformedInput`` saying why ``data`` is not JSON, if it is not."""
        if holds_non_finite(data):
            raise MalformedInput(NOT_FINITE)
        try:
            value = self._any(data)
        except self._invalid:  # only a number out of range fails an untyped parse
            raise MalformedInput(NOT_FINITE) from None
        except self._malformed:
            raise MalformedInput("Invalid JSON") from None
        except RecursionError:
            raise MalformedInput(TOO_DEEP) from None
        if nests_too_deeply(data, value):
            raise MalformedInput(TOO_DEEP)

    def dump(self, value: Any, /) -> Any:
        """Return ``value`` as data ``json`` can encode: a returned struct sent."""
        return self._builtins(value)

    def json_schema(self, ref_template: str, output: bool = False) -> dict[str, Any]:
        """Return the type's JSON Schema, its named parts under ``$defs``."""
        (schema,), defs = self._components((self._model,), ref_template=ref_template)
        if defs:
            schema = {**schema, "$defs": defs}
        return dict(schema)

    def convert(self, values: Mapping[str, Any], /) -> Any:
        try:
            return self._convert(values, type=self._model, strict=False)
        except self._invalid as exc:
            raise InvalidInput([_from_msgspec(str(exc))]) from None


def _nests_freely(info: Any, path: tuple[int, ...]) -> bool:
    """Tell whether values of msgspec's type ``info`` may nest without bound:
    through ``Any``, an untyped container, a custom type or a recursive one."""
    import msgspec.inspect as inspect

    if isinstance(info, inspect.AnyType | inspect.CustomType) or id(info) in path:
        return True
    path += (id(info),)
    for name in info.__struct_fields__:
        value = getattr(info, name)
        for item in value if isinstance(value, tuple) else (value,):
            inner = item.type if isinstance(item, inspect.Field) else item
            if isinstance(inner, inspect.Type) and _nests_freely(inner, path):
                return True
    return False


def _from_msgspec(message: str) -> tuple[Location, str]:
    """Split msgspec's message into a location and the words that echo nothing."""
    text, _, where = message.partition(" - at `$")
    location: list[str | int] = []
    for match in _STEP.finditer(where):
        if match.group(0) == "[...]":  # a key msgspec does not name: stop there
            break
        key, index = match.groups()
        location.append(key if index is None else int(index))
    else:
        missing = _MISSING.fullmatch(text)
        if missing:  # point at the field, as pydantic does: a header's name
            location.append(missing.group(1))
    for start, kept in _ECHOING:
        if text.startswith(start):
            text = kept
    return tuple(location), text
