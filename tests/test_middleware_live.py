"""Live: SSE and files through three middleware layers, and ``res.after``, under
gunicorn's sync and gthread workers. No timing is measured."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from collections.abc import Iterator

import pytest

from .middleware_app import FILE
from .support import fetch, gunicorn

#: What the layers record as they return: the innermost first.
LAYERS = ["c returned", "b returned", "a returned"]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(["--worker-class=gthread", "--threads=4"], id="gthread"),
        pytest.param(["--worker-class=sync"], id="sync"),
    ],
)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A server's address, and its worker class."""
    with gunicorn("tests.middleware_app:app", "--workers=1", *request.param) as (
        address,
        _log,
    ):
        yield address, request.param[0].partition("=")[2]


def ran(address: str, key: str, expected: list[str]) -> list[str]:
    """What ran for ``key``, once it is ``expected`` or after a few seconds.

    The server runs close callbacks after the last byte went out, so a client can
    ask before they ran.
    """
    seen: list[str] = []
    for _ in range(100):
        response, body = fetch(address, "GET", f"/ran/{key}")
        assert response.status == 200
        seen = json.loads(body)
        if seen == expected:
            break
        time.sleep(0.05)
    return seen


def test_a_file_goes_through_three_layers_whole(server: tuple[str, str]) -> None:
    address, _ = server
    key = uuid.uuid4().hex
    response, body = fetch(address, "GET", f"/file/{key}")
    assert response.status == 200
    assert body == FILE.read_bytes()
    assert response.getheader("Content-Length") == str(len(body))
    assert [response.getheader(f"X-Layer-{n}") for n in "abc"] == ["in", "in", "in"]
    assert ran(address, key, [*LAYERS, "after"]) == [*LAYERS, "after"]


def test_an_error_answer_runs_after_and_keeps_the_layers_headers(
    server: tuple[str, str],
) -> None:
    address, _ = server
    key = uuid.uuid4().hex
    response, body = fetch(address, "GET", f"/fail/{key}")
    assert response.status == 500
    assert b"boom" not in body
    assert [response.getheader(f"X-Layer-{n}") for n in "abc"] == ["in", "in", "in"]
    # The exception went through every layer, so none of them returned.
    assert ran(address, key, ["after"]) == ["after"]


def test_an_sse_event_leaves_through_three_layers_before_the_next_is_made(
    server: tuple[str, str],
) -> None:
    address, worker_class = server
    if worker_class == "sync":
        pytest.skip("a sync worker serves one request at a time: /go would wait")
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(address, timeout=20)
    try:
        connection.request("GET", f"/sse/{key}")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        assert response.getheader("X-Layer-a") == "in"
        assert response.readline() == b"data: first\n"
        assert response.readline() == b"\n"
        # The layers returned when the handler did: the stream is still open.
        assert ran(address, key, LAYERS) == LAYERS
        go, _ = fetch(address, "POST", f"/go/{key}")
        assert go.status == 200
        assert response.read() == b"data: second\n\n"
    finally:
        connection.close()
    expected = [*LAYERS, "stream closed", "after"]
    assert ran(address, key, expected) == expected


def test_a_client_that_leaves_mid_stream_still_closes_it_and_runs_after(
    server: tuple[str, str],
) -> None:
    address, worker_class = server
    if worker_class == "sync":
        pytest.skip("a sync worker serves one request at a time: /go would wait")
    key = uuid.uuid4().hex
    connection = http.client.HTTPConnection(address, timeout=20)
    try:
        connection.request("GET", f"/sse/{key}")
        response = connection.getresponse()
        assert response.readline() == b"data: first\n"
    finally:
        connection.close()
    # The next event meets a closed connection (or is the last): either way the
    # server closes the body, which closes the stream, then runs the callbacks.
    go, _ = fetch(address, "POST", f"/go/{key}")
    assert go.status == 200
    expected = [*LAYERS, "stream closed", "after"]
    assert ran(address, key, expected) == expected
