"""The ``# PERF:`` paths of ``res.sse`` send what the general ones send.

With ``heartbeat=None`` the server iterates a generator that pulls and encodes in one
frame; calling ``__next__`` on the body takes the general path, and both must give the
same bytes and fail alike. With a heartbeat, the helper thread hands items over
through a queue and waits for room when ``READ_AHEAD`` of them are waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from nextresp import ApiResponse, Event
from nextresp._event_stream import HEARTBEAT
from nextresp._pulls import READ_AHEAD
from tests.test_events import Source

EVENTS: list[Any] = [
    "one",
    "two lines\nhere",
    "carriage\rreturn",
    "",
    " leading space",
    "é ü 😀",
    Event({"n": 1}, event="tick", id=3),
    {"data": [1, 2], "retry": 10},
    Event(None, id="x"),
]


def general(res: ApiResponse) -> list[bytes]:
    """Read the body through ``__next__``, never ``__iter__``."""
    body: Any = res.response
    chunks = []
    while True:
        try:
            chunks.append(body.__next__())
        except StopIteration:
            return chunks


def test_the_direct_path_sends_the_general_paths_bytes() -> None:
    direct = list(ApiResponse.blank().sse(list(EVENTS), heartbeat=None).response)
    assert direct == general(ApiResponse.blank().sse(list(EVENTS), heartbeat=None))
    assert b"".join(direct) == b"".join(
        ApiResponse.blank().sse(list(EVENTS), heartbeat=60.0).response
    ).removeprefix(HEARTBEAT)


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_a_lone_surrogate_cuts_the_stream_after_the_events_before_it(
    heartbeat: Any, caplog: pytest.LogCaptureFixture
) -> None:
    source = Source(["a", "b", "\ud800", "never"])
    res = ApiResponse.blank().sse(source, heartbeat=heartbeat)
    chunks = iter(res.response)
    sent: list[bytes] = []

    def read_until_it_fails() -> None:
        while True:  # the helper thread may hand over both good events at once
            sent.append(next(chunks))

    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(ValueError, match="surrogates not allowed"),
    ):
        read_until_it_fails()
    opening = HEARTBEAT if heartbeat else b""
    assert b"".join(sent) == opening + b"data: a\n\ndata: b\n\n"
    assert len(caplog.records) == 1
    assert list(chunks) == []
    res.close()
    assert source.closed == 1


def test_the_direct_path_stops_once_closed() -> None:
    source = Source(["a", "b", "c"])
    res = ApiResponse.blank().sse(source, heartbeat=None)
    chunks = iter(res.response)
    assert next(chunks) == b"data: a\n\n"
    res.close()
    assert (list(chunks), source.pulled, source.closed) == ([], 1, 1)


def test_a_helper_waiting_for_room_lets_the_server_close_the_source() -> None:
    ran: list[str] = []
    main = threading.get_ident()

    def events() -> Iterator[str]:
        try:
            for n in range(READ_AHEAD * 2):
                yield str(n)
        finally:
            ran.append("server" if threading.get_ident() == main else "helper")

    res = ApiResponse.blank().sse(events(), heartbeat=5.0)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    first = next(chunks)
    assert first.startswith(b"data: 0\n\n")
    deadline = time.monotonic() + 5  # the helper fills the queue, then waits for room
    body: Any = res.response
    while body._pull._queue.qsize() < READ_AHEAD and time.monotonic() < deadline:
        time.sleep(0.005)
    assert body._pull._queue.qsize() == READ_AHEAD
    res.close()
    assert ran == ["server"]
    assert next(chunks, None) is None


def test_every_event_of_a_long_stream_arrives_in_order() -> None:
    count = READ_AHEAD * 5 + 3
    res = ApiResponse.blank().sse((str(n) for n in range(count)), heartbeat=5.0)
    assert b"".join(res.response) == HEARTBEAT + b"".join(
        f"data: {n}\n\n".encode() for n in range(count)
    )
    res.close()


class CountingSource:
    """An iterator that counts every pull, those after its end too."""

    def __init__(self, events: list[Any]) -> None:
        self.events = list(events)
        self.pulls = 0

    def __iter__(self) -> CountingSource:
        return self

    def __next__(self) -> Any:
        self.pulls += 1
        if not self.events:
            raise StopIteration
        return self.events.pop(0)


def test_the_direct_path_never_pulls_an_ended_source_again() -> None:
    source = CountingSource(["a", "b"])
    res = ApiResponse.blank().sse(source, heartbeat=None)
    assert list(res.response) == [b"data: a\n\n", b"data: b\n\n"]
    assert source.pulls == 3
    assert list(res.response) == []
    assert general(res) == []
    assert source.pulls == 3


def test_a_stream_cut_short_on_the_direct_path_stays_cut_short(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = Source(["a", "\ud800", "never"])
    res = ApiResponse.blank().sse(source, heartbeat=None)
    chunks = iter(res.response)
    assert next(chunks) == b"data: a\n\n"
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(ValueError, match="surrogates not allowed"),
    ):
        next(chunks)
    assert list(res.response) == []
    assert general(res) == []
    assert source.pulled == 2
