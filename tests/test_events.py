"""Server-sent events: the encoding on its own, then ``res.sse`` streams in process."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from wsgiref.validate import validator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from nextresp import ApiResponse, Event, api_handler, encode_event
from nextresp._event_stream import HEARTBEAT
from nextresp._pulls import READ_AHEAD
from nextresp._response import ResponseAlreadySent

from .support import Call, plain_id

# -- A client's parser: the WHATWG HTML standard's "event stream" interpretation ------


def parse_stream(stream: bytes) -> list[tuple[str, str, str]]:
    """Return the ``(type, data, last event id)`` of each event a client dispatches."""
    text = stream.decode()
    text = text.removeprefix("\ufeff")
    events: list[tuple[str, str, str]] = []
    data, kind, last_id = "", "", ""
    for line in re.split(r"\r\n|\r|\n", text)[:-1]:
        if line == "":
            if data:
                events.append((kind or "message", data.removesuffix("\n"), last_id))
            data, kind = "", ""
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon:
            value = value.removeprefix(" ")
        if field == "data":
            data += value + "\n"
        elif field == "event":
            kind = value
        elif field == "id" and "\x00" not in value:
            last_id = value
    return events


# -- encode_event -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "wire"),
    [
        ("hi", b"data: hi\n\n"),
        ("", b"data: \n\n"),
        ("a\nb", b"data: a\ndata: b\n\n"),
        ("a\r\nb\rc", b"data: a\ndata: b\ndata: c\n\n"),
        ("a\n", b"data: a\ndata: \n\n"),
        ("\n", b"data: \ndata: \n\n"),
        (" x", b"data:  x\n\n"),
        ("é€𝄞", "data: é€𝄞\n\n".encode()),
        ("a\u2028b\x0cc\x85d", "data: a\u2028b\x0cc\x85d\n\n".encode()),
        (Event("hi"), b"data: hi\n\n"),
        (Event({"a": [1, None]}), b'data: {"a":[1,null]}\n\n'),
        (Event([1, "x"]), b'data: [1,"x"]\n\n'),
        (Event(0), b"data: 0\n\n"),
        (Event(False), b"data: false\n\n"),
        (Event(1.5), b"data: 1.5\n\n"),
        (Event({"t": "a\nb"}), b'data: {"t":"a\\nb"}\n\n'),
        (Event("x", event="tick"), b"event: tick\ndata: x\n\n"),
        (Event("x", id="7"), b"data: x\nid: 7\n\n"),
        (Event("x", id=0), b"data: x\nid: 0\n\n"),
        (Event("x", id=""), b"data: x\nid: \n\n"),
        (Event("x", retry=0), b"data: x\nretry: 0\n\n"),
        (Event("x", retry=3000), b"data: x\nretry: 3000\n\n"),
        (Event(None, id=7), b"id: 7\n\n"),
        (Event(None, retry=10), b"retry: 10\n\n"),
        (Event(None), b"\n"),
        (
            Event({"n": 1}, event="up", id="a1", retry=5),
            b'event: up\ndata: {"n":1}\nid: a1\nretry: 5\n\n',
        ),
        ({"data": "x"}, b"data: x\n\n"),
        ({"data": {"k": "v"}, "event": "e"}, b'event: e\ndata: {"k":"v"}\n\n'),
        ({"id": 3}, b"id: 3\n\n"),
        (
            {"event": "e", "data": "d", "id": "i", "retry": 1},
            b"event: e\ndata: d\nid: i\nretry: 1\n\n",
        ),
        ({}, b"\n"),
    ],
    ids=lambda value: plain_id(value)[:40],
)
def test_encode_event_writes_the_standard_format(event: Any, wire: bytes) -> None:
    assert encode_event(event) == wire


def test_encode_event_uses_the_json_encoder_given() -> None:
    def indented(obj: object) -> str:
        return json.dumps(obj, indent=1)

    wire = encode_event(Event({"a": 1}), json_dumps=indented)
    assert wire == b'data: {\ndata:  "a": 1\ndata: }\n\n'
    assert parse_stream(wire) == [("message", '{\n "a": 1\n}', "")]
    assert encode_event("text", json_dumps=indented) == b"data: text\n\n"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: Event("x", event="a\nb"),
            ValueError,
            "event event 'a\\nb' holds '\\n' at index 1, which would end the event"
            " field early; remove it",
        ),
        (
            lambda: Event("x", event="ab\r"),
            ValueError,
            "event event 'ab\\r' holds '\\r' at index 2, which would end the event"
            " field early; remove it",
        ),
        (
            lambda: Event("x", id="1\n"),
            ValueError,
            "event id '1\\n' holds '\\n' at index 1, which would end the id field"
            " early; remove it",
        ),
        (
            lambda: Event("x", id="\r1"),
            ValueError,
            "event id '\\r1' holds '\\r' at index 0, which would end the id field"
            " early; remove it",
        ),
        (
            lambda: Event("x", id="a\x00"),
            ValueError,
            "event id 'a\\x00' holds '\\x00' at index 1, which would end the id field"
            " early; remove it",
        ),
        (
            lambda: Event("x", event=3),
            TypeError,
            "event event must be a str, not 3 (int)",
        ),
        (
            lambda: Event("x", id=1.5),
            TypeError,
            "event id must be a str or an int, not 1.5 (float)",
        ),
        (
            lambda: Event("x", id=True),
            TypeError,
            "event id must be a str or an int, not True (bool)",
        ),
        (
            lambda: Event("x", retry=-1),
            ValueError,
            "event retry must be 0 or more milliseconds, not -1",
        ),
        (
            lambda: Event("x", retry=True),
            TypeError,
            "event retry must be an int of milliseconds, not True (bool)",
        ),
        (
            lambda: Event("x", retry=1.0),
            TypeError,
            "event retry must be an int of milliseconds, not 1.0 (float)",
        ),
        (
            lambda: encode_event({"data": "x", "name": "n", "extra": 1}),
            ValueError,
            "an event mapping has the keys data, event, id and retry, not 'name',"
            " 'extra'; to send a dict as JSON data, yield {'data': the_dict} or"
            " Event(the_dict)",
        ),
        (
            lambda: encode_event({"event": "a\nb"}),
            ValueError,
            "event event 'a\\nb' holds '\\n' at index 1, which would end the event"
            " field early; remove it",
        ),
        (
            lambda: encode_event(b"x"),
            TypeError,
            "an event is a str (its data), a mapping of its fields or a"
            " nextresp.Event, not b'x' (bytes)",
        ),
        (
            lambda: encode_event(7),
            TypeError,
            "an event is a str (its data), a mapping of its fields or a"
            " nextresp.Event, not 7 (int)",
        ),
        (
            lambda: encode_event("\ud800"),
            ValueError,
            "an event holds text that UTF-8 cannot encode (surrogates not allowed);"
            " remove lone surrogates",
        ),
    ],
    ids=[
        "event-lf",
        "event-cr",
        "id-lf",
        "id-cr",
        "id-nul",
        "event-int",
        "id-float",
        "id-bool",
        "retry-negative",
        "retry-bool",
        "retry-float",
        "mapping-unknown-keys",
        "mapping-bad-event",
        "bytes",
        "int",
        "surrogate",
    ],
)
def test_bad_values_are_refused_at_the_event(
    make: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        make()
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("data", "error", "pattern"),
    [
        (
            math.nan,
            ValueError,
            r"Event\(\) cannot encode the value as valid JSON: Out of range float"
            r" values are not JSON compliant(: nan)?; replace NaN and infinities"
            r" \(for example with None\) and break circular references",
        ),
        (
            object(),
            TypeError,
            r"Event\(\) cannot encode the value as JSON: Object of type object is not"
            r" JSON serializable; convert it to dict, list, str, int, float, bool or"
            r" None first",
        ),
    ],
    ids=["nan", "object"],
)
def test_data_that_is_not_json_is_refused_where_the_event_is_made(
    data: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error) as caught:
        Event(data)
    assert re.fullmatch(pattern, str(caught.value))


@pytest.mark.parametrize(
    "data",
    [float("inf"), -float("inf"), {1, 2}, {"a": [float("nan")]}, b"bytes"],
    ids=plain_id,
)
def test_every_value_json_cannot_carry_is_refused_at_the_event(data: object) -> None:
    with pytest.raises((TypeError, ValueError), match=r"^Event\(\) cannot encode"):
        Event(data)
    with pytest.raises((TypeError, ValueError), match=r"^Event\(\) cannot encode"):
        encode_event({"data": data})


def test_an_event_is_encoded_once_with_the_default_encoder() -> None:
    event = Event({"n": 1})
    assert event._encoded == b'{"n":1}'
    assert encode_event(event) == b'data: {"n":1}\n\n'
    # Another encoder encodes the data itself, not the default encoder's bytes.
    spaced = encode_event(event, json_dumps=lambda obj: '{"n": 1}')
    assert spaced == b'data: {"n": 1}\n\n'


def test_a_bad_event_in_a_stream_fails_the_line_that_made_it() -> None:
    def events() -> Iterator[Event]:
        yield Event("first")
        yield Event(float("nan"))

    source = events()
    assert next(source) == Event("first")
    with pytest.raises(ValueError, match=r"^Event\(\) cannot encode"):
        next(source)


def test_event_allows_what_the_format_carries() -> None:
    # NUL in an event type and data, and a subclass of Event, all stay as given.
    assert (
        encode_event(Event("a\x00", event="b\x00")) == b"event: b\x00\ndata: a\x00\n\n"
    )

    class Tagged(Event):
        pass

    assert encode_event(Tagged("x", id=1)) == b"data: x\nid: 1\n\n"


def test_event_is_a_frozen_value() -> None:
    event = Event("x", event="e", id=1, retry=2)
    assert event == Event("x", event="e", id=1, retry=2)
    assert event != Event("x", event="e", id=1, retry=3)
    assert repr(event) == "Event(data='x', event='e', id=1, retry=2)"
    with pytest.raises(AttributeError):
        event.data = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Event("x", "e")  # type: ignore[call-arg]


FIELD_TEXT = st.text(st.characters(exclude_characters="\r\n", codec="utf-8"))


@given(
    data=st.text(st.characters(codec="utf-8")),
    kind=FIELD_TEXT.filter(bool),
    id=FIELD_TEXT.filter(lambda text: "\x00" not in text),
)
def test_a_client_reads_back_what_was_encoded(data: str, kind: str, id: str) -> None:
    wire = encode_event(Event(data, event=kind, id=id))
    expected = re.sub(r"\r\n|\r", "\n", data)
    assert parse_stream(HEARTBEAT + wire + wire) == [(kind, expected, id)] * 2


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(st.characters(codec="utf-8")),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=8,
    ).filter(lambda value: not isinstance(value, str | None))
)
def test_json_data_reads_back_as_the_same_value(value: object) -> None:
    [(_kind, data, _id)] = parse_stream(encode_event(Event(value)))
    assert json.loads(data) == value


# -- res.sse: headers and bodies ------------------------------------------------------

Started = tuple[str, list[tuple[str, str]]]


def start(app: Any, method: str = "GET", **kwargs: Any) -> tuple[Started, Any]:
    """Call ``app`` through the PEP 3333 validator; return what it started, and the
    body iterable, not yet read."""
    environ = EnvironBuilder(method=method, **kwargs).get_environ()
    started: list[Started] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None):  # type: ignore[no-untyped-def]
        started.append((status, headers))
        return lambda data: None

    body = validator(app)(environ, start_response)
    return started[0], body


def read_all(body: Any) -> list[bytes]:
    try:
        return list(body)
    finally:
        body.close()


class Source:
    """A source of events that records how it was used."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.pulled = 0
        self.closed = 0

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self.pulled == len(self.events):
            raise StopIteration
        self.pulled += 1
        return self.events[self.pulled - 1]

    def close(self) -> None:
        self.closed += 1


