"""The built-in schema adapters: pydantic v2 and msgspec, neither of them required.

A type is validated by the library it belongs to (a ``BaseModel`` by pydantic, a
``Struct`` by msgspec); dataclasses, ``TypedDict`` and plain types (``list[int]``)
by pydantic when it is installed, which reports every error at once, else by
msgspec. The libraries are imported when the first handler that needs one is made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, get_args

from ._schemas import (
    InvalidInput,
    Location,
    MalformedInput,
    SchemaAdapter,
    registered_adapter,
)

_LIBRARIES = ("pydantic", "msgspec")
TOO_DEEP = "JSON nested too deeply"
NOT_FINITE = "JSON numbers must be finite: NaN, Infinity and 1e999 are refused"
# msgspec ends a message with " - at `$.items[0].qty`"; each step of that path.
_STEP = re.compile(r"\.([^.\[`]+)|\[(\d+)\]|\[\.\.\.\]")
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
    if library is None:
        library = next((name for name in _LIBRARIES if _installed(name)), None)
        if library is None:
            raise TypeError(
                f"validating {model!r} needs a schema library: pip install"
                " 'nextresp[pydantic]' or 'nextresp[msgspec]', or register an"
                " adapter with nextresp.schemas.register_adapter"
            )
    elif not _installed(library):  # pragma: no cover - its classes need it imported
        raise TypeError(
            f"validating {model!r} needs {library}: pip install 'nextresp[{library}]'"
        )
    try:
        if library == "pydantic":
            return PydanticAdapter(model)
        return MsgspecAdapter(model)
    except Exception as exc:  # each library's own error for a type it cannot take
        raise TypeError(
            f"{library} cannot validate {model!r}: {exc}; annotate with a model,"
            " a dataclass or a TypedDict, or register an adapter with"
            " nextresp.schemas.register_adapter"
        ) from None


class PydanticAdapter:
    """Validate with pydantic v2: ``model_validate_json`` straight from the bytes."""

    # pydantic reads NaN, Infinity and 1e999 as floats: nextresp checks first.
    strict_json = False

    def __init__(self, model: Any) -> None:
        from pydantic import BaseModel, TypeAdapter, ValidationError

        self._error = ValidationError
        if isinstance(model, type) and issubclass(model, BaseModel):
            self._json: Any = model.model_validate_json
            self._python: Any = model.model_validate
        else:
            adapter = TypeAdapter(model)
            self._json = adapter.validate_json
            self._python = adapter.validate_python

    def decode_json(self, data: bytes, /) -> Any:
        try:
            return self._json(data)
        except self._error as exc:
            raise _from_pydantic(exc) from None

    def convert(self, values: Mapping[str, Any], /) -> Any:
        try:
            return self._python(values)
        except self._error as exc:
            raise _from_pydantic(exc) from None


def _from_pydantic(exc: Any) -> Exception:
    """Turn pydantic's ``ValidationError`` into ours, leaving its input out."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    for error in errors:
        if error["type"] == "json_invalid":
            deep = "recursion limit" in error["msg"]
            return MalformedInput(TOO_DEEP if deep else "Invalid JSON")
    return InvalidInput([(tuple(error["loc"]), error["msg"]) for error in errors])


class MsgspecAdapter:
    """Validate with msgspec: ``msgspec.json.decode(data, type=...)``.

    msgspec stops at the first error, so its answers hold one.
    """

    # msgspec refuses NaN and Infinity as malformed, and 1e999 as out of range.
    strict_json = True

    def __init__(self, model: Any) -> None:
        import msgspec

        self._model = model
        self._decode = msgspec.json.Decoder(model).decode
        self._convert = msgspec.convert
        self._invalid = msgspec.ValidationError
        self._malformed = msgspec.DecodeError

    def decode_json(self, data: bytes, /) -> Any:
        try:
            return self._decode(data)
        except self._invalid as exc:
            message = str(exc)
            if message.startswith("Number out of range"):
                raise MalformedInput(NOT_FINITE) from None
            raise InvalidInput([_from_msgspec(message)]) from None
        except self._malformed:
            raise MalformedInput("Invalid JSON") from None
        except RecursionError:
            raise MalformedInput(TOO_DEEP) from None

    def convert(self, values: Mapping[str, Any], /) -> Any:
        try:
            return self._convert(values, type=self._model, strict=False)
        except self._invalid as exc:
            raise InvalidInput([_from_msgspec(str(exc))]) from None


def _from_msgspec(message: str) -> tuple[Location, str]:
    """Split msgspec's message into a location and the words that echo nothing."""
    text, _, where = message.partition(" - at `$")
    location: list[str | int] = []
    for match in _STEP.finditer(where):
        if match.group(0) == "[...]":  # a key msgspec does not name: stop there
            break
        key, index = match.groups()
        location.append(key if index is None else int(index))
    for start, kept in _ECHOING:
        if text.startswith(start):
            text = kept
    return tuple(location), text
