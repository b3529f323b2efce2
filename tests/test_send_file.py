"""``res.send_file``: type, name, validators, and RFC 9110 ranges and conditions."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from werkzeug.security import safe_join
from werkzeug.test import EnvironBuilder

from nextresp import ApiError, ApiResponse, api_handler
from nextresp._response import ResponseAlreadySent

from .conftest import werkzeug_app
from .send_file_support import DATA, sender
from .support import Call, call_wsgi


def test_a_whole_file_is_sent_with_its_validators(call: Call, path: Path) -> None:
    r = call(sender(path))
    assert r.status_code == 200
    assert r.data == DATA
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["Content-Length"] == "10"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert r.headers["ETag"] == f'"{1_700_000_000 * 10**9:x}-a"'
    assert "Content-Disposition" not in r.headers
    assert "Content-Range" not in r.headers


def test_a_str_path_is_sent_too(call: Call, path: Path) -> None:
    assert call(sender(str(path))).data == DATA


@pytest.mark.parametrize(
    ("range_", "content_range", "body"),
    [
        ("bytes=0-3", "bytes 0-3/10", b"0123"),
        ("bytes=5-", "bytes 5-9/10", b"56789"),
        ("bytes=-3", "bytes 7-9/10", b"789"),
        ("bytes=-30", "bytes 0-9/10", DATA),
        ("bytes=8-20", "bytes 8-9/10", b"89"),
        ("bytes=9-9", "bytes 9-9/10", b"9"),
        ("bytes=0-0", "bytes 0-0/10", b"0"),
        ("bytes = 2-3", "bytes 2-3/10", b"23"),
    ],
    ids=[
        "first",
        "open-ended",
        "suffix",
        "suffix-past-start",
        "past-end",
        "last-byte",
        "first-byte",
        "spaces",
    ],
)
def test_one_satisfiable_range_is_a_206(
    call: Call, path: Path, range_: str, content_range: str, body: bytes
) -> None:
    r = call(sender(path), headers={"Range": range_})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == content_range
    assert r.headers["Content-Length"] == str(len(body))
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"].startswith('"')
    assert r.data == body


@pytest.mark.parametrize(
    "range_",
    ["bytes=10-", "bytes=10-20", "bytes=99-", "bytes=-0"],
    ids=["at-end", "past-end", "far-past-end", "empty-suffix"],
)
def test_a_range_past_the_end_is_a_416(call: Call, path: Path, range_: str) -> None:
    r = call(sender(path), headers={"Range": range_})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == "bytes */10"
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.get_json() == {
        "type": "about:blank",
        "title": "Range Not Satisfiable",
        "status": 416,
        "detail": "The file has 10 bytes.",
    }
    assert r.headers["Content-Length"] == str(len(r.data))
    assert "ETag" not in r.headers
    assert "Last-Modified" not in r.headers


@pytest.mark.parametrize(
    "range_",
    ["bytes=0-1,4-5", "items=0-3", "bytes=abc", "bytes=5-2", "bytes=", "0-3"],
    ids=["several", "other-unit", "malformed", "backwards", "empty", "no-unit"],
)
def test_a_range_the_server_may_ignore_gets_the_whole_file(
    call: Call, path: Path, range_: str
) -> None:
    r = call(sender(path), headers={"Range": range_})
    assert r.status_code == 200
    assert r.data == DATA
    assert r.headers["Content-Length"] == "10"
    assert "Content-Range" not in r.headers


def test_if_range_with_the_current_etag_is_a_206(call: Call, path: Path) -> None:
    etag = call(sender(path)).headers["ETag"]
    r = call(sender(path), headers={"Range": "bytes=2-3", "If-Range": etag})
    assert (r.status_code, r.data) == (206, b"23")


def test_if_range_with_a_stale_etag_sends_the_whole_file(
    call: Call, path: Path
) -> None:
    r = call(sender(path), headers={"Range": "bytes=2-3", "If-Range": '"stale"'})
    assert (r.status_code, r.data) == (200, DATA)
    assert "Content-Range" not in r.headers


def test_if_range_with_the_last_modified_date_is_a_206(call: Call, path: Path) -> None:
    headers = {"Range": "bytes=2-3", "If-Range": "Tue, 14 Nov 2023 22:13:20 GMT"}
    r = call(sender(path), headers=headers)
    assert (r.status_code, r.data) == (206, b"23")


def test_if_range_with_an_older_date_sends_the_whole_file(
    call: Call, path: Path
) -> None:
    headers = {"Range": "bytes=2-3", "If-Range": "Mon, 13 Nov 2023 22:13:20 GMT"}
    r = call(sender(path), headers=headers)
    assert (r.status_code, r.data) == (200, DATA)


def test_a_resumed_download_gets_exactly_the_rest(call: Call, path: Path) -> None:
    first = call(sender(path), headers={"Range": "bytes=0-3"})
    etag = first.headers["ETag"]
    rest = call(
        sender(path), headers={"Range": f"bytes={len(first.data)}-", "If-Range": etag}
    )
    assert rest.status_code == 206
    assert first.data + rest.data == DATA


def test_a_matching_if_none_match_is_a_304(call: Call, path: Path) -> None:
    etag = call(sender(path)).headers["ETag"]
    r = call(sender(path), headers={"If-None-Match": etag})
    assert (r.status_code, r.data) == (304, b"")
    assert r.headers["ETag"] == etag
    assert "Content-Length" not in r.headers
    assert "Content-Type" not in r.headers


def test_an_unchanged_if_modified_since_is_a_304(call: Call, path: Path) -> None:
    headers = {"If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT"}
    assert call(sender(path), headers=headers).status_code == 304


def test_a_stale_if_none_match_sends_the_file(call: Call, path: Path) -> None:
    r = call(sender(path), headers={"If-None-Match": '"other"'})
    assert (r.status_code, r.data) == (200, DATA)


def test_head_sends_the_headers_only(call: Call, path: Path) -> None:
    r = call(sender(path), "HEAD")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Length"] == "10"


def test_head_with_a_range_is_a_206_without_a_body(call: Call, path: Path) -> None:
    r = call(sender(path), "HEAD", headers={"Range": "bytes=1-2"})
    assert (r.status_code, r.data) == (206, b"")
    assert r.headers["Content-Range"] == "bytes 1-2/10"
    assert r.headers["Content-Length"] == "2"


def test_a_post_ignores_range(call: Call, path: Path) -> None:
    r = call(sender(path), "POST", headers={"Range": "bytes=1-2"})
    assert (r.status_code, r.data) == (200, DATA)
    assert "Accept-Ranges" not in r.headers


def test_a_status_the_handler_set_is_kept_and_ranges_ignored(
    call: Call, path: Path
) -> None:
    handler = api_handler(lambda req, res: res.status(203).send_file(path))
    r = call(handler, headers={"Range": "bytes=1-2"})
    assert (r.status_code, r.data) == (203, DATA)


def test_without_etags_there_is_no_etag(call: Call, path: Path) -> None:
    handler = api_handler(etag=False)(lambda req, res: res.send_file(path))
    r = call(handler)
    assert "ETag" not in r.headers
    assert r.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"


@pytest.mark.parametrize(
    ("options", "disposition"),
    [
        ({}, None),
        ({"download": False}, "inline; filename=data.txt"),
        ({"download": True}, "attachment; filename=data.txt"),
        ({"filename": "report.txt"}, "attachment; filename=report.txt"),
        ({"download": False, "filename": "r.txt"}, "inline; filename=r.txt"),
        ({"filename": "my report.txt"}, 'attachment; filename="my report.txt"'),
        ({"filename": 'a"b.txt'}, 'attachment; filename="a\\"b.txt"'),
        (
            {"filename": "résumé €.txt"},
            'attachment; filename="resume .txt";'
            " filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.txt",
        ),
        (
            {"filename": "日本.txt"},
            "attachment; filename=.txt; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
        ),
    ],
    ids=[
        "none",
        "inline",
        "download",
        "filename",
        "inline-named",
        "space",
        "quote",
        "utf8",
        "no-ascii",
    ],
)
def test_content_disposition(
    call: Call, path: Path, options: dict[str, Any], disposition: str | None
) -> None:
    r = call(sender(path, **options))
    assert r.headers.get("Content-Disposition") == disposition


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.json", "application/json"),
        ("a.html", "text/html; charset=utf-8"),
        ("a.png", "image/png"),
        ("a.tar.gz", "application/gzip"),
        ("a.unknownext", "application/octet-stream"),
        ("noext", "application/octet-stream"),
    ],
)
def test_the_type_is_guessed_from_the_name(
    call: Call, tmp_path: Path, name: str, content_type: str
) -> None:
    file = tmp_path / name
    file.write_bytes(DATA)
    r = call(sender(file))
    assert r.headers["Content-Type"] == content_type
    assert "Content-Encoding" not in r.headers


def test_a_content_type_set_before_is_kept(call: Call, path: Path) -> None:
    handler = api_handler(
        lambda req, res: res.set_header("Content-Type", "text/csv").send_file(path)
    )
    assert call(handler).headers["Content-Type"] == "text/csv"


def test_a_bytesio_is_sent_with_ranges(call: Call) -> None:
    handler = api_handler(
        lambda req, res: res.send_file(io.BytesIO(DATA), filename="d.bin")
    )
    r = call(handler, headers={"Range": "bytes=3-4"})
    assert (r.status_code, r.data) == (206, b"34")
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert "ETag" not in r.headers


def test_an_open_file_is_sent_with_its_name(call: Call, path: Path) -> None:
    handler = api_handler(lambda req, res: res.send_file(path.open("rb")))
    r = call(handler, headers={"Range": "bytes=0-1"})
    assert (r.status_code, r.data) == (206, b"01")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_file_read_partly_is_sent_from_its_position_without_ranges(
    call: Call, path: Path
) -> None:
    def handler(req: Any, res: ApiResponse) -> None:
        file = path.open("rb")
        file.read(4)
        res.send_file(file)

    r = call(api_handler(handler), headers={"Range": "bytes=0-1"})
    assert (r.status_code, r.data) == (200, b"456789")
    assert r.headers["Content-Length"] == "6"
    assert "Accept-Ranges" not in r.headers


def test_a_stream_of_unknown_size_is_sent_without_ranges(call: Call) -> None:
    class Stream(io.RawIOBase):
        def __init__(self) -> None:
            self.left = [b"ab", b"cd"]

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            return self.left.pop(0) if self.left else b""

    r = call(sender(Stream()), headers={"Range": "bytes=0-0"})
    assert (r.status_code, r.data) == (200, b"abcd")
    assert "Accept-Ranges" not in r.headers
    assert "Content-Length" not in r.headers


@pytest.mark.parametrize("name", ["missing.txt", ".", "data.txt/x"])
def test_a_path_that_is_not_a_file_is_a_404(call: Call, path: Path, name: str) -> None:
    r = call(sender(path.parent / name))
    assert r.status_code == 404
    assert r.get_json()["status"] == 404


def test_a_device_is_a_404(call: Call) -> None:
    assert call(sender("/dev/zero")).status_code == 404


class Recording(io.BytesIO):
    closed_count: ClassVar[list[int]] = []

    def close(self) -> None:
        Recording.closed_count.append(1)
        super().close()


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {}, 200),
        ("GET", {"Range": "bytes=1-2"}, 206),
        ("GET", {"Range": "bytes=50-"}, 416),
        ("HEAD", {}, 200),
    ],
    ids=["whole", "range", "416", "head"],
)
def test_the_file_is_closed_with_the_response(
    call: Call, method: str, headers: dict[str, str], status: int
) -> None:
    Recording.closed_count = []
    r = call(sender(Recording(DATA), filename="d.bin"), method, headers=headers)
    assert r.status_code == status
    assert Recording.closed_count != []


@pytest.mark.parametrize(
    ("source", "options", "error", "message"),
    [
        (7, {}, TypeError, r"send_file\(\) takes a path \(str or pathlib.Path\)"),
        (b"/etc/passwd", {}, TypeError, r"send_file\(\) takes a path"),
        (io.StringIO("x"), {}, TypeError, r"send_file\(\) got a text-mode file"),
        (io.BytesIO(), {"download": "yes"}, TypeError, r"send_file\(\) download must"),
        (
            io.BytesIO(),
            {"filename": 3},
            TypeError,
            r"send_file\(\) filename must be a str",
        ),
        (
            io.BytesIO(),
            {"filename": "a/b"},
            ValueError,
            r"send_file\(\) filename must be a",
        ),
        (io.BytesIO(), {"filename": "a\r\nb"}, ValueError, r"send_file\(\) filename"),
        (io.BytesIO(), {"filename": ""}, ValueError, r"send_file\(\) filename"),
    ],
    ids=[
        "int",
        "bytes-path",
        "text-file",
        "download",
        "filename-type",
        "slash",
        "crlf",
        "empty",
    ],
)
def test_send_file_refuses_bad_arguments(
    source: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        ApiResponse.blank().send_file(source, **options)


def test_send_file_after_a_finished_response_raises(path: Path) -> None:
    with pytest.raises(
        ResponseAlreadySent, match=r"^send_file\(\) was called after end\(\)"
    ):
        ApiResponse.blank().end().send_file(path)


class ServerFileWrapper:
    """A server's ``wsgi.file_wrapper`` (gunicorn's sends it with sendfile())."""

    made: ClassVar[list[ServerFileWrapper]] = []

    def __init__(self, file: Any, block_size: int = 8192) -> None:
        ServerFileWrapper.made.append(self)
        self.file = file

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.file.read(8192), b"")

    def close(self) -> None:
        self.file.close()


@pytest.mark.parametrize(
    ("headers", "wrapped"),
    [({}, True), ({"Range": "bytes=1-2"}, False)],
    ids=["whole-file", "range"],
)
def test_the_whole_file_goes_through_the_servers_file_wrapper(
    path: Path, headers: dict[str, str], wrapped: bool
) -> None:
    ServerFileWrapper.made = []
    environ = EnvironBuilder(headers=headers).get_environ()
    environ["wsgi.file_wrapper"] = ServerFileWrapper

    def start_response(status: str, headers: list[tuple[str, str]]) -> Any:
        return None

    app_iter = sender(path)(environ, start_response)
    try:
        assert (app_iter in ServerFileWrapper.made) is wrapped
        assert b"".join(app_iter) == (DATA if wrapped else b"12")
    finally:
        app_iter.close()


# -- the documented recipe: a file named by a route parameter ------------------------


def files_handler(root: Path) -> Any:
    @api_handler
    def download(req: Any, res: ApiResponse, name: str) -> None:
        path = safe_join(str(root), name)
        if path is None:
            raise ApiError(404)
        res.send_file(path, download=True)

    return download


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    root.mkdir()
    (root / "public.txt").write_bytes(b"public")
    (tmp_path / "secret.txt").write_bytes(b"secret")
    return root


def test_a_name_in_the_folder_is_sent(folder: Path) -> None:
    app = werkzeug_app(files_handler(folder), "/files/<path:name>")
    r = call_wsgi(app, "GET", "/files/public.txt")
    assert (r.status_code, r.data) == (200, b"public")
    assert r.headers["Content-Disposition"] == "attachment; filename=public.txt"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/files/../secret.txt", 404),
        ("/files/..%2fsecret.txt", 404),
        ("/files/..%2F..%2Fetc%2Fpasswd", 404),
        ("/files/%2e%2e%2fsecret.txt", 404),
        ("/files/..%5csecret.txt", 404),
        ("/files/public.txt%00", 404),
        ("/files/", 404),
        # werkzeug's routing redirects the doubled slash to /files/etc/passwd
        ("/files/%2Fetc%2Fpasswd", 308),
    ],
)
def test_a_name_cannot_leave_the_folder(folder: Path, url: str, status: int) -> None:
    app = werkzeug_app(files_handler(folder), "/files/<path:name>")
    r = call_wsgi(app, "GET", url)
    assert r.status_code == status
    assert b"secret" not in r.data
    assert b"root:" not in r.data