def test_sse_sends_an_event_stream_with_its_headers() -> None:
    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.sse(["one", {"event": "n", "data": 2}], heartbeat=None)

    (status, headers), body = start(handler)
    assert status == "200 OK"
    assert headers == [
        ("Content-Type", "text/event-stream"),
        ("Cache-Control", "no-cache, no-transform"),
        ("X-Accel-Buffering", "no"),
    ]
    assert read_all(body) == [b"data: one\n\n", b"event: n\ndata: 2\n\n"]


def test_sse_under_every_host(call: Call) -> None:
    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.status(200).sse(iter(["a", "b"]), heartbeat=None)

    r = call(handler, "GET", "/events")
    assert (r.status_code, r.headers["Content-Type"], r.data) == (
        200,
        "text/event-stream",
        b"data: a\n\ndata: b\n\n",
    )
    assert r.headers["Cache-Control"] == "no-cache, no-transform"
    assert "Content-Length" not in r.headers
    assert "ETag" not in r.headers


def test_sse_with_a_heartbeat_opens_with_a_comment() -> None:
    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.sse(["one"])

    _started, body = start(handler)
    assert read_all(body) == [b":\n\n", b"data: one\n\n"]
    assert HEARTBEAT == b":\n\n"


def test_sse_keeps_cache_headers_set_before_and_drops_what_cannot_apply() -> None:
    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.set_header("Cache-Control", "no-store").set_header(
            "X-Accel-Buffering", "yes"
        )
        res.set_header("Content-Type", "text/plain").set_header("ETag", '"x"')
        res.headers["Content-Length"] = "5"
        res.set_header("X-Other", "kept").sse([], heartbeat=None)

    (_status, headers), body = start(handler, headers={"If-None-Match": '"x"'})
    assert _status == "200 OK"
    assert headers == [
        ("Cache-Control", "no-store"),
        ("X-Accel-Buffering", "yes"),
        ("X-Other", "kept"),
        ("Content-Type", "text/event-stream"),
    ]
    assert read_all(body) == []


