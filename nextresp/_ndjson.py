"""NDJSON: the body ``res.ndjson`` streams, one JSON text per line.

Newline-delimited JSON (also called JSON Lines) is the simplest stream a client can
read item by item: ``fetch`` plus a line splitter, ``curl -N``, or ``for line in
response.iter_lines()``. Compact JSON never holds a raw line break (JSON escapes
them inside strings), so each item is exactly one line.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import Any

from . import _json
from ._event_stream import PulledStream
from ._pulls import AsyncPull, DirectPull
from ._streams import check_source

#: The Content-Type of an NDJSON stream.
NDJSON_TYPE = "application/x-ndjson"
#: What ``res.ndjson`` streams: an iterable or an async iterable of JSON values.
ItemSource = Iterable[Any] | AsyncIterable[Any]


class NdjsonStream(PulledStream):
    """The body of ``res.ndjson``: each item as one line of compact JSON.

    A synchronous source is pulled on the server's thread, one item per line asked
    for; an asynchronous one is driven on the thread's event loop, as ``res.sse``
    drives it. ``close()`` closes the source (its ``finally`` blocks run then),
    whether the stream ended, the client left, or the body was never read (HEAD).

    An item that cannot be encoded is logged and cuts the response short (see
    ``PulledStream``). A class rather than a generator, for the reason
    ``EventStream`` gives.
    """

    def __init__(self, source: ItemSource, *, json_dumps: _json.JsonDumps) -> None:
        check_source(source, "ndjson")
        self._json_dumps = json_dumps
        if isinstance(source, AsyncIterable):
            self._pull = AsyncPull(source, None)
        else:
            self._pull = DirectPull(source)

    kind = "an NDJSON stream"

    def _encode(self, found: bool, item: Any) -> bytes:
        return _json.encode(self._json_dumps, item, "ndjson") + b"\n"
