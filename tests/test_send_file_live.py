"""Live: ``res.send_file`` under gunicorn, read by curl, http.client and h11.

Every exchange of a test runs on one kept-alive connection, so a response with a
wrong length would break the next one: each next response must parse.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import h11
import pytest

from .support import gunicorn

DATA = bytes(range(256)) * 4096 + b"end"  # 1 MiB and 3 bytes
SIZE = len(DATA)
CURL = shutil.which("curl")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    (folder / "data.bin").write_bytes(DATA)
    (folder / "notes é.txt").write_bytes("héllo\n".encode())
    return folder


@pytest.fixture(scope="module", params=["sync", "gthread"])
def server(request: pytest.FixtureRequest, root: Path) -> Iterator[str]:
    options = [
        f"--worker-class={request.param}",
        "--workers=1",
        f"--env=SEND_FILE_ROOT={root}",
    ]
    if request.param == "gthread":
        options.append("--threads=4")
    with gunicorn("tests.send_file_app:app", *options) as (address, _log):
        yield address


@pytest.fixture(scope="module")
def keep_alive(root: Path) -> Iterator[str]:
    """gunicorn's threaded worker, which keeps connections open between requests."""
    options = [
        "--worker-class=gthread",
        "--threads=4",
        "--workers=1",
        f"--env=SEND_FILE_ROOT={root}",
    ]
    with gunicorn("tests.send_file_app:app", *options) as (address, _log):
        yield address


# -- curl ---------------------------------------------------------------------------

needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")


def curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert CURL is not None
    return subprocess.run(
        [CURL, "-sS", *args], capture_output=True, timeout=30, check=True
    )


@needs_curl
@pytest.mark.parametrize(
    ("range_", "body"),
    [
        ("0-99", DATA[:100]),
        ("1000-", DATA[1000:]),
        ("-3", b"end"),
        (f"{SIZE - 10}-{SIZE + 500}", DATA[-10:]),
    ],
    ids=["first", "open-ended", "suffix", "past-end"],
)
def test_curl_range(server: str, range_: str, body: bytes) -> None:
    done = curl(
        "--range",
        range_,
        "-w",
        "%{http_code}",
        "-o",
        "-",
        f"http://{server}/files/data.bin",
    )
    assert done.stdout == body + b"206"


@needs_curl
def test_curl_range_past_the_end_is_a_416(server: str) -> None:
    done = curl(
        "--range",
        f"{SIZE}-",
        "-D",
        "-",
        "-o",
        "/dev/null",
        f"http://{server}/files/data.bin",
    )
    head = done.stdout.decode("latin-1").lower()
    assert head.startswith("http/1.1 416 ")
    assert f"content-range: bytes */{SIZE}\r\n" in head


@needs_curl
@pytest.mark.parametrize("have", [0, 1, 65536, SIZE - 1, SIZE])
def test_curl_resumes_a_partial_download(
    server: str, tmp_path: Path, have: int
) -> None:
    partial = tmp_path / "data.bin"
    partial.write_bytes(DATA[:have])
    # curl -C - asks for the bytes after those it has; a complete file gets a 416,
    # which curl takes as "already complete".
    subprocess.run(
        [CURL, "-sS", "-C", "-", "-o", str(partial), f"http://{server}/files/data.bin"],
        capture_output=True,
        timeout=30,
        check=True,
    )
    assert partial.read_bytes() == DATA


@needs_curl
def test_curl_saves_the_utf8_file_name(server: str, tmp_path: Path) -> None:
    done = curl(
        "-D", "-", "-o", "/dev/null", f"http://{server}/files/notes%20%C3%A9.txt"
    )
    head = done.stdout.decode("latin-1")
    assert "Content-Type: text/plain; charset=utf-8\r\n" in head
    assert "Content-Length: 7\r\n" in head


# -- one kept-alive connection, http.client ------------------------------------------


