"""Run ``async def`` handlers on one event loop per thread."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
import types
from collections.abc import Coroutine, Generator
from typing import Any

_local = threading.local()


class _ThreadLoop:
    """An event loop owned by one thread, closed when the thread ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


def run(coroutine: Coroutine[Any, Any, object]) -> object:
    """Run ``coroutine`` to completion on this thread's event loop.

    Strategy: a loop per request costs more than the handler; WSGI servers run one
    request at a time per thread, so each thread keeps one loop for its lifetime.

    PERF: most handlers await nothing that waits (or nothing at all), and starting the
    loop costs more than they do. So the coroutine first runs eagerly, as a task would
    with the loop running, in a context of its own; only if it suspends does the loop
    take over, in that same context. Python 3.12's eager tasks do the same.
    """
    if asyncio._get_running_loop() is not None:
        coroutine.close()
        raise RuntimeError(
            "an async api_handler cannot run in a thread whose event loop is already"
            " running (another loop is running here); serve it from a WSGI thread"
        )
    owned: _ThreadLoop | None = getattr(_local, "owned", None)
    if owned is None:
        owned = _local.owned = _ThreadLoop()
    loop = owned.loop
    context = contextvars.copy_context()
    asyncio._set_running_loop(loop)
    try:
        awaited = context.run(coroutine.send, None)
    except StopIteration as done:
        return done.value
    except BaseException:
        coroutine.close()
        raise
    finally:
        asyncio._set_running_loop(None)
    task = loop.create_task(_resume(coroutine, awaited), context=context)
    return loop.run_until_complete(task)


async def _resume(coroutine: Coroutine[Any, Any, object], awaited: Any) -> object:
    """Finish a coroutine that suspended on ``awaited``, as its task would have."""
    while True:
        try:
            await _wait(awaited)
        except BaseException as exc:  # cancelled while waiting: the handler decides
            step = functools.partial(coroutine.throw, exc)
        else:
            step = functools.partial(coroutine.send, None)
        try:
            awaited = step()
        except StopIteration as done:
            return done.value


@types.coroutine
def _wait(awaited: Any) -> Generator[Any, None, None]:
    """Suspend until ``awaited`` (a future, or None for a bare yield) lets us go on.

    The coroutine reads the future's result or error itself when resumed.
    """
    if awaited is None or not awaited.done():
        if awaited is not None:
            awaited._asyncio_future_blocking = True
        yield awaited
