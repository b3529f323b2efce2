"""Pulling a body's items from a source: on the server's thread, on a helper thread
that reads a little ahead, or on the thread's event loop for an async source.

Each way answers ``next()`` with ``(True, item)``, or ``(False, None)`` when the
heartbeat interval passed first, and ``StopIteration`` at the end; ``drain()`` hands
over, at once, the items already pulled; ``close()`` closes the source.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import queue
import threading
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("nextresp")

#: How many items a helper thread pulls ahead of the server at most.
READ_AHEAD = 1024
#: How long ``close()`` waits for a helper inside ``next()`` before leaving the
#: source to it (seconds): long enough for a source that yields at once.
CLOSE_WAIT = 0.02


class Pull(Protocol):
    """Take the next item of a source, see the module's docstring."""

    def next(self) -> tuple[bool, Any]: ...

    def drain(self) -> list[Any]: ...

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
    def __init__(self, source: Iterable[Any]) -> None:
        self._source = source
        self._iterator = iter(source)

    def next(self) -> tuple[bool, Any]:
        return True, next(self._iterator)

    def drain(self) -> list[Any]:
        return []

    def close(self) -> None:
        close_source(self._source, self._iterator)


class _End:
    """What the helper hands over after the last item: how the source ended."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class ThreadPull:
    """Pull a synchronous source on a helper thread, up to ``READ_AHEAD`` items ahead.

    Strategy: a WSGI server gives us no way to wake a thread blocked in ``next()``,
    so the source runs on a helper thread and the server's thread waits for an item
    with the heartbeat as timeout. Handing items over one by one costs two thread
    switches each (tens of µs); so the helper keeps pulling while the server writes,
    and the server takes every item pulled so far at once (``drain``). A generator
    cannot be closed while another thread runs it: ``close()`` closes the source
    right here when the helper is not inside ``next()``, and otherwise the helper
    closes it when that ``next()`` returns. Items pulled and not sent when the
    client leaves are dropped with the source. The helper is a daemon thread, so a
    source that never yields again cannot hold up the process's exit.

    PERF: items travel through a ``queue.SimpleQueue`` (written in C: a put or a get
    costs less than entering a ``threading.Condition``), and a lock guards only the
    decision of who closes the source. The helper waits on ``_room`` only when
    ``READ_AHEAD`` items are waiting; the server wakes it when it takes them.
    """

    def __init__(self, source: Iterable[Any], heartbeat: float) -> None:
        self._source = source
        self._iterator = iter(source)
        self._heartbeat = heartbeat
        self._thread: threading.Thread | None = None
        # The request's context variables, copied when the helper starts: the source
        # runs in it, and is closed in it.
        self._context: contextvars.Context | None = None
        # The items pulled, then an _End; how the source ended, once the server saw
        # it (None: not yet).
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._end: _End | None = None
        self._room = threading.Event()
        self._room.set()
        # Under the lock: whether the helper is inside next(), whether close() was
        # called, and who closes the source once it was (the helper: True).
        self._lock = threading.Lock()
        self._in_next = False
        self._closing = False
        self._helper_closes = False
        self._left_next = threading.Event()
        self._decided = threading.Event()

    def next(self) -> tuple[bool, Any]:
        if self._thread is None:
            self._context = contextvars.copy_context()
            self._thread = threading.Thread(
                target=self._context.run,
                args=(self._serve,),
                name="nextresp-sse",
                daemon=True,
            )
            self._thread.start()
        if self._end is None:
            try:
                item = self._queue.get(timeout=self._heartbeat)
            except queue.Empty:
                return False, None
            if type(item) is not _End:
                if not self._room.is_set():
                    self._room.set()
                return True, item
            self._end = item
        error = self._end.error
        if error is not None:
            raise error
        raise StopIteration

    def drain(self) -> list[Any]:
        items: list[Any] = []
        if self._end is not None:
            return items
        get = self._queue.get_nowait
        for _ in range(self._queue.qsize()):
            item = get()
            if type(item) is _End:
                self._end = item
                break
            items.append(item)
        if not self._room.is_set():
            self._room.set()
        return items

    def _serve(self) -> None:
        """The helper thread: pull while there is room, until the end or close."""
        items, room, iterator = self._queue, self._room, self._iterator
        # PERF: acquire() and release(), not a with block, which costs twice as much;
        # nothing between them can raise. The lock is taken once an item: a helper
        # with room goes from one next() to the next still marked inside next().
        acquire, release = self._lock.acquire, self._lock.release
        acquire()
        if self._closing:
            release()
            return
        self._in_next = True
        release()
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                item = _End(None)
            except BaseException as exc:
                item = _End(exc)  # the server's thread raises it
            acquire()
            if self._closing:
                self._in_next = False
                release()
                self._left_next.set()
                self._decided.wait()
                break
            items.put(item)
            if type(item) is _End:
                self._in_next = False
                release()
                return
            if items.qsize() < READ_AHEAD:
                release()
                continue
            self._in_next = False
            # Cleared under the lock: close() marks itself closing under it, then sets
            # the room, which this must not clear after it.
            room.clear()
            release()
            if items.qsize() >= READ_AHEAD:  # the server took none meanwhile
                room.wait()
            acquire()
            if self._closing:
                release()
                return
            self._in_next = True
            release()
        if self._helper_closes:
            try:
                close_source(self._source, self._iterator)
            except Exception:
                logger.exception("closing an event source failed")

    def close(self) -> None:
        with self._lock:
            if self._closing:  # again, from the source's own cleanup, say
                return
            self._closing = True
            in_next = self._in_next
        self._room.set()  # a helper waiting for room sees the close
        if in_next:
            # A source between two quick items is closed here, now; one that waits
            # inside next() (an idle source) is left to the helper, not waited for.
            self._left_next.wait(CLOSE_WAIT)
        with self._lock:
            helper_closes = self._helper_closes = self._in_next
        self._decided.set()
        if helper_closes:
            return
        context, thread = self._context, self._thread
        if context is None:  # never pulled: no code of the source has run
            close_source(self._source, self._iterator)
            return
        # The helper is outside next() and, closing seen, only returns now; once it
        # has left the context, the source's cleanup runs in it here (a context
        # variable it set can be reset).
        if thread is not None and thread.is_alive():  # not alive: never started
            thread.join()
        context.run(close_source, self._source, self._iterator)


class AsyncPull:
    """Drive an asynchronous source on this thread's event loop, one item at a time.

    Strategy: WSGI wants a synchronous iterator, and the source may hold objects
    bound to the loop the handler ran on (each thread has one, see ``_async``); so
    each ``__anext__`` runs as a task on that loop, waited for with the heartbeat as
    timeout. A timeout leaves the task pending, to be waited for again: cancelling
    it would end an async generator.
    """

    def __init__(self, source: AsyncIterable[Any], heartbeat: float | None) -> None:
        self._source = source
        self._iterator: AsyncIterator[Any] = aiter(source)
        self._heartbeat = heartbeat
        self._task: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False

    def next(self) -> tuple[bool, Any]:
        from ._async import run_until_done, thread_loop

        loop = self._loop = thread_loop()
        task = self._task
        if task is None:
            task = self._task = loop.create_task(_anext(self._iterator))
        if not run_until_done(task, loop, self._heartbeat):
            return False, None
        self._task = None
        try:
            return True, task.result()
        except StopAsyncIteration:
            raise StopIteration from None

    def drain(self) -> list[Any]:
        return []

    def close(self) -> None:
        """Stop the item being pulled, then close the iterator and the source."""
        if self._closing:  # again, from within this close (the source's aclose())
            return
        self._closing = True
        try:
            self._close()
        finally:
            self._closing = False  # a close that failed may be tried again

    def _close(self) -> None:
        loop, task = self._loop, self._task
        source, iterator = self._source, self._iterator
        if loop is None:  # never pulled: the source may still hold a subscription
            if not (_closable(source) or _closable(iterator)):
                return
            from ._async import thread_loop

            loop = thread_loop()
        if task is not None:
            from ._async import run_until_done

            task.cancel()
            run_until_done(task, loop)
            self._task = None
            if not task.cancelled():
                error = task.exception()  # retrieved, or asyncio would log it later
                if error is not None and type(error) is not StopAsyncIteration:
                    logger.error("closing an event source failed", exc_info=error)
        loop.run_until_complete(aclose_source(source, iterator))


def _closable(thing: object) -> bool:
    return hasattr(thing, "aclose") or hasattr(thing, "close")


async def _anext(iterator: AsyncIterator[Any]) -> Any:
    return await anext(iterator)


async def aclose_source(source: object, iterator: object) -> None:
    """Close the iterator made from ``source``, then ``source`` itself, as each can:
    ``close_source`` for asynchronous sources."""
    try:
        if iterator is not source:
            await _aclose(iterator)
    finally:
        await _aclose(source)


async def _aclose(thing: object) -> None:
    """Close ``thing`` by its ``aclose()``, or else its ``close()``, awaited if it
    returns an awaitable (an asynchronous subscription's may)."""
    aclose = getattr(thing, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(thing, "close", None)
    if close is not None:
        closing = close()
        if inspect.isawaitable(closing):
            await closing
