"""Schema adapters: the seam between a type and the library that validates it.

An adapter makes a typed value from a request's JSON bytes (the body) or from its
query strings, and reports what does not fit in a library-neutral form:
``InvalidInput`` (schema errors, each at a location) or ``MalformedInput`` (bytes
that are not JSON). pydantic and msgspec have built-in adapters (``_schema_libs``);
``register_adapter`` plugs in another library (attrs with cattrs, say).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

#: Where an error is: keys and indexes from the document's root, as pydantic's
#: ``loc`` reads (``("items", 0, "qty")``).
Location = tuple[str | int, ...]


class InvalidInput(Exception):
    """Raise from an adapter when the input does not fit the type.

    ``errors`` lists every error found, in the order found, each as
    ``(location, message)``. The message must not hold the submitted value:
    nextresp sends it to the client as it is.
    """

    def __init__(self, errors: list[tuple[Location, str]]) -> None:
        super().__init__(errors)
        #: The errors, each as ``(location, message)``.
        self.errors = errors


class MalformedInput(Exception):
    """Raise from an adapter when the body is not JSON at all; answered 400.

    The message (``"Invalid JSON"``) is sent to the client, so it must not hold the
    submitted bytes.
    """


class SchemaAdapter(Protocol):
    """What nextresp asks of a schema library, for one type.

    ``decode_json`` validates a body straight from its bytes, in one pass;
    ``convert`` validates the query or the headers, a mapping of strings (lists
    for repeated keys), converting leniently (``"2"`` to ``2``). Both return the
    typed value or raise :class:`InvalidInput` or :class:`MalformedInput`.

    An adapter may set ``strict_json = True`` when its parser itself refuses
    ``NaN``, ``Infinity`` and numbers beyond the range of a float; otherwise
    nextresp checks for them before calling ``decode_json``.
    """

    def decode_json(self, data: bytes, /) -> Any: ...

    def convert(self, values: Mapping[str, Any], /) -> Any: ...


#: Makes the adapter of a type, or returns None for a type it does not know.
AdapterFactory = Callable[[Any], SchemaAdapter | None]

_factories: list[AdapterFactory] = []


def register_adapter(factory: AdapterFactory, /) -> AdapterFactory:
    """Let ``factory(type)`` make the adapter of the types it knows.

    Registered factories are asked before the built-in pydantic and msgspec
    adapters, the last registered first; one returning None passes the type on.
    Register at import time, before the handlers that use the types are
    decorated: the adapter is chosen once, when a handler is made. Returns
    ``factory``, so it can be used as a decorator.
    """
    if not callable(factory):
        raise TypeError(
            "register_adapter expected a function factory(type) returning an adapter"
            f" or None, not {factory!r}"
        )
    _factories.insert(0, factory)
    return factory


def registered_adapter(model: Any) -> SchemaAdapter | None:
    """Return the adapter a registered factory makes for ``model``, or None."""
    for factory in _factories:
        adapter = factory(model)
        if adapter is not None:
            return adapter
    return None
