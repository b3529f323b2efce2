"""Live: a keep-alive connection survives a 413 under gunicorn, as under Next.js.

The body over the limit (1 MiB by default) is read and dropped when it is at most
twice the limit; the next request on the same connection is then read and answered.
gunicorn alone reads 64 KiB of a body the app left, and closes after a larger one.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from .support import gunicorn


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    """gunicorn with threads, which keep connections alive (sync workers close)."""
    with gunicorn(
        "tests.body_limit_app:app",
        "--workers=1",
        "--worker-class=gthread",
        "--threads=2",
        "--keep-alive=30",
    ) as (address, _log):
        host, port = address.rsplit(":", 1)
        yield host, int(port)


def read_response(
    sock: socket.socket, buffer: bytearray
) -> tuple[int, dict[str, str], bytes]:
    """Read one response with a Content-Length from ``sock``; keep what follows."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before a response: {bytes(buffer)!r}"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed mid-body"
        rest += chunk
    buffer[:] = rest[length:]
    return int(status_line.split()[1]), headers, rest[:length]


def post(size: int) -> bytes:
    return (
        b"POST / HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % size
    ) + b"x" * size


LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    "size", [LIMIT + 1, 2 * LIMIT], ids=["one-byte-over", "twice-the-limit"]
)
def test_the_next_request_on_the_connection_is_answered_after_a_413(
    server: tuple[str, int], size: int
) -> None:
    with socket.create_connection(server, timeout=30) as sock:
        buffer = bytearray()
        sock.sendall(post(size))
        status, headers, body = read_response(sock, buffer)
        assert status == 413
        assert headers["connection"] == "keep-alive"
        assert json.loads(body)["detail"] == (
            "Request body exceeds the limit of 1048576 bytes"
        )
        sock.sendall(post(3))
        status, headers, body = read_response(sock, buffer)
        assert (status, body) == (200, b'{"length":3}')


def test_a_body_within_the_limit_keeps_the_connection_too(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server, timeout=30) as sock:
        buffer = bytearray()
        for size in (LIMIT, 0, 7):
            sock.sendall(post(size))
            status, _, body = read_response(sock, buffer)
            assert (status, body) == (200, b'{"length":%d}' % size)
