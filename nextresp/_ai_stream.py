"""The Vercel AI SDK UI message stream that ``res.ai_stream`` sends.

The stream is server-sent events (``text/event-stream``) with the header
``x-vercel-ai-ui-message-stream: v1``; each event's data is one JSON chunk, and the
last one is the text ``[DONE]``. A message is framed by a ``start`` chunk and a
``finish`` chunk; text arrives as ``text-start``, ``text-delta``... ``text-end``
around the deltas of one part, reasoning likewise. The source yields only what the
model produced (``str`` deltas, typed parts from ``nextresp.ai``, or raw chunks as
mappings) and this module adds the framing.

A source that fails mid-stream is logged; the client gets an ``error`` chunk with a
generic text (never the exception's, which may hold secrets) and the stream ends.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any

from . import _json
from ._ai_parts import CHUNK_PARTS, AiPart, Finish, Reasoning, raw_chunk
from ._event_stream import EventStream
from ._events import Event
from ._pulls import aclose_source, close_source
from ._streams import check_source

logger = logging.getLogger("nextresp")

#: The header and value that tell the SDK's client which protocol it reads.
PROTOCOL_HEADER = ("x-vercel-ai-ui-message-stream", "v1")
#: The ``errorText`` a client gets when the source fails.
ERROR_TEXT = "An error occurred."
#: Seconds of silence after which a comment keeps proxies from closing the stream.
HEARTBEAT = 15.0
_DONE = Event("[DONE]")
#: What a source of an AI stream may be.
PartSource = Iterable[AiPart] | AsyncIterable[AiPart]


class _Framing:
    """Turn parts into encoded chunks, adding the framing the protocol wants.

    Strategy: one open part at most (text or reasoning, with its id); any other
    part closes it first, so deltas never interleave and each part ends before the
    next begins, as the SDK's own streams do.
    """

    def __init__(self, json_dumps: _json.JsonDumps) -> None:
        self._json_dumps = json_dumps
        self.queue: deque[Event] = deque()
        self._open: tuple[str, str] | None = None  # (kind, id)
        self._count = 0
        self._finished = False
        self.over = False
        self._add({"type": "start"})

    def _add(self, chunk: dict[str, Any]) -> None:
        self.queue.append(
            Event(_json.encode(self._json_dumps, chunk, "ai_stream").decode())
        )

    def _delta(self, kind: str, delta: str) -> None:
        if not delta:
            return
        if self._open is None or self._open[0] != kind:
            self._close()
            self._count += 1
            self._open = (kind, f"{kind}-{self._count}")
            self._add({"type": f"{kind}-start", "id": self._open[1]})
        self._add({"type": f"{kind}-delta", "id": self._open[1], "delta": delta})

    def _close(self) -> None:
        if self._open is not None:
            kind, id = self._open
            self._open = None
            self._add({"type": f"{kind}-end", "id": id})

    def feed(self, part: object) -> None:
        """Queue the chunks of one part; a bad part raises, queueing nothing."""
        if self._finished:
            raise ValueError(f"an AI stream yielded {part!r} after its finish")
        if isinstance(part, str):
            self._delta("text", part)
            return
        if isinstance(part, Reasoning):
            self._delta("reasoning", part.delta)
            return
        if isinstance(part, Mapping):
            chunk = raw_chunk(part)
        elif isinstance(part, CHUNK_PARTS):
            chunk = part.chunk()
        else:
            raise TypeError(
                "an AI stream yields str (answer text), a part from nextresp.ai"
                " (Reasoning, ToolCall, ToolResult, ToolError, Data, Error, Finish)"
                f" or a mapping (a raw chunk), not {part!r} ({type(part).__name__})"
            )
        encoded = Event(_json.encode(self._json_dumps, chunk, "ai_stream").decode())
        self._close()
        self.queue.append(encoded)
        self._finished = chunk["type"] == "finish"

    def end(self) -> None:
        """Queue the closing chunks of a source that ended."""
        self._close()
        if not self._finished:
            self.feed(Finish())
        self.queue.append(_DONE)
        self.over = True

    def fail(self) -> None:
        """Queue the closing chunks of a source that failed (and log why)."""
        logger.exception(
            "an AI stream's source failed; the client was sent an error chunk"
        )
        self._close()
        self._add({"type": "error", "errorText": ERROR_TEXT})
        self.queue.append(_DONE)
        self.over = True


class PartStream:
    """The events of an AI stream from a synchronous source of parts.

    A class rather than a generator, so that ``close()`` closes the source even
    when the stream never started (a HEAD answer).
    """

    def __init__(self, source: Iterable[AiPart], json_dumps: _json.JsonDumps) -> None:
        self._source = source
        self._iterator = iter(source)
        self._framing = _Framing(json_dumps)

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        framing = self._framing
        while not framing.queue:
            if framing.over:
                raise StopIteration
            try:
                framing.feed(next(self._iterator))
            except StopIteration:
                framing.end()
            except Exception:
                framing.fail()
        return framing.queue.popleft()

    def close(self) -> None:
        self._framing.over = True
        close_source(self._source, self._iterator)


class AsyncPartStream:
    """The events of an AI stream from an asynchronous source of parts."""

    def __init__(
        self, source: AsyncIterable[AiPart], json_dumps: _json.JsonDumps
    ) -> None:
        self._source = source
        self._iterator: AsyncIterator[AiPart] = aiter(source)
        self._framing = _Framing(json_dumps)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        framing = self._framing
        while not framing.queue:
            if framing.over:
                raise StopAsyncIteration
            try:
                framing.feed(await anext(self._iterator))
            except StopAsyncIteration:
                framing.end()
            except Exception:
                framing.fail()
        return framing.queue.popleft()

    async def aclose(self) -> None:
        self._framing.over = True
        await aclose_source(self._source, self._iterator)


def ai_event_stream(parts: PartSource, json_dumps: _json.JsonDumps) -> EventStream:
    """Return the UI message stream of ``parts`` as server-sent events."""
    check_source(parts, "ai_stream")
    events: PartStream | AsyncPartStream
    if isinstance(parts, AsyncIterable):
        events = AsyncPartStream(parts, json_dumps)
    else:
        events = PartStream(parts, json_dumps)
    return EventStream(events, heartbeat=HEARTBEAT, json_dumps=json_dumps)
