"""What every streamed body checks of its source."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping


def check_source(source: object, helper: str) -> None:
    """Refuse what is not a stream of items: a str, bytes, a mapping, a non-iterable."""
    if isinstance(source, str | bytes | bytearray | memoryview | Mapping) or (
        not isinstance(source, Iterable | AsyncIterable)
    ):
        raise TypeError(
            f"{helper}() takes an iterable of items (a generator, a list, an async"
            f" generator), not {source!r} ({type(source).__name__}); for one item,"
            " pass [item]"
        )
