"""``nextresp.testing``: reading server-sent events and JSON lines, with timeouts."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import pytest

from nextresp import ApiError, Event, api_handler
from nextresp.testing import Client, ReceivedEvent, StreamTimeout
from nextresp.testing._streams import EventParser

NEVER = threading.Event()  # never set: a source waiting on it waits until it times out


class Ticks:
    """An endless synchronous source that records that it was closed.

    An iterator with ``close()`` rather than a generator: a generator closed before
    it started skips its ``finally``, and an unread stream never starts its source.
    """

    def __init__(self) -> None:
        self.n = 0
        self.closed = False

    def __iter__(self) -> Ticks:
        return self

    def __next__(self) -> Event:
        if self.n:
            time.sleep(0.001)
        self.n += 1
        return Event({"n": self.n - 1}, event="tick", id=self.n - 1)

    def close(self) -> None:
        self.closed = True


def sse_app(source: Any, **options: Any) -> Any:
    @api_handler
    def app(req: Any, res: Any) -> None:
        res.sse(source, **options)

    return app


def ticks(count: int) -> list[ReceivedEvent]:
    return [
        ReceivedEvent(f'{{"n":{n}}}', event="tick", id=str(n)) for n in range(count)
    ]


@pytest.mark.parametrize("heartbeat", [15.0, None], ids=["heartbeat", "no-heartbeat"])
def test_an_endless_stream_is_read_to_the_limit_and_closed(
    heartbeat: float | None,
) -> None:
    source = Ticks()
    r = Client(sse_app(source, heartbeat=heartbeat)).get("/")
    assert r.events(limit=3, timeout=5.0) == ticks(3)
    assert source.closed


def test_an_endless_async_stream_is_read_to_the_limit_and_closed() -> None:
    closed = []

    async def counting() -> AsyncIterator[dict[str, int]]:
        n = 0
        try:
            while True:
                yield {"data": n}
                n += 1
                await asyncio.sleep(0.001)
        finally:
            closed.append(True)

    @api_handler
    async def app(req: Any, res: Any) -> None:
        res.sse(counting())

    assert Client(app).get("/").events(limit=2) == [
        ReceivedEvent("0"),
        ReceivedEvent("1"),
    ]
    assert closed == [True]


def test_a_quiet_stream_times_out_with_what_it_sent() -> None:
    def source() -> Iterator[str]:
        yield "first"
        NEVER.wait(10)
        yield "late"

    r = Client(sse_app(source())).get("/")
    with pytest.raises(StreamTimeout) as info:
        r.events(limit=2, timeout=0.2)
    assert info.value.read == [ReceivedEvent("first")]
    assert str(info.value) == (
        "expected 2 events within 0.2 s, not 1 before the timeout:"
        " [ReceivedEvent(data='first', event='message', id=None, retry=None)]"
    )


def test_a_timeout_shows_the_first_five_events_and_counts_the_rest() -> None:
    def source() -> Iterator[str]:
        yield from "abcdefg"
        NEVER.wait(10)

    r = Client(sse_app(source())).get("/")
    with pytest.raises(StreamTimeout) as info:
        r.events(limit=8, timeout=0.2)
    assert len(info.value.read) == 7
    assert str(info.value).endswith(
        "ReceivedEvent(data='e', event='message', id=None, retry=None), ... (2 more)]"
    )


def test_a_source_that_blocks_without_heartbeats_times_out_too() -> None:
    def source() -> Iterator[str]:
        NEVER.wait(10)
        yield "late"

    r = Client(sse_app(source(), heartbeat=None)).get("/")
    with pytest.raises(StreamTimeout, match=r"expected 1 events within 0.1 s, not 0"):
        r.events(limit=1, timeout=0.1)


def test_the_client_timeout_is_the_default() -> None:
    r = Client(sse_app(Ticks()), timeout=0.1).get("/")
    with pytest.raises(StreamTimeout, match=r"expected the stream to end within 0.1 s"):
        r.events()


def test_the_limit_may_be_given_by_position() -> None:
    assert Client(sse_app(Ticks())).get("/").events(2) == ticks(2)


def test_a_finite_stream_is_read_to_its_end_without_a_limit() -> None:
    r = Client(sse_app(["a", "b"])).get("/")
    assert r.events() == [ReceivedEvent("a"), ReceivedEvent("b")]


def test_a_stream_that_ends_before_the_limit_gives_what_it_sent() -> None:
    r = Client(sse_app(["a"])).get("/")
    assert r.events(limit=5) == [ReceivedEvent("a")]


def test_a_second_read_gives_what_was_read_again() -> None:
    r = Client(sse_app(Ticks())).get("/")
    assert r.events(limit=2) == ticks(2)
    # Events pulled ahead arrive in one chunk with the second: on a busy machine
    # what was read may hold a third, which a second read parses too.
    again = r.events()
    assert again == ticks(len(again))
    assert len(again) >= 2
    assert r.data.startswith(b':\n\nevent: tick\ndata: {"n":0}\nid: 0\n\n')


def test_data_of_a_finite_stream_is_all_of_it() -> None:
    r = Client(sse_app(["a"], heartbeat=None)).get("/")
    assert r.data == b"data: a\n\n"


def test_data_of_an_endless_stream_times_out() -> None:
    r = Client(sse_app(Ticks()), timeout=0.1).get("/")
    with pytest.raises(StreamTimeout, match=r"expected the body to end within 0.1 s"):
        _ = r.data


def test_a_source_that_fails_fails_the_read() -> None:
    def source() -> Iterator[str]:
        yield "a"
        raise RuntimeError("the feed broke")

    r = Client(sse_app(source())).get("/")
    with pytest.raises(RuntimeError, match="the feed broke"):
        r.events(limit=3)


@pytest.mark.parametrize(
    "close", ["result", "context", "client"], ids=["close", "with", "client-close"]
)
def test_an_unread_stream_is_closed_with_its_result_or_client(close: str) -> None:
    source = Ticks()
    client = Client(sse_app(source))
    if close == "context":
        with client.get("/"):
            pass
    elif close == "result":
        client.get("/").close()
    else:
        client.get("/")
        client.close()
    assert source.closed


def test_events_of_an_answer_that_is_not_a_stream_fail_saying_what_came() -> None:
    @api_handler
    def app(req: Any, res: Any) -> None:
        raise ApiError(404)

    with pytest.raises(AssertionError) as info:
        Client(app).get("/").events(limit=1)
    assert str(info.value) == (
        "expected text/event-stream to read with .events(), not a 404 answer of"
        " type 'application/problem+json' with the body"
        ' b\'{"type":"about:blank","title":"Not Found","status":404}\''
    )


@pytest.mark.parametrize(
    ("limit", "error", "message"),
    [
        (0, ValueError, "limit must be 1 or more"),
        (True, TypeError, "limit must be an int"),
        (2.0, TypeError, "limit must be an int"),
    ],
    ids=["zero", "bool", "float"],
)
def test_a_bad_limit_is_refused(
    limit: Any, error: type[Exception], message: str
) -> None:
    r = Client(sse_app(["a"])).get("/")
    with pytest.raises(error, match=message):
        r.events(limit=limit)


def test_a_bad_timeout_of_a_read_is_refused() -> None:
    r = Client(sse_app(["a"])).get("/")
    with pytest.raises(ValueError, match="timeout must be a number of seconds above 0"):
        r.events(timeout=0)


def test_a_received_event_reads_its_data_as_json() -> None:
    assert ReceivedEvent('{"a":[1]}').json == {"a": [1]}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (ReceivedEvent("NaN"), "expected the event's data to be strict JSON"),
        (ReceivedEvent(None, retry=5), "expected an event with data, not"),
    ],
    ids=["nan", "no-data"],
)
def test_event_json_is_strict(event: ReceivedEvent, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        _ = event.json


# -- the event stream format, as EventSource reads it --------------------------


def parse(chunks: Iterable[bytes]) -> list[ReceivedEvent]:
    parser = EventParser()
    return [event for chunk in chunks for event in parser.feed(chunk)]


@pytest.mark.parametrize(
    ("chunks", "events"),
    [
        ([b"data: a\n\n"], [ReceivedEvent("a")]),
        ([b"data: a\ndata: b\n\n"], [ReceivedEvent("a\nb")]),
        ([b"data:a\r\n\r\n"], [ReceivedEvent("a")]),
        ([b"data:  two spaces\n\n"], [ReceivedEvent(" two spaces")]),
        ([b"data\n\n"], [ReceivedEvent("")]),
        ([b"data: a\r", b"\n\r\n"], [ReceivedEvent("a")]),
        ([b"data: a\r\rdata: b\n\n"], [ReceivedEvent("a"), ReceivedEvent("b")]),
        ([b"da", b"ta: ", b"a\n", b"\n"], [ReceivedEvent("a")]),
        ([b"\xef\xbb\xbfdata: a\n\n"], [ReceivedEvent("a")]),
        ([b"data: \xc3", b"\xa9\n\n"], [ReceivedEvent("é")]),
        ([b":\n\n:hi\n\n"], []),
        ([b"event: x\nid: 7\nretry: 100\ndata: a\n\n"],
         [ReceivedEvent("a", event="x", id="7", retry=100)]),
        ([b"id: 1\n\n"], [ReceivedEvent(None, id="1")]),
        ([b"retry: 1s\nid: a\x00b\ndata: a\n\n"], [ReceivedEvent("a")]),
        ([b"foo: bar\n\n"], []),
        ([b"data: unfinished"], []),
    ],
    ids=[
        "one", "two-lines", "crlf", "one-space-only", "no-colon", "crlf-split",
        "cr-cr", "split-anywhere", "bom", "utf8-split", "comments", "all-fields",
        "id-only", "bad-retry-and-id", "unknown-field", "unfinished",
    ],
)  # fmt: skip
def test_the_parser_reads_as_event_source_does(
    chunks: list[bytes], events: list[ReceivedEvent]
) -> None:
    assert parse(chunks) == events


def test_an_event_stream_that_is_not_utf8_fails() -> None:
    with pytest.raises(AssertionError, match="expected the event stream to be UTF-8"):
        parse([b"data: \xff\n\n"])


# -- JSON lines ---------------------------------------------------------------


def ndjson_app(chunks: Iterable[bytes]) -> Any:
    @api_handler
    def app(req: Any, res: Any) -> None:
        res.set_header("Content-Type", "application/x-ndjson").send(iter(chunks))

    return app


def test_json_lines_are_parsed_one_by_one() -> None:
    r = Client(ndjson_app([b'{"a":1}\n', b"\n[2", b"]\r\n", b"3\n"])).get("/")
    assert r.lines() == [{"a": 1}, [2], 3]


def test_an_endless_json_lines_stream_is_read_to_the_limit_and_closed() -> None:
    closed = []

    def numbers() -> Iterator[bytes]:
        n = 0
        try:
            while True:
                yield b"%d\n" % n
                n += 1
        finally:
            closed.append(True)

    assert Client(ndjson_app(numbers())).get("/").lines(limit=3) == [0, 1, 2]
    assert closed == [True]


def test_a_quiet_json_lines_stream_times_out() -> None:
    def slow() -> Iterator[bytes]:
        yield b"1\n"
        NEVER.wait(10)

    r = Client(ndjson_app(slow())).get("/")
    with pytest.raises(
        StreamTimeout, match=r"expected 2 JSON lines within 0.1 s"
    ) as info:
        r.lines(limit=2, timeout=0.1)
    assert info.value.read == [1]


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        ([b"1\n", b"{\n"], "expected line 2 to be strict JSON, not the body b'{'"),
        ([b"1\n2"], "expected the JSON lines to end with a line break, not with b'2'"),
    ],
    ids=["bad-line", "unfinished"],
)
def test_bad_json_lines_fail(chunks: list[bytes], message: str) -> None:
    r = Client(ndjson_app(chunks)).get("/")
    with pytest.raises(AssertionError) as info:
        r.lines()
    assert str(info.value).startswith(message)


def test_lines_of_another_type_fail() -> None:
    r = Client(sse_app(["a"])).get("/")
    with pytest.raises(AssertionError, match="expected application/x-ndjson to read"):
        r.lines()


# -- other bodies of unknown length -------------------------------------------


def test_another_streamed_body_is_read_and_closed_by_the_request() -> None:
    closed = []

    def chunks() -> Iterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            closed.append(True)

    r = Client(api_handler(lambda req, res: res.send(chunks()))).get("/")
    assert closed == [True]
    assert r.data == b"ab"


def test_another_endless_body_fails_the_request_at_the_timeout() -> None:
    def endless() -> Iterator[bytes]:
        while True:
            yield b"x"
            time.sleep(0.001)

    client = Client(api_handler(lambda req, res: res.send(endless())), timeout=0.1)
    with pytest.raises(StreamTimeout, match=r"expected the body to end within 0.1 s"):
        client.get("/")


# -- the WSGI call, as a server makes it ---------------------------------------


class Body:
    """A WSGI body from chunks, whose ``close()`` may fail."""

    def __init__(self, chunks: list[Any], fail_on_close: bool = False) -> None:
        self.chunks = iter(chunks)
        self.fail_on_close = fail_on_close
        self.closed = False

    def __iter__(self) -> Body:
        return self

    def __next__(self) -> Any:
        return next(self.chunks)

    def close(self) -> None:
        self.closed = True
        if self.fail_on_close:
            raise RuntimeError("close failed")


def events_app(body: Body) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", [("Content-Type", "text/event-stream")])
        return body

    return app


def test_an_app_may_start_the_response_in_its_body() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"late "
        yield b"start"

    assert Client(app).get("/").text == "late start"


def test_what_an_app_writes_comes_first() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])(b"written, ")
        return [b"returned"]

    assert Client(app).get("/").text == "written, returned"


def test_an_app_that_never_starts_the_response_fails() -> None:
    body = Body([b"x"])
    with pytest.raises(AssertionError, match="returned without calling start_response"):
        Client(lambda environ, start_response: body).get("/")
    assert body.closed


def test_an_app_that_returns_a_list_without_starting_fails() -> None:
    with pytest.raises(AssertionError, match="returned without calling start_response"):
        Client(lambda environ, start_response: [b"x"]).get("/")


def test_a_body_without_close_that_fails_before_starting_is_re_raised() -> None:
    class Failing:
        def __iter__(self) -> Failing:
            return self

        def __next__(self) -> bytes:
            raise RuntimeError("no start, no close")

    with pytest.raises(RuntimeError, match="no start, no close"):
        Client(lambda environ, start_response: Failing()).get("/")


def test_an_app_that_starts_twice_without_exc_info_fails() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b""
        start_response("500 Oops", [])
        yield b""

    with pytest.raises(AssertionError, match="called start_response twice"):
        Client(app).get("/")


def test_an_app_may_replace_its_status_with_exc_info() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        start_response("500 Internal Server Error", [], (None, None, None))
        return [b"failed"]

    r = Client(app).get("/")
    assert (r.status, r.text) == (500, "failed")


def test_a_body_that_fails_before_starting_is_closed_and_re_raised() -> None:
    def failing() -> Iterator[bytes]:
        raise RuntimeError("no start")
        yield b""

    closed = Body([])

    class App:
        def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
            return self

        def __iter__(self) -> Iterator[bytes]:
            return failing()

        def close(self) -> None:
            closed.close()

    with pytest.raises(RuntimeError, match="no start"):
        Client(App()).get("/")
    assert closed.closed


def test_a_stream_whose_close_fails_fails_the_read() -> None:
    body = Body([b"data: a\n\n"], fail_on_close=True)
    r = Client(events_app(body)).get("/")
    with pytest.raises(RuntimeError, match="close failed"):
        r.events(limit=1)
    assert body.closed


def test_an_unread_stream_whose_close_fails_fails_the_close() -> None:
    r = Client(events_app(Body([], fail_on_close=True))).get("/")
    with pytest.raises(RuntimeError, match="close failed"):
        r.close()


def test_client_close_closes_every_stream_then_re_raises() -> None:
    first, second = Body([], fail_on_close=True), Body([])
    bodies = iter([first, second])
    client = Client(events_app_of(bodies))
    client.get("/")
    client.get("/")
    with pytest.raises(RuntimeError, match="close failed"):
        client.close()
    assert (first.closed, second.closed) == (True, True)


def events_app_of(bodies: Iterator[Body]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Body:
        return events_app(next(bodies))(environ, start_response)

    return app


def test_a_stream_of_str_chunks_fails_the_read() -> None:
    r = Client(events_app(Body(["data: a\n\n"]))).get("/")
    with pytest.raises(TypeError, match="expected the WSGI body to yield bytes"):
        r.events()


def test_json_lines_read_again_give_what_was_read() -> None:
    r = Client(ndjson_app([b"1\n", b"2\n"])).get("/")
    assert r.lines(limit=1) == [1]
    assert r.lines() == [1]  # the stream was closed after the first line


def test_json_lines_of_known_length_are_read_by_the_request() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(
            "200 OK", [("Content-Type", "application/jsonl"), ("Content-Length", "4")]
        )
        return [b"1\n2\n"]

    assert Client(app).get("/").lines() == [1, 2]
