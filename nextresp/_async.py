"""Run ``async def`` handlers as tasks on one event loop per thread."""

from __future__ import annotations

import asyncio
import collections
import functools
import threading
from collections.abc import Coroutine
from typing import Any

_local = threading.local()


class _ThreadLoop:
    """An event loop owned by one thread, closed when the thread ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


def run(coroutine: Coroutine[Any, Any, object]) -> object:
    """Run ``coroutine`` as a task on this thread's event loop and return its result.

    The handler is a real ``asyncio.Task`` from its first line, so ``asyncio.timeout``,
    ``TaskGroup`` and the libraries that need ``current_task()`` work in it.

    Strategy: a loop per request costs more than the handler; WSGI servers run one
    request at a time per thread, so each thread keeps one loop for its lifetime.
    """
    if asyncio._get_running_loop() is not None:
        coroutine.close()
        raise RuntimeError(
            "an async api_handler cannot run in a thread whose event loop is already"
            " running (another loop is running here); serve it from a WSGI thread"
        )
    loop = getattr(_local, "loop", None) or thread_loop()
    task = asyncio.Task(coroutine, loop=loop)  # scheduled: its step is in loop._ready
    try:
        if not _ran_without_the_loop(task, loop):
            run_until_done(task, loop)
        return task.result()
    finally:
        # The task holds the handler's exception, whose traceback holds this frame:
        # holding the task too would make a cycle that outlives the request until the
        # garbage collector finds it (some forty objects per failed request).
        del task


def run_until_done(
    task: asyncio.Future[Any],
    loop: asyncio.AbstractEventLoop,
    timeout: float | None = None,
) -> bool:
    """Run ``loop`` until ``task`` is done, or ``timeout`` seconds have passed; tell
    if it is done. Its exception, if any, is left in it, not raised here.

    The loop waits on a plain future, not on a task (as ``asyncio.wait`` would make
    one): code that gathers, or cancels, every task but its own must find none of
    ours, or it would wait on the task that waits for it, or cancel it.
    """
    woken = loop.create_future()
    wake = functools.partial(_wake, woken)
    task.add_done_callback(wake)
    timer = None if timeout is None else loop.call_later(timeout, wake, task)
    try:
        loop.run_until_complete(woken)
    finally:
        task.remove_done_callback(wake)
        if timer is not None:
            timer.cancel()
    return task.done()


def _wake(woken: asyncio.Future[None], task: asyncio.Future[Any]) -> None:
    # The task may end in the same turn of the loop as the timeout.
    if not woken.done():
        woken.set_result(None)


def _ran_without_the_loop(
    task: asyncio.Task[Any], loop: asyncio.AbstractEventLoop
) -> bool:
    """Run ``task`` without starting ``loop``, as far as it goes; tell if it is done.

    PERF: most handlers await nothing that waits (or nothing at all), and starting the
    loop costs more than they do. So the task's first step runs at once, with the
    loop marked as running, as Python 3.12's eager tasks do, and so do the next few
    callbacks ready to run (``await asyncio.sleep(0)`` and tasks it finished), in
    the order the loop would run them; only a task still waiting after them makes
    the loop run, which then also polls for I/O.
    """
    ready = getattr(loop, "_ready", None)
    if type(ready) is not collections.deque or not ready:
        return False
    handle = ready[-1]
    stepped: object = getattr(handle._callback, "__self__", None)
    if stepped is not task:
        return False
    ready.pop()
    asyncio._set_running_loop(loop)
    try:
        # What the loop would do with the handle; the step catches all but
        # SystemExit and KeyboardInterrupt itself.
        handle._context.run(handle._callback)
        if not task.done():
            for _ in range(_EAGER_CALLBACKS):
                if not ready:
                    break
                handle = ready.popleft()
                if not handle._cancelled:
                    _run(handle)
                if task.done():
                    break
    finally:
        asyncio._set_running_loop(None)
    done = task.done()
    # The handler's frame, once finished, refers to the frame that ran its last step
    # (from Python 3.12 on): this one, which must then not hold the task (see run).
    del task, handle, stepped
    return done


def _run(handle: Any) -> None:
    """Run ``handle`` as the loop would.

    A task's step is run directly, not by ``Handle._run``, whose frame would go on
    holding the handle (and so the task) for a finished handler's frame to refer to;
    the step catches all but SystemExit and KeyboardInterrupt itself. Other
    callbacks go through ``Handle._run``, which reports their errors.
    """
    if isinstance(getattr(handle._callback, "__self__", None), asyncio.Task):
        handle._context.run(handle._callback, *handle._args)
    else:
        handle._run()
    del handle  # this frame, too, may be the one a finished handler refers to


#: Callbacks run without the loop before it takes over: enough for a few
#: ``sleep(0)``, few enough that a task waiting for I/O by yielding in a loop soon
#: reaches the loop, which polls for it.
_EAGER_CALLBACKS = 8


def thread_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's event loop, the one ``run`` runs handlers on."""
    owned: _ThreadLoop | None = getattr(_local, "owned", None)
    if owned is None:
        owned = _local.owned = _ThreadLoop()
        _local.loop = owned.loop
    return owned.loop
