"""``nextresp.redis.EventChannel`` against a real Redis server, in process."""

from __future__ import annotations

import importlib
import json
import random
import sys
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client

from nextresp import ApiResponse, Event, api_handler, encode_event
from nextresp._event_stream import HEARTBEAT

from .test_rate_limit_live import REDIS_SERVER, redis_url

__all__ = ["redis_url"]  # the fixture, shared with the rate-limit tests

pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="redis-server is not installed (Debian's package redis-server;"
    " .ci/run installs it)",
)
nextresp_redis = pytest.importorskip("nextresp.redis")
EventChannel = nextresp_redis.EventChannel


@pytest.fixture
def channel(redis_url: str) -> Iterator[Any]:
    made = EventChannel(redis_url, f"test-{uuid.uuid4().hex}", block=0.2)
    yield made
    made.client.delete(made.name)
    made.close()


def take(subscription: Any, count: int) -> list[Event]:
    return [next(subscription) for _ in range(count)]


def test_publish_returns_the_redis_entry_id(channel: Any) -> None:
    first = channel.publish("a")
    second = channel.publish("b")
    assert [int(part) for part in first.split("-")] < [
        int(part) for part in second.split("-")
    ]
    assert channel.client.xlen(channel.name) == 2


def test_a_subscriber_gets_what_is_published_after_it_subscribed(channel: Any) -> None:
    channel.publish("before")
    subscription = channel.subscribe()
    ids = [channel.publish("one"), channel.publish({"n": 2}, event="tick")]
    assert take(subscription, 2) == [
        Event("one", id=ids[0]),
        Event('{"n":2}', event="tick", id=ids[1]),
    ]


def test_the_event_encodes_as_res_sse_would_encode_the_data(channel: Any) -> None:
    subscription = channel.subscribe()
    entry = channel.publish({"a": [1, None], "t": "x\ny"}, event="tick")
    [event] = take(subscription, 1)
    assert encode_event(event) == encode_event(
        Event({"a": [1, None], "t": "x\ny"}, event="tick", id=entry)
    )


def test_multi_line_text_arrives_whole(channel: Any) -> None:
    subscription = channel.subscribe()
    channel.publish("a\nb")
    assert take(subscription, 1)[0].data == "a\nb"


def test_a_last_event_id_replays_what_came_after_it(channel: Any) -> None:
    ids = [channel.publish(str(n)) for n in range(5)]
    subscription = channel.subscribe(last_event_id=ids[1])
    assert [event.data for event in take(subscription, 3)] == ["2", "3", "4"]
    assert subscription.last_id == ids[4]


@pytest.mark.parametrize("header", ["", "abc", "12", "1-2-3", "-1-0", "x" * 100])
def test_a_last_event_id_that_is_not_ours_starts_from_now(
    channel: Any, header: str
) -> None:
    channel.publish("old")
    subscription = channel.subscribe(last_event_id=header)
    entry = channel.publish("new")
    assert take(subscription, 1) == [Event("new", id=entry)]


def test_a_last_event_id_ahead_of_the_stream_starts_from_now(channel: Any) -> None:
    newest = channel.publish("old")
    milliseconds = int(newest.split("-")[0])
    subscription = channel.subscribe(last_event_id=f"{milliseconds + 10**9}-0")
    assert subscription.last_id == newest
    entry = channel.publish("new")
    assert take(subscription, 1) == [Event("new", id=entry)]


def test_an_empty_stream_starts_at_the_beginning(channel: Any) -> None:
    subscription = channel.subscribe()
    assert subscription.last_id == "0-0"
    channel.publish("first")
    assert take(subscription, 1)[0].data == "first"


def test_the_stream_keeps_about_maxlen_events(redis_url: str) -> None:
    channel = EventChannel(redis_url, f"test-{uuid.uuid4().hex}", maxlen=50)
    try:
        for n in range(1000):
            channel.publish(str(n))
        kept = channel.client.xlen(channel.name)
        assert 50 <= kept < 1000
        newest = channel.client.xrevrange(channel.name, count=1)[0][1][b"data"]
        assert newest == b"999"
    finally:
        channel.client.delete(channel.name)
        channel.close()


def test_a_closed_subscription_ends(channel: Any) -> None:
    subscription = channel.subscribe()
    channel.publish("a")
    subscription.close()
    assert list(subscription) == []


