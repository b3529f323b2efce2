"""Live: events across three gunicorn workers through Redis, with reconnections.

Subscribers connect until they sit on different workers; events are published by
many requests, each answered by whichever worker takes it; one subscriber drops
and comes back with ``Last-Event-ID``. Every subscriber must see every event
exactly once, in order.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from .support import gunicorn
from .test_rate_limit_live import REDIS_SERVER, redis_url

__all__ = ["redis_url"]  # the fixture, shared with the rate-limit tests

pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="redis-server is not installed (Debian's package redis-server;"
    " .ci/run installs it)",
)
pytest.importorskip("redis", reason="redis-py is not installed")


@pytest.fixture(scope="module")
def server(redis_url: str) -> Iterator[str]:
    options = [
        "--workers=3",
        "--worker-class=gthread",
        # A worker takes no more connections than it has threads, so a worker
        # holding three streams leaves the next connection to another worker.
        "--threads=3",
        "--worker-connections=3",
        "--graceful-timeout=2",
        f"--env=REDIS_URL={redis_url}",
    ]
    with gunicorn("tests.redis_events_app:app", *options) as (address, _log):
        yield address


@dataclass
class Subscriber:
    """One open event stream, read line by line."""

    connection: http.client.HTTPConnection
    response: http.client.HTTPResponse
    worker: str
    received: list[int] = field(default_factory=list)
    last_id: str | None = None

    @classmethod
    def open(cls, address: str, name: str, last_id: str | None = None) -> Subscriber:
        connection = http.client.HTTPConnection(address, timeout=30)
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        connection.request("GET", f"/events/{name}", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        worker = response.getheader("X-Worker")
        assert worker is not None
        return cls(connection, response, worker, last_id=last_id)

    def read(self, count: int) -> None:
        """Read events until ``count`` more have come (heartbeats are skipped)."""
        goal = len(self.received) + count
        data = event_id = None
        while len(self.received) < goal:
            line = self.response.readline().decode().rstrip("\n")
            if line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
            elif line.startswith("id: "):
                event_id = line.removeprefix("id: ")
            elif line == "" and data is not None:
                self.received.append(data["n"])
                self.last_id = event_id
                data = event_id = None

    def close(self) -> None:
        self.connection.close()


def subscribers_on_workers(address: str, name: str, wanted: int) -> list[Subscriber]:
    """Open streams until ``wanted`` of them sit on different workers (or 12 tried)."""
    kept: dict[str, Subscriber] = {}
    extra: list[Subscriber] = []
    for _ in range(12):
        subscriber = Subscriber.open(address, name)
        if subscriber.worker in kept:
            extra.append(subscriber)
        else:
            kept[subscriber.worker] = subscriber
        if len(kept) == wanted:
            break
    for subscriber in extra:
        subscriber.close()
    return list(kept.values())


def publish(address: str, name: str, first: int, count: int) -> str:
    """Publish events ``first`` to ``first + count - 1``; return the worker's PID."""
    connection = http.client.HTTPConnection(address, timeout=30)
    try:
        connection.request("POST", f"/publish/{name}?first={first}&count={count}")
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 200
        assert len(body["ids"]) == count
        worker = response.getheader("X-Worker")
        assert worker is not None
        return worker
    finally:
        connection.close()


@pytest.mark.parametrize("total", [300, 3000], ids=["hundreds", "thousands"])
def test_every_subscriber_gets_every_event_once_in_order(
    server: str, total: int
) -> None:
    name = f"live-{uuid.uuid4().hex}"
    subscribers = subscribers_on_workers(server, name, wanted=3)
    assert len({s.worker for s in subscribers}) == 3
    dropping = Subscriber.open(server, name)
    readers = [
        threading.Thread(target=subscriber.read, args=(total,))
        for subscriber in subscribers
    ]
    for reader in readers:
        reader.start()
    batch = 10
    publishers = set()
    # The dropping subscriber leaves at random points and comes back each time with
    # the id of the last event it saw, while publishing goes on.
    cuts = sorted(random.Random(total).sample(range(1, total), 4))
    resumed: list[Subscriber] = []

    def drop_and_resume() -> None:
        current, seen = dropping, 0
        for cut in [*cuts, total]:
            current.read(cut - seen)
            seen = cut
            if cut < total:
                current.close()
                current = Subscriber.open(server, name, last_id=current.last_id)
                resumed.append(current)

    dropper = threading.Thread(target=drop_and_resume)
    dropper.start()
    for first in range(0, total, batch):
        publishers.add(publish(server, name, first, batch))
    for reader in [*readers, dropper]:
        reader.join(timeout=120)
        assert not reader.is_alive(), "a subscriber did not receive every event"
    try:
        expected = list(range(total))
        for subscriber in subscribers:
            assert subscriber.received == expected, subscriber.worker
        assert len(resumed) == 4
        assert [n for s in [dropping, *resumed] for n in s.received] == expected
        # Each subscriber got events that another worker published.
        assert all(publishers - {subscriber.worker} for subscriber in subscribers)
    finally:
        for subscriber in [*subscribers, *resumed]:
            subscriber.close()
