"""What every streamed body shares: the check of its source and its headers."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping
from typing import TYPE_CHECKING

from ._headers import lines_of, replace, setdefault

if TYPE_CHECKING:
    from ._response import ApiResponse

#: The Cache-Control of a stream unless the handler set one: ``no-transform``
#: tells proxies and compression middleware not to re-encode it, which would hold
#: events back until a buffer fills.
STREAM_CACHE_CONTROL = "no-cache, no-transform"


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


def stream_headers(res: ApiResponse, content_type: str) -> list[tuple[str, str]]:
    """Set the headers every unbuffered stream needs, and return the header lines.

    The type is ``content_type``; :data:`STREAM_CACHE_CONTROL` and
    ``X-Accel-Buffering: no`` (nginx would otherwise hold the stream back) unless
    set before; no ``Content-Length`` and no ``ETag``, which a stream cannot know.
    """
    lines = lines_of(res.headers)
    replace(lines, "Content-Type", [content_type])
    setdefault(lines, "Cache-Control", STREAM_CACHE_CONTROL)
    setdefault(lines, "X-Accel-Buffering", "no")
    replace(lines, "Content-Length", ())
    replace(lines, "ETag", ())
    return lines