def test_thousands_of_events_arrive_once_in_order_while_published(
    channel: Any,
) -> None:
    subscription = channel.subscribe()
    count = 5000

    def publish() -> None:
        for n in range(count):
            channel.publish({"n": n})

    publisher = threading.Thread(target=publish)
    publisher.start()
    received = [json.loads(event.data)["n"] for event in take(subscription, count)]
    publisher.join()
    assert received == list(range(count))


def test_random_disconnects_lose_and_repeat_nothing(channel: Any) -> None:
    chooser = random.Random(24)
    count = 3000
    start = channel.subscribe()
    ids = [channel.publish({"n": n}) for n in range(count)]
    received: list[int] = []
    last_id: str | None = start.last_id
    while len(received) < count:
        subscription = channel.subscribe(last_event_id=last_id)
        for event in take(
            subscription, min(chooser.randint(1, 400), count - len(received))
        ):
            received.append(json.loads(event.data)["n"])
            last_id = str(event.id)
        subscription.close()
    assert received == list(range(count))
    assert last_id == ids[-1]


def test_res_sse_streams_a_subscription(channel: Any) -> None:
    @api_handler
    def events(req: Any, res: ApiResponse) -> None:
        res.sse(channel.subscribe(last_event_id=req.headers.get("Last-Event-ID")))

    first = channel.publish("zero")
    response = Client(events).get("/", headers={"Last-Event-ID": first}, buffered=False)
    try:
        chunks = iter(response.response)
        assert next(chunks) == HEARTBEAT
        second = channel.publish({"n": 1}, event="tick")
        assert (
            next(chunks) == f'event: tick\ndata: {{"n":1}}\nid: {second}\n\n'.encode()
        )
    finally:
        response.close()


@pytest.mark.parametrize(
    ("args", "options", "error", "message"),
    [
        ((7, "n"), {}, TypeError, "EventChannel redis_url must be a str"),
        (("redis://x", 1), {}, TypeError, "EventChannel name must be a str"),
        (("redis://x", ""), {}, ValueError, "EventChannel name must not be empty"),
        (("redis://x", "n"), {"maxlen": "9"}, TypeError, "EventChannel maxlen must be"),
        (
            ("redis://x", "n"),
            {"maxlen": 0},
            ValueError,
            "EventChannel maxlen must be 1",
        ),
        (("redis://x", "n"), {"block": True}, TypeError, "EventChannel block must be"),
        (
            ("redis://x", "n"),
            {"block": 0},
            ValueError,
            "EventChannel block must be above",
        ),
        (("http://x", "n"), {}, ValueError, "EventChannel redis_url 'http://x' is not"),
    ],
    ids=[
        "url-type",
        "name-type",
        "name-empty",
        "maxlen-type",
        "maxlen-zero",
        "block-type",
        "block-zero",
        "url-scheme",
    ],
)
def test_a_bad_channel_raises_at_construction(
    args: tuple[Any, ...], options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        EventChannel(*args, **options)


@pytest.mark.parametrize(
    ("data", "event", "error", "message"),
    [
        (None, None, ValueError, r"publish\(\) needs data"),
        ({1, 2}, None, TypeError, r"publish\(\) cannot encode the value as JSON"),
        ("x", "a\nb", ValueError, "event event 'a\\\\nb' holds"),
        ("x", 5, TypeError, "event event must be a str"),
    ],
    ids=["no-data", "not-json", "event-newline", "event-type"],
)
def test_a_bad_event_raises_at_publish(
    channel: Any, data: Any, event: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        channel.publish(data, event)
    assert channel.client.xlen(channel.name) == 0


def test_subscribe_refuses_a_last_event_id_that_is_not_a_str(channel: Any) -> None:
    with pytest.raises(TypeError, match=r"^subscribe\(\) last_event_id must be a str"):
        channel.subscribe(last_event_id=5)


def test_without_the_redis_package_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    try:
        module = importlib.reload(nextresp_redis)
        with pytest.raises(ImportError, match=r"pip install 'nextresp\[redis\]'"):
            module.EventChannel("redis://127.0.0.1:6379/0", "n")
    finally:
        monkeypatch.undo()
        importlib.reload(nextresp_redis)