def test_sse_uses_the_response_class_json_encoder() -> None:
    class Loud(ApiResponse):
        json_dumps = staticmethod(lambda obj: json.dumps(obj).upper())

    res = Loud.blank().sse([Event({"a": "b"})], heartbeat=None)
    assert list(res.response) == [b'data: {"A": "B"}\n\n']


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("abc", "not 'abc' (str)"),
        (b"abc", "not b'abc' (bytes)"),
        ({"data": "x"}, "not {'data': 'x'} (dict)"),
        (Event("x"), "not Event(data='x', event=None, id=None, retry=None) (Event)"),
        (7, "not 7 (int)"),
    ],
    ids=["str", "bytes", "mapping", "event", "int"],
)
def test_sse_refuses_what_is_not_an_iterable_of_events(
    events: object, message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        ApiResponse.blank().sse(events)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "sse() takes an iterable of events (a generator, a list, an async generator),"
        f" {message}; for one event, pass [event]"
    )


@pytest.mark.parametrize(
    ("heartbeat", "error"),
    [
        (0, ValueError),
        (-1.0, ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (threading.TIMEOUT_MAX * 2, ValueError),
        (True, TypeError),
        ("15", TypeError),
    ],
    ids=["zero", "negative", "nan", "inf", "too-long", "bool", "str"],
)
def test_sse_refuses_a_bad_heartbeat(heartbeat: Any, error: type[Exception]) -> None:
    source = Source([])
    with pytest.raises(error, match=r"^sse\(\) heartbeat must be a number of seconds"):
        ApiResponse.blank().sse(source, heartbeat=heartbeat)
    assert ApiResponse.blank().sse(
        [], heartbeat=threading.TIMEOUT_MAX
    )._finished_by == ("sse")
    assert ApiResponse.blank().sse([], heartbeat=1)._finished_by == "sse"


def test_a_retry_of_zero_milliseconds_is_an_event() -> None:
    assert encode_event(Event(None, retry=0)) == b"retry: 0\n\n"  # reconnect at once
    with pytest.raises(ValueError, match=r"^event retry must be 0 or more"):
        Event(None, retry=-1)


def test_a_heartbeat_of_the_wrong_kind_is_named_in_the_error() -> None:
    with pytest.raises(TypeError) as caught:
        ApiResponse.blank().sse([], heartbeat="15")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "sse() heartbeat must be a number of seconds or None, not '15' (str)"
    )


