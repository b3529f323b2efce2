"""The body of ``res.sse``: each event's bytes as the source yields it, and
heartbeats while the source is idle.

A synchronous source is pulled on the server's thread, or on a helper thread when
heartbeats must go out while it blocks; an asynchronous one is driven on the thread's
event loop. Every kind is closed when the response is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import _json
from ._bodies import log_cut_short
from ._events import Event, EventSource, encode_event
from ._pulls import AsyncPull, DirectPull, Pull, ThreadPull

if TYPE_CHECKING:
    pass

logger = logging.getLogger("nextresp")

#: The comment sent when a stream opens and whenever its source is idle for the
#: heartbeat interval: clients ignore it, proxies see bytes flowing.
HEARTBEAT = b":\n\n"


class PulledStream:
    """A streamed body pulled item by item from a source, each item encoded to bytes.

    Subclasses say how an item is encoded (``_encode``) and how the source is pulled
    (``_pull``). An item that fails, or a source that raises, comes after the
    response began: the failure is logged (``kind`` names the stream, see
    ``log_cut_short``) and the response cut short, so a client never reads a broken
    item as a whole one.
    """

    #: How log messages name the stream: "an event stream", "an NDJSON stream".
    kind = "a stream"
    _pull: Pull
    _done = False
    _chunks = 0  # handed to the server so far, and their bytes
    _size = 0

    def _encode(self, found: bool, item: Any) -> bytes:
        """Return the bytes of one pulled item (``found`` False: the source idled)."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._done:
            raise StopIteration
        try:
            found, item = self._pull.next()
            chunk = self._encode(found, item)
        except StopIteration:
            self._done = True
            raise
        except Exception:
            self._done = True
            log_cut_short(self.kind, self._chunks, self._size)
            raise
        self._chunks += 1
        self._size += len(chunk)
        return chunk

    def close(self) -> None:
        self._done = True
        self._pull.close()


class EventStream(PulledStream):
    """The body of ``res.sse``: each event's bytes, and heartbeats while idle.

    With ``heartbeat`` None, the source is pulled here, on the server's thread, and
    the stream is exactly the events. With a heartbeat, the stream opens with a
    comment (so the status and headers leave at once), and a comment follows
    whenever the source yields nothing for ``heartbeat`` seconds:

    - a synchronous source is pulled on a helper thread, which reads up to
      ``READ_AHEAD`` items ahead while this thread waits with a timeout; the events
      pulled so far leave together, in one chunk;
    - an asynchronous source is driven on this thread's event loop (the one
      ``async def`` handlers run on), one ``__anext__`` at a time, waited for with
      a timeout and never cancelled by it.

    ``close()`` (PEP 3333: the server calls it when the response ends, the client
    left, or the body was never read) closes the source, its ``finally`` blocks
    running then; a synchronous source busy in a helper thread is closed there as
    soon as its pending item arrives.

    A class rather than a generator: a generator that never started skips its
    ``finally``, yet a HEAD answer never starts the body and the source must still
    be closed.
    """

    def __init__(
        self,
        source: EventSource,
        *,
        heartbeat: float | None,
        json_dumps: _json.JsonDumps,
    ) -> None:
        _check_source(source)
        _check_heartbeat(heartbeat)
        self._json_dumps = json_dumps
        self._opened = heartbeat is None
        self._failed: Exception | None = None
        if isinstance(source, AsyncIterable):
            self._pull = AsyncPull(source, heartbeat)
        elif heartbeat is None:
            self._pull = DirectPull(source)
        else:
            self._pull = ThreadPull(source, heartbeat)
        self._reads_ahead = type(self._pull) is ThreadPull

    kind = "an event stream"

    def __iter__(self) -> Iterator[bytes]:
        pull = self._pull
        if type(pull) is DirectPull and not self._done and not self._chunks:
            return self._direct(pull._iterator)
        return self

    def _direct(self, source: Iterator[Any]) -> Iterator[bytes]:
        """Pull and encode on the server's thread, as ``__next__`` would.

        PERF: with ``heartbeat=None`` nothing waits with a timeout, and one generator
        frame that pulls and encodes costs a third of a ``__next__`` call through
        the pull and the encoder (``benchmarks/sse.py``); the bytes are the same.
        """
        chunks = size = 0
        encode = self._encode_one
        while not self._done:
            try:
                item = next(source)
                if type(item) is str and "\n" not in item and "\r" not in item:
                    try:
                        chunk = f"data: {item}\n\n".encode()
                    except UnicodeEncodeError:  # encode_event words it
                        chunk = encode(item)
                else:
                    chunk = encode(item)
            except StopIteration:
                self._done = True
                return
            except Exception:
                self._done = True
                log_cut_short(self.kind, chunks, size)
                raise
            chunks += 1
            size += len(chunk)
            yield chunk

    def __next__(self) -> bytes:
        if not self._opened:
            self._opened = True
            self._chunks, self._size = 1, len(HEARTBEAT)
            return HEARTBEAT
        if self._failed is not None:  # an event drained with others failed to encode
            error, self._failed = self._failed, None
            self._done = True
            try:
                raise error
            except Exception:
                log_cut_short(self.kind, self._chunks, self._size)
                raise
        return super().__next__()

    def _encode(self, found: bool, item: Any) -> bytes:
        if not found:
            return HEARTBEAT
        chunk = self._encode_one(item)
        if not self._reads_ahead:
            return chunk
        more = self._pull.drain()
        if not more:
            return chunk
        chunks = [chunk]
        for extra in more:
            # PERF: the one-line text event inline, as in _encode_one, without a call.
            if type(extra) is str and "\n" not in extra and "\r" not in extra:
                try:
                    chunks.append(f"data: {extra}\n\n".encode())
                    continue
                except UnicodeEncodeError:  # _encode_one fails on it, below
                    pass
            try:
                chunks.append(self._encode_one(extra))
            except Exception as exc:  # send the good ones; fail on the next call
                self._failed = exc
                break
        return b"".join(chunks)

    def _encode_one(self, item: Any) -> bytes:
        # PERF: the text of one line, the commonest event, skips encode_event's
        # checks, which it passes by construction.
        # A try, not contextlib.suppress, whose object costs more than the encoding.
        if type(item) is str and "\n" not in item and "\r" not in item:
            try:
                return f"data: {item}\n\n".encode()
            except UnicodeEncodeError:  # a lone surrogate: encode_event words it
                pass
        return encode_event(item, json_dumps=self._json_dumps)


def _check_source(source: object) -> None:
    if isinstance(source, str | bytes | bytearray | memoryview | Mapping | Event) or (
        not isinstance(source, Iterable | AsyncIterable)
    ):
        raise TypeError(
            "sse() takes an iterable of events (a generator, a list, an async"
            f" generator), not {source!r} ({type(source).__name__}); for one event,"
            " pass [event]"
        )


def _check_heartbeat(heartbeat: object) -> None:
    if heartbeat is None:
        return
    if isinstance(heartbeat, bool) or not isinstance(heartbeat, int | float):
        raise TypeError(
            "sse() heartbeat must be a number of seconds or None,"
            f" not {heartbeat!r} ({type(heartbeat).__name__})"
        )
    if not 0 < heartbeat <= threading.TIMEOUT_MAX:
        raise ValueError(
            "sse() heartbeat must be a number of seconds above 0 (and no more than"
            f" {threading.TIMEOUT_MAX:g}) or None for no heartbeat, not {heartbeat!r}"
        )
