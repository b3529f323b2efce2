"""Live reliability: gunicorn and granian, a strict HTTP/1.1 parser (h11), faults, load.

Every response is read with h11 acting as the client, which refuses malformed framing,
a Content-Length that does not match the body, and bad header names.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import h11
import pytest

from .reliability_app import SECRET
from .support import SERVERS, live_server

# Headers that may repeat on one response.
REPEATABLE = {b"set-cookie"}


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name.lower().encode()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0].decode("latin-1") if values else None


def exchange(
    address: str,
    method: str,
    target: str,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Answer:
    """Send one request and read the response with h11; check what h11 leaves.

    A server may answer before it has read the whole request (a body over the
    limit) and close: the rest of the request is then not sent, and the answer
    already on its way is still read.
    """
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        client = h11.Connection(h11.CLIENT)
        sent = [("Host", address), ("Connection", "close"), *(headers or [])]
        if body:
            sent.append(("Content-Length", str(len(body))))
        request = client.send(h11.Request(method=method, target=target, headers=sent))
        if body:
            request += client.send(h11.Data(data=body))
        request += client.send(h11.EndOfMessage())
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        response: h11.Response | None = None
        chunks: list[bytes] = []
        while True:
            event = client.next_event()
            if event is h11.NEED_DATA:
                client.receive_data(receive(sock))
            elif isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
        trailing = receive(sock)
    assert trailing == b"", f"bytes after the end of the response: {trailing!r}"
    assert response is not None
    names = [name for name, _ in response.headers]
    assert all(names), "an empty header name"
    repeated = {n for n in names if names.count(n) > 1} - REPEATABLE
    assert not repeated, f"repeated headers: {repeated}"
    return Answer(response.status_code, list(response.headers), b"".join(chunks))


def receive(sock: socket.socket) -> bytes:
    """Read what the server sent; a reset after its answer ends the stream too.

    A server that closes with part of the request unread resets the connection
    (RFC 9112, section 9.6); what it sent before is read first.
    """
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""


def logged(log: list[str], text: str) -> bool:
    """Wait up to 10 s for ``text`` in the server's log, which a thread reads."""
    deadline = time.monotonic() + 10
    while not any(text in line for line in log):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stats(address: str) -> dict[str, int]:
    answer = exchange(address, "GET", "/stats")
    result: dict[str, int] = json.loads(answer.body)
    return result


def settled(address: str, done: Callable[[dict[str, int]], bool]) -> dict[str, int]:
    """Poll the worker's stats until ``done`` holds, for 10 s at most.

    A hung-up socket, or a body the server is still closing, takes a moment.
    """
    deadline = time.monotonic() + 10
    now = stats(address)
    while not done(now) and time.monotonic() < deadline:
        time.sleep(0.05)
        now = stats(address)
    return now