def test_sse_finishes_the_response() -> None:
    res = ApiResponse.blank().sse([])
    with pytest.raises(
        ResponseAlreadySent, match=r"^json\(\) was called after sse\(\)"
    ):
        res.json({})
    with pytest.raises(
        ResponseAlreadySent, match=r"^sse\(\) was called after json\(\)"
    ):
        ApiResponse.blank().json({}).sse([])


def test_head_closes_a_source_it_never_reads() -> None:
    source = Source(["a"])

    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.sse(source)

    (status, _headers), body = start(handler, method="HEAD")
    assert status == "200 OK"
    assert read_all(body) == []
    assert (source.pulled, source.closed) == (0, 1)


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_closing_before_the_first_item_closes_the_source(heartbeat: Any) -> None:
    source = Source(["a"])
    res = ApiResponse.blank().sse(source, heartbeat=heartbeat)
    res.close()
    assert (source.pulled, source.closed) == (0, 1)


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_a_closed_stream_ends(heartbeat: Any) -> None:
    source = Source(["a", "b"])
    res = ApiResponse.blank().sse(source, heartbeat=heartbeat)
    chunks = iter(res.response)
    if heartbeat is not None:
        assert next(chunks) == HEARTBEAT
    res.close()
    assert next(chunks, None) is None
    assert (source.pulled, source.closed) == (0, 1)


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_a_client_that_leaves_closes_the_generator(heartbeat: Any) -> None:
    ran: list[str] = []
    gate = threading.Event()

    def events() -> Iterator[str]:
        try:
            yield "one"
            gate.wait(0.01)  # the helper thread waits here, read ahead; not for long
            yield "two"
            yield "three"
        finally:
            ran.append("finally")

    _started, body = start(
        api_handler(lambda req, res: res.sse(events(), heartbeat=heartbeat))
    )
    chunks = iter(body)
    if heartbeat is not None:
        assert next(chunks) == HEARTBEAT
    assert next(chunks) == b"data: one\n\n"
    assert ran == []
    body.close()
    gate.set()
    deadline = time.monotonic() + 5  # a helper inside next() closes it on return
    while ran != ["finally"] and time.monotonic() < deadline:
        time.sleep(0.005)
    assert ran == ["finally"]


