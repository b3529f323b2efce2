"""A streamed body's source is closed once the client leaves, whatever the helper
thread was doing, in the request's context, and an asynchronous source is closed
itself, not only the iterator made from it."""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from nextresp import ApiResponse
from nextresp._event_stream import HEARTBEAT
from nextresp._pulls import READ_AHEAD, ThreadPull

request_id = contextvars.ContextVar("request_id", default="unset")


TICK = b"data: tick\n\n"


def assert_ticks(chunk: object) -> None:
    """The events pulled so far leave together: one tick, or several in one chunk."""
    assert isinstance(chunk, bytes)
    assert chunk == TICK * (len(chunk) // len(TICK))
    assert chunk


class SlowClear(threading.Event):
    """An event whose clear() is slow: the helper thread preempted as it clears."""

    def __init__(self) -> None:
        super().__init__()
        self.clearing = threading.Event()

    def clear(self) -> None:
        self.clearing.set()
        time.sleep(0.2)
        super().clear()


def test_a_close_while_the_helper_marks_the_read_ahead_full_ends_the_helper() -> None:
    go = threading.Event()

    def numbers() -> Iterator[str]:
        go.wait(10)
        yield from map(str, itertools.count())

    pull = ThreadPull(numbers(), heartbeat=0.001)
    room = pull._room = SlowClear()
    room.set()
    assert pull.next() == (False, None)  # the helper starts, the source waits
    go.set()
    assert room.clearing.wait(10)  # READ_AHEAD items are waiting: the helper clears
    pull.close()
    helper = pull._thread
    assert helper is not None
    helper.join(5)
    assert not helper.is_alive()
    assert pull._queue.qsize() == READ_AHEAD


def test_a_source_closed_between_two_items_cleans_up_in_its_context() -> None:
    seen: list[str] = []

    def events() -> Iterator[str]:
        token = request_id.set("r1")
        try:
            while True:
                yield "tick"
                time.sleep(0.001)
        finally:
            seen.append(request_id.get())
            request_id.reset(token)  # fails outside the context that set it
            seen.append("reset")

    res = ApiResponse.blank().sse(events(), heartbeat=1.0)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    assert_ticks(next(chunks))
    res.close()
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert seen == ["r1", "reset"]
    assert request_id.get() == "unset"


class SelfClosingFeed:
    """A source whose close() ends the response it feeds, as a hub may."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.closed = 0
        self.res: ApiResponse | None = None

    def __iter__(self) -> SelfClosingFeed:
        return self

    def __next__(self) -> str:
        time.sleep(self.pause)
        return "tick"

    def close(self) -> None:
        self.closed += 1
        if self.closed == 1 and self.res is not None:
            self.res.close()


@pytest.mark.parametrize(
    ("pause", "closed_on"),
    [(0.001, "the server's thread"), (0.3, "the helper thread")],
    ids=["between-items", "inside-next"],
)
def test_a_source_that_closes_its_own_response_is_closed_once(
    pause: float, closed_on: str, caplog: pytest.LogCaptureFixture
) -> None:
    feed = SelfClosingFeed(0.001)
    res = feed.res = ApiResponse.blank().sse(feed, heartbeat=1.0)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    assert_ticks(next(chunks))
    feed.pause = pause
    time.sleep(0.05)  # inside-next: the helper is now in a 0.3 s next()
    with caplog.at_level(logging.ERROR, logger="nextresp"):
        res.close()
        deadline = time.monotonic() + 5
        while not feed.closed and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)
    assert (feed.closed, caplog.records) == (1, []), closed_on


def test_a_helper_that_never_started_leaves_the_source_to_close() -> None:
    feed = SelfClosingFeed(0)
    pull = ThreadPull(feed, heartbeat=1.0)
    pull._context = contextvars.copy_context()  # as next() sets them, before start()
    pull._thread = threading.Thread(target=lambda: None)
    pull.close()
    assert feed.closed == 1


class TwoPartSource:
    """A synchronous source that is not its own iterator: both must be closed."""

    def __init__(self) -> None:
        self.closed: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self._ticks()

    def _ticks(self) -> Iterator[str]:
        try:
            while True:
                yield "tick"
                time.sleep(0.001)
        finally:
            self.closed.append("iterator")

    def close(self) -> None:
        self.closed.append("source")


def test_a_source_and_its_iterator_are_both_closed_between_items() -> None:
    source = TwoPartSource()
    res = ApiResponse.blank().sse(source, heartbeat=1.0)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    assert_ticks(next(chunks))
    res.close()
    assert source.closed == ["iterator", "source"]


class Cursor:
    """An iterator that holds a resource from the moment it is made."""

    def __init__(self, closed: list[str]) -> None:
        self.closed = closed

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> str:
        return "row"

    def close(self) -> None:
        self.closed.append("iterator")


class Table(TwoPartSource):
    def __iter__(self) -> Iterator[str]:
        return Cursor(self.closed)


def test_a_source_never_read_is_closed_with_its_iterator() -> None:
    source = Table()
    ApiResponse.blank().sse(source, heartbeat=1.0).close()
    assert source.closed == ["iterator", "source"]


class Messages:
    """An asynchronous source with nothing of its own to release."""

    def __init__(self) -> None:
        self.released: list[str] = []

    def __aiter__(self) -> AsyncIterator[str]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[str]:
        try:
            yield "first-item"
            yield "never read"
        finally:
            self.released.append("iterator")


class Subscription(Messages):
    """An asynchronous subscription, released by its own ``aclose()``."""

    async def aclose(self) -> None:
        self.released.append("subscription")


class SyncReleased(Messages):
    """The same, released by a plain ``close()``."""

    def close(self) -> None:
        self.released.append("subscription")


class AwaitedRelease(Messages):
    """The same, whose ``close()`` returns what must be awaited."""

    def close(self) -> object:
        async def release() -> None:
            self.released.append("subscription")

        return release()


def _read_to_first_item(res: ApiResponse) -> None:
    """Read ``res`` until the source's first item is out (an AI stream opens with a
    start event), as a client does before it leaves."""
    chunks = iter(res.response)
    while b"first-item" not in next(chunks):
        pass


def _stream(helper: str, source: object) -> ApiResponse:
    res = ApiResponse.blank()
    if helper == "sse":
        return res.sse(source, heartbeat=None)  # type: ignore[arg-type]
    return getattr(res, helper)(source)  # type: ignore[no-any-return]


@pytest.mark.parametrize("helper", ["sse", "ndjson", "ai_stream"])
@pytest.mark.parametrize("kind", [Subscription, SyncReleased, AwaitedRelease])
def test_an_async_source_is_released_when_the_client_leaves(
    helper: str, kind: type[Messages]
) -> None:
    source = kind()
    res = _stream(helper, source)
    _read_to_first_item(res)
    res.close()
    assert source.released == ["iterator", "subscription"]


@pytest.mark.parametrize("helper", ["sse", "ndjson"])
def test_an_async_source_never_read_is_released(helper: str) -> None:
    source = Subscription()
    _stream(helper, source).close()
    assert source.released == ["subscription"]


@pytest.mark.parametrize("helper", ["sse", "ndjson", "ai_stream"])
def test_an_async_source_with_nothing_to_release_has_its_iterator_closed(
    helper: str,
) -> None:
    source = Messages()
    res = _stream(helper, source)
    _read_to_first_item(res)
    res.close()
    assert source.released == ["iterator"]


class Hub(Messages):
    """A subscription whose aclose() ends the response it feeds."""

    res: ApiResponse | None = None

    async def aclose(self) -> None:
        self.released.append("subscription")
        if self.res is not None:
            self.res.close()


@pytest.mark.parametrize("helper", ["sse", "ndjson"])
def test_an_async_source_that_closes_its_own_response_is_closed_once(
    helper: str,
) -> None:
    source = Hub()
    res = source.res = _stream(helper, source)
    _read_to_first_item(res)
    res.close()
    assert source.released == ["iterator", "subscription"]


class Farewell:
    """A subscription that ends its own response from inside ``__anext__``."""

    def __init__(self) -> None:
        self.sent = 0
        self.released: list[str] = []
        self.res: ApiResponse | None = None

    def __aiter__(self) -> Farewell:
        return self

    async def __anext__(self) -> str:
        self.sent += 1
        if self.sent == 2 and self.res is not None:
            self.res.close()  # cannot run the loop it runs on: it raises
        return "item"

    async def aclose(self) -> None:
        self.released.append("subscription")


def test_a_close_that_failed_is_tried_again_by_the_servers_close() -> None:
    source = Farewell()
    res = source.res = ApiResponse.blank().ndjson(source)
    with pytest.raises(RuntimeError, match="already running"):
        list(res.response)
    res.close()
    assert source.released == ["subscription"]


class Counter:
    """An async iterator with nothing to release."""

    def __aiter__(self) -> Counter:
        return self

    async def __anext__(self) -> int:
        raise StopAsyncIteration


class Ticker(Counter):
    """The same, released by a plain ``close()``."""

    def __init__(self) -> None:
        self.released: list[str] = []

    def close(self) -> None:
        self.released.append("ticker")


def test_a_stream_never_read_with_nothing_to_release_needs_no_loop() -> None:
    async def inside_a_running_loop() -> None:
        ApiResponse.blank().ndjson(Counter()).close()

    asyncio.run(inside_a_running_loop())


def test_a_stream_never_read_releases_a_source_closed_by_close() -> None:
    source = Ticker()
    ApiResponse.blank().ndjson(source).close()
    assert source.released == ["ticker"]


def test_a_source_whose_cleanup_fails_when_cancelled_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(3600)
        finally:
            raise ValueError("cleanup failed")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    with caplog.at_level(logging.ERROR, logger="nextresp"):
        res.close()
    logged = [
        (r.getMessage(), repr(r.exc_info and r.exc_info[1])) for r in caplog.records
    ]
    assert logged == [
        ("closing an event source failed", "ValueError('cleanup failed')")
    ]
