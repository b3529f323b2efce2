"""The helpers that deliver long and large bodies: events, NDJSON, AI streams, files.

``DeliveryHelpers`` is the part of ``ApiResponse`` whose bodies are not one piece of
bytes: each helper checks its source, builds the body (``_event_stream``,
``_ndjson``, ``_ai_stream``, ``_send_file``) and lets ``_framing`` frame it.
"""

from __future__ import annotations

import functools
from typing import Self

from ._ai_stream import PROTOCOL_HEADER, PartSource, ai_event_stream
from ._event_stream import EventStream
from ._events import EventSource
from ._framing import FramedResponse
from ._ndjson import NDJSON_TYPE, ItemSource, NdjsonStream
from ._send_file import PathOrFile, send_file


class DeliveryHelpers(FramedResponse):
    """Chainable helpers for streamed and file bodies; see :class:`ApiResponse`."""

    def sse(
        self,
        events: EventSource,
        /,
        *,
        heartbeat: float | None = 15.0,
    ) -> Self:
        """Stream ``events`` as server-sent events (``text/event-stream``).

        ``events`` is an iterable, or an async iterable, of :class:`Event`, mappings
        of its fields, or ``str`` (the data of one event). The response gets
        ``Cache-Control: no-cache, no-transform`` and ``X-Accel-Buffering: no``
        unless set before,
        no ``Content-Length`` and no ``ETag``. A comment opens the stream and is
        sent again whenever the source is idle for ``heartbeat`` seconds (``None``:
        no comments; a synchronous source is then pulled on the server's thread).
        The source is closed when the response is: the client left, or the body
        was never sent.
        """
        self._check_open("sse")
        stream = EventStream(
            events, heartbeat=heartbeat, json_dumps=type(self).json_dumps
        )
        self._send_unbuffered(stream, "text/event-stream", "sse")
        return self

    def ndjson(self, items: ItemSource, /) -> Self:
        """Stream ``items`` (an iterable or async iterable) as NDJSON, one per line.

        Each item is encoded by ``json_dumps``; ``application/x-ndjson``, no
        ``Content-Length``, no ``ETag``. The source is closed when the response is.
        """
        self._check_open("ndjson")
        stream = NdjsonStream(items, json_dumps=type(self).json_dumps)
        self._send_unbuffered(stream, NDJSON_TYPE, "ndjson")
        return self

    def ai_stream(self, parts: PartSource, /) -> Self:
        """Stream ``parts`` as the Vercel AI SDK's UI message stream (``useChat``).

        ``parts`` yields ``str`` (answer text), parts from ``nextresp.ai`` or raw
        chunks as mappings; the start, finish and ``[DONE]`` framing is added.
        """
        self._check_open("ai_stream")
        stream = ai_event_stream(parts, type(self).json_dumps)
        lines = self._send_unbuffered(stream, "text/event-stream", "ai_stream")
        lines.append(PROTOCOL_HEADER)
        return self

    def send_file(
        self,
        path_or_file: PathOrFile,
        /,
        *,
        download: bool | None = None,
        filename: str | None = None,
    ) -> Self:
        """Send a file, answering ``Range`` (206/416) and conditional requests (304).

        ``download=True`` asks the browser to save it (``filename`` names it, the
        path's name by default); a missing path raises ``NotFound`` (404).
        """
        self._check_open("send_file")
        sent = send_file(self, path_or_file, download=download, filename=filename)
        self._on_finalize = functools.partial(sent.finish, self)
        return self