def test_the_helper_thread_reads_at_most_read_ahead_items_ahead() -> None:
    source = Source([str(n) for n in range(READ_AHEAD * 3)])
    res = ApiResponse.blank().sse(source, heartbeat=5.0)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    first = next(chunks)
    assert first.startswith(b"data: 0\n\n")
    deadline = time.monotonic() + 5
    while source.pulled < READ_AHEAD and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)  # what more a helper without a bound would have pulled
    sent = first.count(b"\n\n")
    assert source.pulled <= sent + READ_AHEAD + 1  # +1: one next() under way
    rest = b"".join(chunks)
    assert first + rest == b"".join(
        f"data: {n}\n\n".encode() for n in range(READ_AHEAD * 3)
    )
    res.close()
    assert source.closed == 1


def test_an_idle_source_gets_heartbeats_then_its_event() -> None:
    go = threading.Event()

    def events() -> Iterator[str]:
        yield "first"
        go.wait(10)
        yield "second"

    res = ApiResponse.blank().sse(events(), heartbeat=0.05)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks)] == [HEARTBEAT, b"data: first\n\n"]
    began = time.monotonic()
    assert [next(chunks), next(chunks)] == [HEARTBEAT, HEARTBEAT]
    assert time.monotonic() - began >= 0.1
    go.set()
    rest = list(chunks)
    assert rest[-1] == b"data: second\n\n"
    assert set(rest[:-1]) <= {HEARTBEAT}
    res.close()


