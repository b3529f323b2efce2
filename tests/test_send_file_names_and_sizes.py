"""``res.send_file``: the type guessed from a file's name, and the length it counts."""

from __future__ import annotations

import io
import mimetypes
import tempfile
from pathlib import Path
from typing import Any

import pytest

from nextresp import ApiResponse, api_handler

from .send_file_support import DATA, sender
from .support import call_wsgi


def content_type_of(tmp_path: Path, name: str) -> str:
    file = tmp_path / name
    file.write_bytes(DATA)
    return call_wsgi(sender(file)).headers["Content-Type"]


def test_an_svg_is_text_in_utf_8(tmp_path: Path) -> None:
    assert content_type_of(tmp_path, "logo.svg") == "image/svg+xml; charset=utf-8"


def test_javascript_is_text_in_utf_8_under_its_older_name_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's own table, without /etc/mime.types, calls .js so."""
    mimetypes.guess_type("init.js")  # the table is read on first use
    monkeypatch.setitem(mimetypes.types_map, ".js", "application/javascript")
    assert content_type_of(tmp_path, "app.js") == (
        "application/javascript; charset=utf-8"
    )


def test_a_type_only_the_non_strict_table_knows_is_used(tmp_path: Path) -> None:
    # Python lists .pict among its common, non-standard types.
    assert content_type_of(tmp_path, "scan.pict") == "image/pict"


def test_a_compression_send_file_does_not_know_is_sent_as_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mimetypes.guess_type("init.gz")  # the table is read on first use
    monkeypatch.setitem(mimetypes.encodings_map, ".zst", "zstd")
    path = tmp_path / "logs.tar.zst"
    path.write_bytes(DATA)
    r = call_wsgi(sender(path))
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert "Content-Encoding" not in r.headers


def test_a_file_object_without_a_name_is_sent_as_bytes() -> None:
    r = call_wsgi(sender(io.BytesIO(DATA)))
    assert (r.status_code, r.data) == (200, DATA)
    assert r.headers["Content-Type"] == "application/octet-stream"


def test_a_file_named_by_its_descriptor_is_sent_as_bytes() -> None:
    with tempfile.TemporaryFile() as file:  # its name is an int on POSIX
        file.write(DATA)
        file.seek(0)
        r = call_wsgi(sender(file, download=True))
    assert (r.status_code, r.data) == (200, DATA)
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Content-Disposition"] == "attachment"


def test_a_control_character_in_the_files_name_becomes_an_underscore(
    tmp_path: Path,
) -> None:
    path = tmp_path / "re\x01port.txt"
    path.write_bytes(DATA)
    r = call_wsgi(sender(path, download=True))
    assert r.headers["Content-Disposition"] == "attachment; filename=re_port.txt"


def test_an_empty_file_has_a_length_of_zero(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    r = call_wsgi(sender(path))
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "0")


def test_a_file_read_to_its_end_has_a_length_of_zero(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(DATA)

    def handler(req: Any, res: ApiResponse) -> None:
        file = path.open("rb")
        file.read()
        res.send_file(file)

    r = call_wsgi(api_handler(handler))
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "0")


@pytest.mark.parametrize(
    ("read", "rest"), [(3, b"3456789"), (10, b"")], ids=["partly", "to-its-end"]
)
def test_a_bytesio_read_partly_is_sent_with_the_length_of_the_rest(
    read: int, rest: bytes
) -> None:
    def handler(req: Any, res: ApiResponse) -> None:
        file = io.BytesIO(DATA)
        file.read(read)
        res.send_file(file)

    r = call_wsgi(api_handler(handler))
    assert (r.status_code, r.data) == (200, rest)
    assert r.headers["Content-Length"] == str(len(rest))
    assert "Accept-Ranges" not in r.headers