@pytest.fixture(scope="module", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    with live_server("tests.reliability_app:app", request.param, threads=8) as served:
        yield served


@pytest.fixture
def address(server: tuple[str, list[str]]) -> str:
    return server[0]


# -- protocol ----------------------------------------------------------------------

KINDS = {
    "json": 200,
    "text": 200,
    "bytes": 200,
    "empty": 200,
    "no-content": 204,
    "redirect": 303,
    "stream": 200,
    "file": 200,
    "api-error": 409,
    "werkzeug-error": 405,
    "crash": 500,
    "cookie": 200,
    "hostile": 200,
    "nothing-here": 404,
}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_path_parses_strictly(address: str, kind: str, method: str) -> None:
    answer = exchange(address, method, f"/{kind}?tag=t")
    assert answer.status == KINDS[kind]
    length = answer.header("Content-Length")
    if answer.status in (204, 304):
        assert (answer.body, length, answer.header("Content-Type")) == (b"", None, None)
    elif method == "HEAD":
        assert answer.body == b""
    elif length is not None:
        assert int(length) == len(answer.body)


def test_304_parses_strictly(address: str) -> None:
    etag = exchange(address, "GET", "/json").header("ETag")
    assert etag is not None
    answer = exchange(address, "GET", "/json", [("If-None-Match", etag)])
    assert (answer.status, answer.body, answer.header("ETag")) == (304, b"", etag)
    assert answer.header("Content-Length") is None


def test_head_has_the_get_headers(address: str) -> None:
    get, head = exchange(address, "GET", "/json"), exchange(address, "HEAD", "/json")
    drop = {b"date"}
    assert [h for h in head.headers if h[0] not in drop] == [
        h for h in get.headers if h[0] not in drop
    ]


# -- injection and leaks -------------------------------------------------------------


def test_hostile_header_values_are_refused_not_sent(address: str) -> None:
    answer = exchange(address, "GET", "/hostile")
    assert json.loads(answer.body) == {"refused": 4}
    assert answer.header("X-Hostile") is None
    assert answer.header("X-Injected") is None


def test_cookie_values_cannot_split_the_response(address: str) -> None:
    answer = exchange(address, "GET", "/cookie")
    assert answer.header("X-Injected") is None
    [cookie] = [v for k, v in answer.headers if k == b"set-cookie"]
    assert b"\r" not in cookie
    assert b"\n" not in cookie
    assert b"\x00" not in cookie


def test_error_message_stays_in_the_body(address: str) -> None:
    answer = exchange(address, "GET", "/api-error", [("Accept", "text/plain")])
    assert answer.status == 409
    assert answer.body == b"bad\r\nSet-Cookie: stolen=1"
    assert [v for k, v in answer.headers if k == b"set-cookie"] == [
        b"session=s1; Path=/"
    ]
    assert answer.header("Retry-After") == "1"
    assert answer.header("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("accept", ["application/json", "text/plain"])
def test_a_crash_leaks_nothing(address: str, accept: str) -> None:
    answer = exchange(address, "GET", "/crash", [("Accept", accept)])
    assert answer.status == 500
    for leak in (b"secret", b"KeyError", b"Traceback", b"/srv/", b".py", b"<"):
        assert leak not in answer.body
    assert answer.header("X-Half") == "done"  # set before the crash: kept
    assert answer.header("X-Content-Type-Options") == "nosniff"


def test_a_crash_is_logged_with_its_traceback(server: tuple[str, list[str]]) -> None:
    address, log = server
    exchange(address, "GET", "/crash?tag=logged")
    assert logged(log, "KeyError")
    text = "".join(log)
    assert "unhandled exception in tests.reliability_app.answer for GET /crash" in text
    assert f"KeyError: '{SECRET}'" in text


# -- request bodies ------------------------------------------------------------------

LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", b'{"a": 1', 400),
        ("application/json", b"[" * 100_000 + b"]" * 100_000, 400),
        ("text/plain; charset=utf-8", b"\xff\xfe", 400),
        ("application/octet-stream", b"x" * LIMIT, 200),
        ("application/octet-stream", b"x" * (LIMIT + 1), 413),
    ],
    ids=["malformed", "nested-100000", "bad-charset", "at-limit", "over-limit"],
)
def test_request_bodies(
    address: str, content_type: str, body: bytes, status: int
) -> None:
    answer = exchange(address, "POST", "/body", [("Content-Type", content_type)], body)
    assert answer.status == status


def test_a_huge_declared_body_is_refused_without_reading_it(address: str) -> None:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"
        )
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_granian_writes_its_own_reason_phrases(
    address: str, request: pytest.FixtureRequest
) -> None:
    # The app's status line says werkzeug's phrase; granian sends the status code
    # with its own (RFC 7231's), as the deploy guide says. Clients read the code.
    if request.node.callspec.params["server"] != "granian":
        pytest.skip("gunicorn sends the app's status line as it is")
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"
        )
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413 Payload Too Large\r\n")


def test_a_chunked_body_over_the_limit_is_413(address: str) -> None:
    host, port = address.rsplit(":", 1)
    chunk = b"x" * 65536
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /body HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(40):  # 2.5 MiB offered; the server stops reading at 1 MiB
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed before taking it all
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_a_multipart_bomb_is_413(address: str) -> None:
    before = stats(address)
    parts = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i
        for i in range(5000)
    )
    answer = exchange(
        address,
        "POST",
        "/body",
        [("Content-Type", "multipart/form-data; boundary=b")],
        parts + b"--b--\r\n",
    )
    assert answer.status == 413
    assert json.loads(answer.body)["detail"] == (
        "Request form exceeds the limits on its size or parts"
    )
    big_field = (
        b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n'
        + b"x" * 600_000
        + b"\r\n--b--\r\n"
    )
    answer = exchange(
        address,
        "POST",
        "/body",
        [("Content-Type", "multipart/form-data; boundary=b")],
        big_field,
    )
    assert answer.status == 413
    assert (
        settled(address, lambda now: now["fds"] <= before["fds"])["fds"]
        <= before["fds"]
    )


# -- faults --------------------------------------------------------------------------