def test_a_source_busy_when_the_client_leaves_is_closed_once_it_yields() -> None:
    go = threading.Event()
    ran: list[str] = []

    def events() -> Iterator[str]:
        try:
            yield "first"
            go.wait(10)
            yield "never sent"
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    res.close()
    assert ran == []  # still waiting inside next(), on the helper thread
    go.set()
    deadline = time.monotonic() + 5
    while not ran and time.monotonic() < deadline:
        time.sleep(0.005)
    assert ran == ["finally"]


def test_a_source_that_fails_to_close_on_the_helper_thread_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    go, closed = threading.Event(), threading.Event()

    class Feed(Source):
        def __next__(self) -> Any:
            go.wait(10)
            return super().__next__()

        def close(self) -> None:
            closed.set()
            raise OSError("cannot close")

    res = ApiResponse.blank().sse(Feed(["a"]), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks)] == [HEARTBEAT, HEARTBEAT]
    with caplog.at_level(logging.ERROR, logger="nextresp"):
        res.close()
        go.set()
        assert closed.wait(5)
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.005)
    assert [r.getMessage() for r in caplog.records] == [
        "closing an event source failed"
    ]


def test_an_ended_source_is_closed_once() -> None:
    source = Source(["a"])
    res = ApiResponse.blank().sse(source, heartbeat=5.0)
    assert list(res.response) == [HEARTBEAT, b"data: a\n\n"]
    assert list(res.response) == []
    res.close()
    assert source.closed == 1


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_an_iterable_whose_iterator_is_a_generator_has_both_closed(
    heartbeat: Any,
) -> None:
    ran: list[str] = []

    class Feed:
        closed = 0

        def __iter__(self) -> Iterator[str]:
            try:
                yield "a"
                yield "b"
            finally:
                ran.append("finally")

        def close(self) -> None:
            self.closed += 1

    feed = Feed()
    res = ApiResponse.blank().sse(feed, heartbeat=heartbeat)
    chunks = iter(res.response)
    if heartbeat is not None:
        assert next(chunks) == HEARTBEAT
    assert next(chunks).startswith(b"data: a\n\n")  # b may have been pulled too
    res.close()
    assert (ran, feed.closed) == (["finally"], 1)


def test_an_iterable_busy_when_the_client_leaves_has_both_closed_once_it_yields() -> (
    None
):
    go, closed = threading.Event(), threading.Event()
    ran: list[str] = []

    class Feed:
        closed = 0

        def __iter__(self) -> Iterator[str]:
            try:
                yield "a"
                go.wait(10)
                yield "never sent"
            finally:
                ran.append("finally")

        def close(self) -> None:
            self.closed += 1
            closed.set()

    feed = Feed()
    res = ApiResponse.blank().sse(feed, heartbeat=0.01)
    chunks = iter(res.response)
    assert next(chunks) == HEARTBEAT
    first = next(chunks)
    while first == HEARTBEAT:  # a busy machine may start the helper thread late
        first = next(chunks)
    assert [first, next(chunks)] == [b"data: a\n\n", HEARTBEAT]
    res.close()
    assert (ran, feed.closed) == ([], 0)  # still inside next(), on the helper thread
    go.set()
    assert closed.wait(5)
    assert (ran, feed.closed) == (["finally"], 1)


def test_the_events_pulled_so_far_leave_together_in_one_chunk() -> None:
    go = threading.Event()
    pulled: list[int] = []

    def events() -> Iterator[str]:
        for n in range(5):
            if n == 1:
                go.wait(5)  # the server takes "0" alone, then 1 to 4 are pulled
            pulled.append(n)
            yield str(n)

    res = ApiResponse.blank().sse(events(), heartbeat=5.0)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks)] == [HEARTBEAT, b"data: 0\n\n"]
    go.set()
    deadline = time.monotonic() + 5
    while len(pulled) < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert next(chunks) == b"data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n"
    assert list(chunks) == []
    res.close()


