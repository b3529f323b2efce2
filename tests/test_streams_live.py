"""Live: NDJSON, SSE and AI stream items leave gunicorn as soon as they are made, from a
handler that compresses (``compress=True``) to a client that accepts every coding.

Each stream sends one item and then waits for the client's ``/go`` before the next:
the client can only send ``/go`` after it received the first item, so a buffered
stream would never finish (and the test would fail on its read timeout). No timing
is measured.
"""

from __future__ import annotations

import gzip
import http.client
import json
import time
import uuid
from collections.abc import Iterator

import pytest

from .support import fetch, gunicorn


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    # One worker with threads: the stream and the /go that releases it share the
    # process, and so the event they meet on.
    options = ["--worker-class=gthread", "--threads=4", "--workers=1"]
    with gunicorn("tests.streams_app:app", *options) as (address, _log):
        yield address


#: What a browser sends: every coding nextresp may write.
COMPRESSED = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def go(address: str, key: str) -> None:
    response, _body = fetch(address, "POST", f"/go/{key}")
    assert response.status == 200


def test_an_ndjson_line_leaves_before_the_next_is_made(server: str) -> None:
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(server, timeout=20)
    try:
        connection.request("GET", f"/ndjson/{key}", headers=COMPRESSED)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/x-ndjson"
        assert response.getheader("Content-Encoding") is None
        assert json.loads(response.readline()) == {"n": 1}
        go(server, key)
        assert json.loads(response.readline()) == {"n": 2}
        assert response.read() == b""
    finally:
        connection.close()


def test_an_ai_stream_chunk_leaves_before_the_next_is_made(server: str) -> None:
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(server, timeout=20)
    try:
        connection.request("POST", f"/ai/{key}", headers=COMPRESSED)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None
        lines = []
        while b"text-delta" not in (line := response.readline()):
            lines.append(line)
        assert line == b'data: {"type":"text-delta","id":"text-1","delta":"first"}\n'
        go(server, key)
        rest = response.read().decode()
        assert '"type":"data-second"' in rest
        assert rest.endswith("data: [DONE]\n\n")
    finally:
        connection.close()


def test_an_event_leaves_before_the_next_is_made(server: str) -> None:
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(server, timeout=20)
    try:
        connection.request("GET", f"/sse/{key}", headers=COMPRESSED)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Cache-Control") == "no-cache, no-transform"
        assert (response.readline(), response.readline()) == (b"data: first\n", b"\n")
        go(server, key)
        assert response.read() == b"data: second\n\n"
    finally:
        connection.close()


def test_a_json_answer_is_compressed_for_a_client_that_asks(server: str) -> None:
    response, body = fetch(server, "GET", "/big", {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert int(response.getheader("Content-Length") or 0) == len(body)
    assert json.loads(gzip.decompress(body))[199] == {
        "id": 199,
        "name": "Item number 199",
    }
    response, body = fetch(server, "GET", "/big")
    assert response.getheader("Content-Encoding") is None
    assert json.loads(body)[0] == {"id": 0, "name": "Item number 0"}


def test_a_client_that_leaves_an_ndjson_stream_closes_its_source(server: str) -> None:
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(server, timeout=20)
    connection.request("GET", f"/ndjson/{key}")
    response = connection.getresponse()
    assert json.loads(response.readline()) == {"n": 1}
    connection.close()  # leave while the stream waits for /go
    go(server, key)  # the next write finds the connection gone
    deadline = time.monotonic() + 10
    closed = False
    while not closed and time.monotonic() < deadline:
        _response, body = fetch(server, "GET", f"/closed/{key}")
        closed = json.loads(body)
        time.sleep(0.05)
    assert closed