def test_a_client_leaving_mid_stream_leaves_the_worker_healthy(address: str) -> None:
    before = stats(address)
    host, port = address.rsplit(":", 1)
    for kind in ("stream", "file"):
        for _ in range(5):
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                sock.sendall(f"GET /{kind} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                sock.recv(100)  # the status line, then hang up
    after = settled(
        address,
        lambda now: (
            now["stream"] >= before["stream"] + 5
            and now["file"] >= before["file"] + 5
            and now["fds"] <= before["fds"]
        ),
    )
    assert after["stream"] >= before["stream"] + 5
    assert after["file"] >= before["file"] + 5
    assert after["fds"] <= before["fds"]
    assert exchange(address, "GET", "/json").status == 200


def test_a_stream_that_fails_after_the_headers(server: tuple[str, list[str]]) -> None:
    address, log = server
    before = stats(address)
    # The body ends before its end: gunicorn sends the status and three chunks, then
    # closes; granian does the same, or, now and then under load (15 times in 300
    # with 16 clients), closes before it has written anything. Both are refused so.
    with pytest.raises(h11.RemoteProtocolError):
        exchange(address, "GET", "/stream-fails")
    after = settled(
        address,
        lambda now: now["stream"] > before["stream"] and now["fds"] <= before["fds"],
    )
    assert after["stream"] == before["stream"] + 1  # its close() ran
    assert after["fds"] <= before["fds"]
    assert exchange(address, "GET", "/json").status == 200
    # Logged where the app logs, with the failure; the log is read as it comes.
    assert logged(log, "a streamed body failed after 3 chunks")
    assert logged(log, "RuntimeError")


# -- concurrency ---------------------------------------------------------------------


def test_concurrent_requests_never_mix(address: str) -> None:
    kinds = ["json", "text", "redirect", "api-error"]

    def one(i: int) -> None:
        tag = f"t{i}"
        kind = kinds[i % len(kinds)]
        answer = exchange(address, "GET", f"/{kind}?tag={tag}")
        assert answer.header("X-Tag") == tag
        if kind == "json":
            assert json.loads(answer.body)["tag"] == tag
        elif kind == "text":
            assert answer.body == f"tag {tag}".encode()
        elif kind == "redirect":
            assert answer.header("Location") == f"/see/{tag}/%C3%A9"
        else:
            assert answer.status == 409

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(400)))


# -- soak ----------------------------------------------------------------------------

SOAK_SECONDS = float(os.environ.get("NEXTRESP_SOAK_SECONDS", "4"))
MIX = [
    ("GET", "/json", [], b"", 200),
    ("GET", "/redirect", [], b"", 303),
    ("GET", "/api-error", [], b"", 409),
    ("GET", "/crash", [], b"", 500),
    ("GET", "/no-content", [], b"", 204),
    (
        "POST",
        "/body",
        [("Content-Type", "application/octet-stream")],
        b"x" * LIMIT,
        200,
    ),
    ("POST", "/body", [("Content-Type", "application/json")], b'{"ok": true}', 200),
]


def drive(
    address: str, seconds: float, clients: int = 6, mix: list[Any] = MIX
) -> tuple[int, list[str]]:
    """Send the mixed load from ``clients`` threads for ``seconds``."""
    stop = time.monotonic() + seconds
    served = [0]
    failures: list[str] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < stop:
            method, path, headers, body, status = mix[i % len(mix)]
            i += 1
            try:
                answer = exchange(address, method, path, headers, body)
            except (OSError, h11.ProtocolError) as exc:
                with lock:
                    failures.append(f"{path}: {exc!r}")
                continue
            with lock:
                served[0] += 1
                if answer.status != status:
                    failures.append(f"{path}: {answer.status}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return served[0], failures


@pytest.mark.soak
def test_soak(address: str, request: pytest.FixtureRequest) -> None:
    """Mixed load for NEXTRESP_SOAK_SECONDS (4 by default; more for a longer soak).

    A first quarter warms up: the allocator keeps what peak load took (1 MiB bodies
    in eight threads at once), which is not a leak; growth is measured after it.
    granian's worker holds request bodies in memory that its allocator returns in
    swings of tens of MB either way; under it, growth is measured on the load
    without the 1 MiB bodies, after half as long again of the whole mix.
    """
    warm_served, warm_failures = drive(address, max(1.0, SOAK_SECONDS / 4))
    if request.node.callspec.params["server"] == "granian":
        served, failures = drive(address, SOAK_SECONDS / 2)
        warm_served += served
        warm_failures += failures
        mix = [entry for entry in MIX if len(entry[3]) < LIMIT]
    else:
        mix = MIX
    # Two equal windows after the warm-up: a leak grows RSS in each, while an
    # allocator that reaches a new high-water mark late (a busy machine slows the
    # warm-up, and eight threads may each get an arena of their own) grows it once.
    rss = [stats(address)["rss"]]
    served, failures = 0, []
    for _ in range(2):
        more, more_failures = drive(address, SOAK_SECONDS, mix=mix)
        served, failures = served + more, failures + more_failures
        rss.append(stats(address)["rss"])
    grown = [(after - before) / 1e6 for before, after in itertools.pairwise(rss)]
    print(
        f"\nsoak: {warm_served} + {served} requests in {2 * SOAK_SECONDS:.0f} s,"
        f" RSS {grown[0]:+.2f} then {grown[1]:+.2f} MB after the warm-up"
    )
    assert warm_failures + failures == []
    assert served > 0
    assert min(grown) < 5
