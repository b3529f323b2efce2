"""``res.send_file``: what a conditional request leaves of the response and its file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from werkzeug.test import EnvironBuilder

from nextresp import ApiResponse, api_handler

from .send_file_support import DATA, MODIFIED, TAG, sender
from .support import call_wsgi


def test_a_date_the_handler_set_is_kept_through_a_range(path: Path) -> None:
    date = "Wed, 01 Jan 2025 00:00:00 GMT"
    handler = api_handler(lambda req, res: res.set_header("Date", date).send_file(path))
    r = call_wsgi(handler, headers={"Range": "bytes=0-1"})
    assert (r.status_code, r.data) == (206, b"01")
    assert r.headers.getlist("Date") == [date]


def test_every_condition_at_once_is_weighed(path: Path) -> None:
    r = call_wsgi(
        sender(path),
        headers={
            "Range": "bytes=0-1",
            "If-Match": TAG,
            "If-Unmodified-Since": MODIFIED,
            "If-None-Match": '"other"',
            "If-Modified-Since": "Mon, 13 Nov 2023 22:13:20 GMT",
        },
    )
    assert (r.status_code, r.data) == (206, b"01")
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Last-Modified", MODIFIED),
        ("ETag", TAG),
        ("Content-Length", "2"),
        ("Accept-Ranges", "bytes"),
        ("Content-Range", "bytes 0-1/10"),
    ]


class DescriptorFileWrapper:
    """A server's ``wsgi.file_wrapper`` that sends from the descriptor's offset, as
    sendfile() does (gunicorn's), not from the file object's position."""

    made: ClassVar[list[DescriptorFileWrapper]] = []

    def __init__(self, file: IO[bytes], block_size: int = 8192) -> None:
        DescriptorFileWrapper.made.append(self)
        self.file = file

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: os.read(self.file.fileno(), 8192), b"")

    def close(self) -> None:
        self.file.close()


def serve(handler: Any, headers: dict[str, str]) -> tuple[bool, bytes]:
    """Answer one request whose server has a file wrapper: (wrapped?, body)."""
    DescriptorFileWrapper.made = []
    environ = EnvironBuilder(headers=headers).get_environ()
    environ["wsgi.file_wrapper"] = DescriptorFileWrapper

    def start_response(status: str, headers: list[tuple[str, str]]) -> Any:
        return None

    app_iter = handler(environ, start_response)
    try:
        return app_iter in DescriptorFileWrapper.made, b"".join(app_iter)
    finally:
        app_iter.close()


def test_a_whole_file_after_conditions_still_goes_to_the_servers_wrapper(
    path: Path,
) -> None:
    assert serve(sender(path), {"If-None-Match": '"stale"'}) == (True, DATA)


def test_a_file_read_ahead_by_its_buffer_is_sent_from_its_position(
    tmp_path: Path,
) -> None:
    """readline() reads the whole small file into the buffer; sendfile() must still
    start at the second line."""
    path = tmp_path / "lines.txt"
    path.write_bytes(b"line one\nline two\n")

    def handler(req: Any, res: ApiResponse) -> None:
        file = path.open("rb")
        assert file.readline() == b"line one\n"
        res.send_file(file)

    assert serve(api_handler(handler), {}) == (True, b"line two\n")
