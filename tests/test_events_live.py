"""Live: server-sent events under gunicorn's gthread worker and granian, read as a
client would."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator

import pytest

from .support import SERVERS, live_server
from .test_events import parse_stream


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    with live_server("tests.events_app:app", request.param, threads=4) as (
        address,
        _log,
    ):
        yield address


class Stream:
    """One open event stream: read it event by event, as ``EventSource`` would."""

    def __init__(self, address: str, path: str) -> None:
        self.connection = http.client.HTTPConnection(address, timeout=5)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.connection.getresponse()
        self.buffer = b""

    def next_event(self) -> tuple[str, str, str]:
        """Return the next event dispatched, reading no further than its end."""
        while True:
            end = self.buffer.find(b"\n\n")
            if end >= 0:
                block, self.buffer = self.buffer[: end + 2], self.buffer[end + 2 :]
                events = parse_stream(block)
                if events:  # else a comment: a heartbeat
                    return events[0]
                continue
            chunk = self.response.read1(65536)
            assert chunk, "the stream ended"
            self.buffer += chunk

    def hang_up(self) -> None:
        self.connection.close()


def get_json(address: str, path: str) -> object:
    connection = http.client.HTTPConnection(address, timeout=5)
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def wait_until_closed(address: str, name: str) -> float:
    """Return how long it took until the stream's source ran its ``finally``."""
    began = time.monotonic()
    while time.monotonic() - began < 5:
        closed = get_json(address, "/closed")
        assert isinstance(closed, list)
        if name in closed:
            return time.monotonic() - began
        time.sleep(0.02)
    raise AssertionError(f"the source of {name!r} was never closed")


def test_the_stream_starts_with_its_headers(server: str) -> None:
    stream = Stream(server, "/events?name=headers")
    try:
        r = stream.response
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/event-stream"
        assert r.headers["Cache-Control"] == "no-cache, no-transform"
        assert r.headers["X-Accel-Buffering"] == "no"
        assert r.headers["Transfer-Encoding"] == "chunked"
        assert r.headers["Content-Length"] is None
        assert r.headers["ETag"] is None
        # Read once the source has started: a source the client leaves before that
        # is closed unstarted (granian notices a hang-up at once), and a generator
        # closed unstarted runs no `finally`.
        assert stream.next_event() == ("message", "ready", "1")
    finally:
        stream.hang_up()
        get_json(server, "/go?name=headers")
        wait_until_closed(server, "headers")


def test_events_arrive_one_by_one(server: str) -> None:
    stream = Stream(server, "/events?name=a")
    try:
        # The source now waits for /go: "ready" can only be read if it was sent
        # as it was made, not at the end of the stream.
        assert stream.next_event() == ("message", "ready", "1")
        assert get_json(server, "/go?name=a") == {"go": "a"}
        assert stream.next_event() == ("message", "go", "2")
        assert stream.next_event() == ("tick", '{"n":3}', "3")
    finally:
        stream.hang_up()
    wait_until_closed(server, "a")


def test_two_streams_at_once(server: str) -> None:
    first, second = Stream(server, "/events?name=b"), Stream(server, "/events?name=c")
    try:
        assert first.next_event() == ("message", "ready", "1")
        assert second.next_event() == ("message", "ready", "1")
        get_json(server, "/go?name=c")
        assert second.next_event() == ("message", "go", "2")
        get_json(server, "/go?name=b")
        assert first.next_event() == ("message", "go", "2")
        assert second.next_event()[0] == first.next_event()[0] == "tick"
    finally:
        first.hang_up()
        second.hang_up()
    wait_until_closed(server, "b")
    wait_until_closed(server, "c")


def test_a_client_that_hangs_up_has_its_source_closed(server: str) -> None:
    stream = Stream(server, "/events?name=d")
    assert stream.next_event() == ("message", "ready", "1")
    get_json(server, "/go?name=d")
    assert stream.next_event() == ("message", "go", "2")
    assert stream.next_event()[0] == "tick"
    assert "d" not in get_json(server, "/closed")  # type: ignore[operator]
    stream.hang_up()
    assert wait_until_closed(server, "d") < 2


def test_an_async_source_under_an_async_handler(server: str) -> None:
    stream = Stream(server, "/async-events?name=e")
    assert stream.response.headers["Content-Type"] == "text/event-stream"
    assert stream.next_event() == ("message", "ready", "1")
    assert stream.next_event() == ("tick", '{"n":2}', "2")
    assert stream.next_event() == ("tick", '{"n":3}', "3")
    assert "e" not in get_json(server, "/closed")  # type: ignore[operator]
    stream.hang_up()
    assert wait_until_closed(server, "e") < 2