def test_a_sync_source_with_a_heartbeat_runs_on_a_daemon_thread() -> None:
    threads: list[threading.Thread] = []

    def events() -> Iterator[str]:
        threads.append(threading.current_thread())
        yield "a"

    res = ApiResponse.blank().sse(events(), heartbeat=5.0)
    assert list(res.response) == [HEARTBEAT, b"data: a\n\n"]
    [thread] = threads
    assert thread is not threading.current_thread()
    assert thread.daemon  # a source that never yields cannot hold up the exit
    thread.join(5)  # the source ended: so does its thread
    assert not thread.is_alive()


def test_the_helper_thread_of_a_failing_source_ends() -> None:
    threads: list[threading.Thread] = []

    def events() -> Iterator[str]:
        threads.append(threading.current_thread())
        yield "a"
        raise OSError("gone")

    res = ApiResponse.blank().sse(events(), heartbeat=5.0)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks)] == [HEARTBEAT, b"data: a\n\n"]
    with pytest.raises(OSError, match=r"^gone$"):
        next(chunks)
    [thread] = threads
    thread.join(5)
    assert not thread.is_alive()
    res.close()


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_a_bad_event_cuts_the_stream_there_and_is_logged(
    heartbeat: Any, caplog: pytest.LogCaptureFixture
) -> None:
    source = Source(["fine", Event("x"), {"data": "x", "id": "a\nb"}, "never"])
    res = ApiResponse.blank().sse(source, heartbeat=heartbeat)
    chunks = iter(res.response)
    sent: list[bytes] = []

    def read_until_it_fails() -> None:
        while True:  # the helper thread may hand over both good events at once
            sent.append(next(chunks))

    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(ValueError, match=r"^event id 'a\\nb' holds"),
    ):
        read_until_it_fails()
    opening = HEARTBEAT if heartbeat else b""
    assert b"".join(sent) == opening + b"data: fine\n\ndata: x\n\n"
    size = len(b"".join(sent))
    count = f"{len(sent)} chunk{'s' if len(sent) != 1 else ''}"
    assert [r.getMessage() for r in caplog.records] == [
        f"an event stream failed after {count} ({size} bytes) went to the server;"
        " the server closes the connection, so the client gets a body cut short, or"
        " no answer at all if the server had not written the status line yet"
    ]
    assert list(chunks) == []
    res.close()
    # Direct: nothing pulled past the bad event; the helper may have read one ahead.
    assert source.pulled in ((3,) if heartbeat is None else (3, 4))
    assert source.closed == 1


@pytest.mark.parametrize("heartbeat", [None, 5.0], ids=["direct", "helper-thread"])
def test_a_failing_source_propagates_and_is_logged(
    heartbeat: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def events() -> Iterator[str]:
        yield "a"
        raise OSError("the feed broke")

    res = ApiResponse.blank().sse(events(), heartbeat=heartbeat)
    chunks = iter(res.response)
    if heartbeat is not None:
        next(chunks)
    assert next(chunks) == b"data: a\n\n"
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(OSError, match=r"^the feed broke$"),
    ):
        next(chunks)
    assert len(caplog.records) == 1
    res.close()


def test_an_error_raised_after_sse_closes_the_source_and_answers() -> None:
    source = Source(["a"])

    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.sse(source)
        raise RuntimeError("changed my mind")

    (status, _headers), body = start(handler, headers={"Accept": "text/plain"})
    assert status == "500 Internal Server Error"
    assert read_all(body) == [b"Internal Server Error"]
    assert (source.pulled, source.closed) == (0, 1)


def test_the_helper_thread_sees_the_context_of_the_request() -> None:
    import contextvars

    user = contextvars.ContextVar("user", default="nobody")

    def events() -> Iterator[str]:
        yield user.get()

    user.set("ada")
    res = ApiResponse.blank().sse(events(), heartbeat=5.0)
    assert list(res.response) == [HEARTBEAT, b"data: ada\n\n"]


# -- async sources ------------------------------------------------------------------


