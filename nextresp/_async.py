"""Run ``async def`` handlers on one event loop per thread."""

from __future__ import annotations

import asyncio
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
    """Run ``coroutine`` to completion on this thread's event loop.

    Strategy: a loop per request costs more than the handler; WSGI servers run one
    request at a time per thread, so each thread keeps one loop for its lifetime.
    """
    owned: _ThreadLoop | None = getattr(_local, "owned", None)
    if owned is None:
        owned = _local.owned = _ThreadLoop()
    try:
        return owned.loop.run_until_complete(coroutine)
    except RuntimeError:
        coroutine.close()  # not started when another loop runs here; say nothing more
        raise
