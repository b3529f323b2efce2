"""Read a WSGI body on one helper thread, so that waiting for it can time out."""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator

_NEXT = "next"
_CLOSE = "close"


class BodyReader:
    """Take a streamed body's chunks one at a time, each waited for with a deadline.

    Strategy: a WSGI body is a plain iterator, and a ``next()`` that waits for its
    source cannot be interrupted. So one helper thread makes every ``next()`` and
    the final ``close()``, in order, each on request, and the caller's thread only
    waits for the answers with a deadline. Nothing is read ahead: when the caller
    has what it wanted, the helper is idle, and ``close()`` returns once the body
    (and with it the source's ``finally``) is closed. When a deadline passes first,
    the helper is still inside ``next()``; it closes the body as soon as that
    returns, as a server closes the body of a client that left.

    Every ``next()`` and the ``close()`` run on the same thread, so an async
    source that ``res.sse`` drives on its thread's event loop keeps that loop. The
    helper is a daemon thread: a source that never returns cannot hold up exit.
    """

    def __init__(self, body: Iterator[bytes], close: Callable[[], object] | None):
        self._body = body
        self._close = close
        self._asks: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._answers: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        # A next() was asked for and its answer not taken yet.
        self._pending = False
        self._closed = threading.Event()
        self._close_error: BaseException | None = None

    def next(self, deadline: float) -> bytes | None:
        """Return the next chunk, or None at the end of the body.

        Raise ``TimeoutError`` when ``deadline`` (a ``time.monotonic()`` value)
        passes first, after which only :meth:`close` may follow. Re-raise what
        the body raised.
        """
        if self._thread is None:
            self._thread = threading.Thread(
                target=contextvars.copy_context().run,
                args=(self._serve,),
                name="nextresp-testing-reader",
                daemon=True,
            )
            self._thread.start()
        self._asks.put(_NEXT)
        self._pending = True
        try:
            kind, value = self._answers.get(
                timeout=max(deadline - time.monotonic(), 0.0)
            )
        except queue.Empty:
            raise TimeoutError from None
        self._pending = False
        if kind == "chunk":
            assert isinstance(value, bytes)
            return value
        if isinstance(value, BaseException):
            raise value
        return None

    def close(self, wait: float) -> None:
        """Close the body, once; wait up to ``wait`` seconds when the helper is idle.

        Re-raise what the body's ``close()`` raised, when it ran in that time.
        """
        if self._thread is None:  # never read: close it here, as a server would
            self._close_body()
            self._closed.set()
        else:
            self._asks.put(_CLOSE)  # unread once the helper has ended by itself
            if self._pending:  # it closes the body when its next() returns
                return
            self._closed.wait(wait)
        if self._close_error is not None:
            error, self._close_error = self._close_error, None
            raise error

    def _serve(self) -> None:
        """The helper thread: one ``next()`` per request, then ``close()``."""
        while self._asks.get() == _NEXT:
            try:
                chunk = next(self._body)
            except StopIteration:
                self._answers.put(("end", None))
                break
            except BaseException as exc:
                self._answers.put(("error", exc))
                break
            if not isinstance(chunk, bytes):
                self._answers.put(
                    (
                        "error",
                        TypeError(
                            "expected the WSGI body to yield bytes (PEP 3333),"
                            f" not {chunk!r} ({type(chunk).__name__})"
                        ),
                    )
                )
                break
            self._answers.put(("chunk", chunk))
        try:
            self._close_body()
        finally:
            self._closed.set()

    def _close_body(self) -> None:
        if self._close is None:
            return
        try:
            self._close()
        except BaseException as exc:
            self._close_error = exc