def test_an_async_handler_streams_an_async_generator_on_its_loop() -> None:
    ran: list[str] = []

    @api_handler
    async def handler(req: Any, res: ApiResponse) -> None:
        queue: asyncio.Queue[str] = asyncio.Queue()  # bound to the handler's loop
        await queue.put("from the handler")

        async def events() -> AsyncIterator[Any]:
            try:
                yield await queue.get()
                await asyncio.sleep(0)
                yield Event({"n": 2}, event="two")
            finally:
                ran.append("finally")

        res.sse(events(), heartbeat=None)

    _started, body = start(handler)
    assert read_all(body) == [
        b"data: from the handler\n\n",
        b'event: two\ndata: {"n":2}\n\n',
    ]
    assert ran == ["finally"]


def test_an_idle_async_source_gets_heartbeats_without_being_cancelled() -> None:
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(0.12)
            yield "second"
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.05)
    assert list(res.response) == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
        HEARTBEAT,
        b"data: second\n\n",
    ]
    assert ran == ["finally"]
    res.close()
    assert ran == ["finally"]


def test_an_async_source_waiting_when_the_client_leaves_is_cancelled_and_closed() -> (
    None
):
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(10)
            yield "never"
        except asyncio.CancelledError:
            ran.append("cancelled")
            raise
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    assert ran == []
    res.close()
    assert ran == ["cancelled", "finally"]


def test_an_async_source_whose_cleanup_awaits_is_closed_after_the_cleanup() -> None:
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(10)
        finally:
            await asyncio.sleep(0.01)  # as closing a connection would
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    res.close()
    assert ran == ["finally"]


def test_an_async_source_that_fails_when_cancelled_still_closes() -> None:
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise OSError("connection already gone") from None
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    res.close()  # the client left: nobody is there to be told
    assert ran == ["finally"]


def test_closing_an_async_stream_twice_closes_its_source_once() -> None:
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            await asyncio.sleep(10)
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=0.01)
    chunks = iter(res.response)
    assert [next(chunks), next(chunks), next(chunks)] == [
        HEARTBEAT,
        b"data: first\n\n",
        HEARTBEAT,
    ]
    res.response.close()  # type: ignore[attr-defined]  # the server, PEP 3333
    res.close()  # and the response's own close()
    assert ran == ["finally"]


def test_an_async_source_closed_between_items_runs_its_finally() -> None:
    ran: list[str] = []

    async def events() -> AsyncIterator[str]:
        try:
            yield "first"
            yield "second"
        finally:
            ran.append("finally")

    res = ApiResponse.blank().sse(events(), heartbeat=None)
    assert next(iter(res.response)) == b"data: first\n\n"
    res.close()
    assert ran == ["finally"]


def test_an_async_source_never_started_is_closed() -> None:
    class Feed:
        closed = 0

        def __aiter__(self) -> Feed:
            return self

        async def __anext__(self) -> str:
            raise StopAsyncIteration

        async def aclose(self) -> None:
            self.closed += 1

    feed = Feed()
    ApiResponse.blank().sse(feed).close()
    assert feed.closed == 1
    ApiResponse.blank().sse(feed, heartbeat=None).close()
    assert feed.closed == 2


def test_an_async_source_without_aclose_needs_no_loop() -> None:
    class Feed:
        def __aiter__(self) -> Feed:
            return self

        async def __anext__(self) -> str:
            raise StopAsyncIteration

    res = ApiResponse.blank().sse(Feed())
    res.close()  # nothing to close, and no error
    res = ApiResponse.blank().sse(Feed())
    assert list(res.response) == [HEARTBEAT]
    res.close()


def test_a_failing_async_source_propagates(caplog: pytest.LogCaptureFixture) -> None:
    async def events() -> AsyncIterator[str]:
        yield "a"
        raise OSError("gone")

    res = ApiResponse.blank().sse(events(), heartbeat=None)
    chunks = iter(res.response)
    assert next(chunks) == b"data: a\n\n"
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(OSError, match=r"^gone$"),
    ):
        next(chunks)
    assert len(caplog.records) == 1
    res.close()
