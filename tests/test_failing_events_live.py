"""Live: an event source that raises mid-stream, under gunicorn, as the design
choices page says: the events before it arrive, the failure is logged, and the
connection closes without the chunked body's last chunk, so that the client sees a
broken stream (``EventSource`` then reconnects with ``Last-Event-ID``)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from .support import gunicorn


@pytest.fixture(scope="module", params=["sync", "gthread"])
def server(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[tuple[str, int], list[str]]]:
    with gunicorn(
        "tests.failing_events_app:app",
        "--workers=1",
        f"--worker-class={request.param}",
        "--threads=2",
    ) as (address, log):
        host, port = address.rsplit(":", 1)
        yield (host, int(port)), log


def read_until_closed(address: tuple[str, int]) -> bytes:
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(
            b"GET / HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n"
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_the_events_before_the_failure_arrive_and_the_stream_is_cut(
    server: tuple[tuple[str, int], list[str]],
) -> None:
    address, log = server
    received = read_until_closed(address)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"\r\nTransfer-Encoding: chunked" in head
    assert b"data: one\nid: 1\n\n" in body
    assert b"data: two\nid: 2\n\n" in body
    assert not body.endswith(b"0\r\n\r\n")  # no last chunk: the client sees a break
    for _ in range(50):  # the log line may come just after the close
        if any(
            "an event stream failed after" in line and "went to the server" in line
            for line in log
        ):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the failure was not logged:\n" + "".join(log))
