"""``res.send_file``: the exact header lines of a 416 and of a named download."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nextresp import ApiResponse

from .send_file_support import DATA, MODIFIED, TAG, sender
from .support import call_wsgi


def test_a_416_for_a_download_has_only_the_problems_headers(path: Path) -> None:
    """Nothing of the file is sent, so neither its validators nor its name."""
    r = call_wsgi(sender(path, download=True), headers={"Range": "bytes=99-"})
    assert r.status_code == 416
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "application/problem+json"),
        ("Content-Length", str(len(r.data))),
        ("Content-Range", "bytes */10"),
    ]
    assert r.data == (
        b'{"type":"about:blank","title":"Range Not Satisfiable","status":416,'
        b'"detail":"The file has 10 bytes."}'
    )


def test_a_download_sends_its_header_lines_in_their_usual_case(path: Path) -> None:
    r = call_wsgi(sender(path, download=True))
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Disposition", "attachment; filename=data.txt"),
        ("Last-Modified", MODIFIED),
        ("ETag", TAG),
        ("Content-Length", "10"),
        ("Accept-Ranges", "bytes"),
    ]


def test_a_name_with_no_ascii_letter_falls_back_to_download(path: Path) -> None:
    r = call_wsgi(sender(path, filename="日本"))
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=download; filename*=UTF-8''%E6%97%A5%E6%9C%AC"
    )


def test_filename_star_keeps_the_characters_rfc_8187_allows(path: Path) -> None:
    r = call_wsgi(sender(path, filename="é!#$&+^`|~.txt"))
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=e!#$&+^`|~.txt; filename*=UTF-8''%C3%A9!#$&+^`|~.txt"
    )


def test_a_filename_of_the_wrong_type_is_named_in_the_error() -> None:
    with pytest.raises(TypeError) as raised:
        ApiResponse.blank().send_file(io.BytesIO(DATA), filename=b"d.bin")  # type: ignore[arg-type]
    assert str(raised.value) == (
        "send_file() filename must be a str, not b'd.bin' (bytes)"
    )
