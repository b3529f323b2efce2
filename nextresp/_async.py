"""Run ``async def`` handlers on one event loop per thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

_local = threading.local()


def run(coroutine: Coroutine[Any, Any, object]) -> object:
    """Run ``coroutine`` to completion on this thread's event loop.

    Strategy: a loop per request costs more than the handler; WSGI servers run one
    request at a time per thread, so each thread keeps one loop for its lifetime.
    """
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None:
        loop = _local.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)
