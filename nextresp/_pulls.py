"""Pulling a body's items from a source: on the server's thread, on a helper thread
that reads a little ahead, or on the thread's event loop for an async source.

Each way answers ``next()`` with ``(True, item)``, or ``(False, None)`` when the
heartbeat interval passed first, and ``StopIteration`` at the end; ``drain()`` hands
over, at once, the items already pulled; ``close()`` closes the source.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("nextresp")

#: How many items a helper thread pulls ahead of the server at most.
READ_AHEAD = 64
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
    """

    def __init__(self, source: Iterable[Any], heartbeat: float) -> None:
        self._source = source
        self._iterator = iter(source)
        self._heartbeat = heartbeat
        self._thread: threading.Thread | None = None
        # Shared with the helper, under the condition's lock: the items pulled, how
        # the source ended (None: not yet; (None,): exhausted; (exc,): raised),
        # whether the helper is inside next(), and whether close() was called.
        self._ready = threading.Condition(threading.Lock())
        self._items: deque[Any] = deque()
        self._end: tuple[BaseException | None] | None = None
        self._in_next = False
        self._closing = False
        # Who closes the source once close() is called: None until close() decided.
        self._helper_closes: bool | None = None

    def next(self) -> tuple[bool, Any]:
        if self._thread is None:
            self._thread = threading.Thread(
                target=contextvars.copy_context().run,
                args=(self._serve,),
                name="nextresp-sse",
                daemon=True,
            )
            self._thread.start()
        with self._ready:
            if not self._items and self._end is None:
                self._ready.wait_for(self._has_news, timeout=self._heartbeat)
            if self._items:
                item = self._items.popleft()
                self._ready.notify()
                return True, item
            if self._end is None:
                return False, None
            error = self._end[0]
        if error is not None:
            raise error
        raise StopIteration

    def _has_news(self) -> bool:
        return bool(self._items) or self._end is not None

    def drain(self) -> list[Any]:
        with self._ready:
            items = list(self._items)
            self._items.clear()
            self._ready.notify()
        return items

    def _serve(self) -> None:
        """The helper thread: pull while there is room, until the end or close."""
        ready = self._ready
        while True:
            with ready:
                ready.wait_for(self._may_pull)
                if self._closing:
                    return
                self._in_next = True
            error: BaseException | None = None
            try:
                item = next(self._iterator)
            except StopIteration:
                end: tuple[BaseException | None] | None = (None,)
            except BaseException as exc:
                end, error = (exc,), exc
            else:
                end = None
            with ready:
                self._in_next = False
                if self._closing:
                    ready.notify_all()
                    ready.wait_for(self._decided)
                    if not self._helper_closes:
                        return
                    break
                if end is None:
                    self._items.append(item)
                else:
                    self._end = end
                ready.notify()
            if end is not None:
                del error  # the server's thread raises it
                return
        try:
            close_source(self._source, self._iterator)
        except Exception:
            logger.exception("closing an event source failed")

    def _decided(self) -> bool:
        return self._helper_closes is not None

    def _out_of_next(self) -> bool:
        return not self._in_next

    def _may_pull(self) -> bool:
        return self._closing or len(self._items) < READ_AHEAD

    def close(self) -> None:
        with self._ready:
            self._closing = True
            self._ready.notify_all()
            # A source between two quick items is closed here, now; one that waits
            # inside next() (an idle source) is left to the helper, not waited for.
            self._ready.wait_for(self._out_of_next, timeout=CLOSE_WAIT)
            helper_closes = self._helper_closes = self._in_next
            self._ready.notify_all()
        if not helper_closes:
            close_source(self._source, self._iterator)


class AsyncPull:
    """Drive an asynchronous source on this thread's event loop, one item at a time.

    Strategy: WSGI wants a synchronous iterator, and the source may hold objects
    bound to the loop the handler ran on (each thread has one, see ``_async``); so
    each ``__anext__`` runs as a task on that loop, waited for with the heartbeat as
    timeout. A timeout leaves the task pending, to be waited for again: cancelling
    it would end an async generator.
    """

    def __init__(self, source: AsyncIterable[Any], heartbeat: float | None) -> None:
        self._iterator: AsyncIterator[Any] = aiter(source)
        self._heartbeat = heartbeat
        self._task: asyncio.Task[Any] | None = None
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

    def drain(self) -> list[Any]:
        return []

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


async def _anext(iterator: AsyncIterator[Any]) -> Any:
    return await anext(iterator)


async def _settle(task: asyncio.Task[Any]) -> None:
    """Wait for a cancelled task to end, whatever it ends with."""
    import asyncio

    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