def test_many_exchanges_on_one_connection(keep_alive: str) -> None:
    connection = http.client.HTTPConnection(keep_alive, timeout=15)
    try:

        def get(
            headers: dict[str, str], method: str = "GET"
        ) -> tuple[int, dict[str, str], bytes]:
            connection.request(method, "/files/data.bin", headers=headers)
            response = connection.getresponse()
            body = response.read()
            assert not response.will_close
            return response.status, dict(response.getheaders()), body

        status, headers, body = get({})
        assert (status, body) == (200, DATA)
        sock = connection.sock
        etag = headers["ETag"]
        exchanges = [
            ({"Range": "bytes=0-99"}, 206, DATA[:100], "bytes 0-99/1048579"),
            ({"Range": "bytes=-3"}, 206, b"end", f"bytes {SIZE - 3}-{SIZE - 1}/{SIZE}"),
            ({"Range": f"bytes={SIZE}-"}, 416, None, f"bytes */{SIZE}"),
            (
                {"Range": "bytes=5-9", "If-Range": etag},
                206,
                DATA[5:10],
                f"bytes 5-9/{SIZE}",
            ),
            ({"Range": "bytes=5-9", "If-Range": '"stale"'}, 200, DATA, None),
            ({"Range": "bytes=0-0,5-5"}, 200, DATA, None),
            ({"If-None-Match": etag}, 304, b"", None),
            ({"Range": "bytes=100-"}, 206, DATA[100:], f"bytes 100-{SIZE - 1}/{SIZE}"),
        ]
        for sent, expected_status, expected_body, content_range in exchanges:
            status, headers, body = get(sent)
            assert status == expected_status, sent
            assert headers.get("Content-Range") == content_range, sent
            if expected_body is not None:
                assert body == expected_body, sent
            if status != 304:
                assert headers["Content-Length"] == str(len(body)), sent
        status, headers, body = get({"Range": "bytes=0-3"}, "HEAD")
        assert (status, body, headers["Content-Length"]) == (206, b"", "4")
        status, _headers, body = get({})
        assert (status, body) == (200, DATA)
        assert connection.sock is sock  # the same connection all along
    finally:
        connection.close()


# -- one kept-alive connection, h11 (strict about framing) ---------------------------


def test_h11_reads_every_answer_on_one_connection(keep_alive: str) -> None:
    host, port = keep_alive.rsplit(":", 1)
    requests = [
        ("GET", [("Range", "bytes=0-9")], 206, DATA[:10]),
        ("GET", [("Range", f"bytes={SIZE + 5}-")], 416, None),
        ("HEAD", [("Range", "bytes=0-9")], 206, b""),
        ("GET", [("Range", "bytes=-1")], 206, b"d"),
        ("HEAD", [], 200, b""),
        ("GET", [("Range", "bytes=0-0,2-2")], 200, DATA),
        ("GET", [], 200, DATA),
    ]
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        client = h11.Connection(h11.CLIENT)
        for method, headers, status, expected in requests:
            sock.sendall(
                client.send(
                    h11.Request(
                        method=method,
                        target="/files/data.bin",
                        headers=[("Host", keep_alive), *headers],
                    )
                )
                + client.send(h11.EndOfMessage())
            )
            response = None
            chunks: list[bytes] = []
            while True:
                event = client.next_event()
                if event is h11.NEED_DATA:
                    client.receive_data(sock.recv(65536))
                elif isinstance(event, h11.Response):
                    response = event
                elif isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, h11.EndOfMessage):
                    break
            assert response is not None
            assert response.status_code == status, (method, headers)
            if expected is not None:
                assert b"".join(chunks) == expected, (method, headers)
            assert client.our_state is h11.DONE
            assert client.their_state is h11.DONE
            client.start_next_cycle()


# -- the recipe: a client cannot leave the folder -------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/files/../send_file_app.py",
        "/files/..%2f..%2fetc%2fpasswd",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files//etc/passwd",
        "/files/..\\..\\etc\\passwd",
    ],
)
def test_a_client_cannot_leave_the_folder(server: str, target: str) -> None:
    host, port = server.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404 ")
    assert b"root:" not in answer
