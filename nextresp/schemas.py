"""Plug another schema library into typed input: ``nextresp.schemas``.

pydantic and msgspec are built in. For another library, write an adapter (an
object with ``decode_json(data)`` and ``convert(values)``, see
:class:`SchemaAdapter`) and register a factory that makes it for the types it
knows, before the handlers using them are decorated::

    @register_adapter
    def attrs_adapter(model):
        return AttrsAdapter(model) if attrs.has(model) else None
"""

from __future__ import annotations

from ._schemas import (
    AdapterFactory,
    InvalidInput,
    Location,
    MalformedInput,
    SchemaAdapter,
    register_adapter,
)

__all__ = [
    "AdapterFactory",
    "InvalidInput",
    "Location",
    "MalformedInput",
    "SchemaAdapter",
    "register_adapter",
]
