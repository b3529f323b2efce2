"""The body of ``res.sse``: each event's bytes as the source yields it, and
heartbeats while the source is idle.

A synchronous source is pulled on the server's thread, or on a helper thread when
heartbeats must go out while it blocks; an asynchronous one is driven on the thread's
event loop. Every kind is closed when the response is.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import queue
import threading
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from . import _json
from ._bodies import log_cut_short
from ._events import Event, EventLike, EventSource, encode_event

if TYPE_CHECKING:
    import asyncio

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
    _pull: _Pull
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

    - a synchronous source is pulled on a helper thread, one item per item asked
      for (nothing is read ahead), while this thread waits with a timeout;
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
        if isinstance(source, AsyncIterable):
            self._pull = AsyncPull(source, heartbeat)
        elif heartbeat is None:
            self._pull = DirectPull(source)
        else:
            self._pull = _ThreadPull(source, heartbeat)

    kind = "an event stream"

    def __next__(self) -> bytes:
        if not self._opened:
            self._opened = True
            self._chunks, self._size = 1, len(HEARTBEAT)
            return HEARTBEAT
        return super().__next__()

    def _encode(self, found: bool, item: Any) -> bytes:
        if not found:
            return HEARTBEAT
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


class _Pull(Protocol):
    """Take the next item of a source: ``(True, item)``, or ``(False, None)`` when
    the heartbeat interval passed first; ``StopIteration`` at the end."""

    def next(self) -> tuple[bool, Any]: ...

    def close(self) -> None: ...


def close_source(source: object, iterator: object) -> None:
    """Close the iterator made from ``source``, then ``source`` itself, as each can."""
    try:
        if iterator is not source:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


class DirectPull:
    def __init__(self, source: Iterable[EventLike]) -> None:
        self._source = source
        self._iterator = iter(source)

    def next(self) -> tuple[bool, Any]:
        return True, next(self._iterator)

    def close(self) -> None:
        close_source(self._source, self._iterator)


_CLOSE = object()


class _ThreadPull:
    """Pull a synchronous source on a helper thread, waiting with a timeout.

    Strategy: a generator cannot be closed while another thread runs it, and a
    WSGI server gives us no way to wake a thread blocked in ``next()``. So the
    helper thread runs one ``next()`` per request; ``close()`` closes the source
    right here when no request is pending, and otherwise asks the helper to close
    it after the pending ``next()`` returns. The helper is a daemon thread, so a
    source that never yields again cannot hold up the process's exit.
    """

    def __init__(self, source: Iterable[EventLike], heartbeat: float) -> None:
        self._source = source
        self._iterator = iter(source)
        self._heartbeat = heartbeat
        self._requests: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[tuple[bool, Any, BaseException | None]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        # Whether a result was asked for and not taken yet (this thread's own).
        self._asked = False
        # Shared with the helper, under the lock: whether it is inside next(), and
        # whether close() was called.
        self._lock = threading.Lock()
        self._in_next = False
        self._closing = False

    def next(self) -> tuple[bool, Any]:
        if not self._asked:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=contextvars.copy_context().run,
                    args=(self._serve,),
                    name="nextresp-sse",
                    daemon=True,
                )
                self._thread.start()
            self._requests.put(None)
            self._asked = True
        try:
            ok, item, error = self._results.get(timeout=self._heartbeat)
        except queue.Empty:
            return False, None
        self._asked = False
        if error is not None:
            raise error
        if not ok:
            raise StopIteration
        return True, item

    def _serve(self) -> None:
        """The helper thread: one ``next()`` per request, until the end or close."""
        while True:
            request = self._requests.get()
            with self._lock:
                if request is _CLOSE or self._closing:
                    return
                self._in_next = True
            result: tuple[bool, Any, BaseException | None]
            try:
                result = (True, next(self._iterator), None)
            except StopIteration:
                result = (False, None, None)
            except BaseException as exc:
                result = (False, None, exc)
            with self._lock:
                self._in_next = False
                closing = self._closing
                if not closing:
                    self._results.put(result)
            if closing:
                break
            if not result[0]:
                return
        try:
            close_source(self._source, self._iterator)
        except Exception:
            logger.exception("closing an event source failed")

    def close(self) -> None:
        with self._lock:
            self._closing = True
            in_next = self._in_next
        if self._thread is not None:
            self._requests.put(_CLOSE)
        if not in_next:  # else the helper closes it when next() returns
            close_source(self._source, self._iterator)


class AsyncPull:
    """Drive an asynchronous source on this thread's event loop, one item at a time.

    Strategy: WSGI wants a synchronous iterator, and the source may hold objects
    bound to the loop the handler ran on (each thread has one, see ``_async``); so
    each ``__anext__`` runs as a task on that loop, waited for with the heartbeat as
    timeout. A timeout leaves the task pending, to be waited for again: cancelling
    it would end an async generator.
    """

    def __init__(
        self, source: AsyncIterable[EventLike], heartbeat: float | None
    ) -> None:
        self._iterator: AsyncIterator[EventLike] = aiter(source)
        self._heartbeat = heartbeat
        self._task: asyncio.Task[EventLike] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def next(self) -> tuple[bool, Any]:
        import asyncio

        from ._async import thread_loop

        loop = self._loop = thread_loop()
        task = self._task
        if task is None:
            task = self._task = loop.create_task(_anext(self._iterator))
        done, _pending = loop.run_until_complete(
            asyncio.wait({task}, timeout=self._heartbeat)
        )
        if not done:
            return False, None
        self._task = None
        try:
            return True, task.result()
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        loop, task = self._loop, self._task
        self._task = None
        aclose = getattr(self._iterator, "aclose", None)
        if loop is None:
            if aclose is None:
                return
            from ._async import thread_loop

            loop = thread_loop()
        if task is not None:
            task.cancel()
            loop.run_until_complete(_settle(task))
        if aclose is not None:
            loop.run_until_complete(aclose())


async def _anext(iterator: AsyncIterator[EventLike]) -> EventLike:
    return await anext(iterator)


async def _settle(task: asyncio.Task[Any]) -> None:
    """Wait for a cancelled task to end, whatever it ends with."""
    import asyncio

    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
