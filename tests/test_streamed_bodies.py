"""A streamed body as the server iterates it: a file's chunk size, and what a
failure after some chunks logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from nextresp import ApiResponse, api_handler


def test_a_file_is_read_64_kib_at_a_time_without_a_server_file_wrapper(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 300)  # 76800 bytes
    environ = EnvironBuilder().get_environ()
    assert "wsgi.file_wrapper" not in environ

    def start_response(status: str, headers: list[tuple[str, str]]) -> Any:
        return None

    handler = api_handler(lambda req, res: res.send(path.open("rb")))
    app_iter = handler(environ, start_response)
    try:
        chunks = list(app_iter)
    finally:
        app_iter.close()
    assert [len(chunk) for chunk in chunks] == [65536, 76800 - 65536]
    assert b"".join(chunks) == path.read_bytes()


def test_a_failing_stream_logs_every_chunk_and_byte_it_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def rows() -> Iterator[bytes]:
        yield b"ab"
        yield b"cde"
        raise ConnectionError("database went away")

    chunks = iter(ApiResponse().send(rows()).response)
    assert [next(chunks), next(chunks)] == [b"ab", b"cde"]
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(ConnectionError),
    ):
        next(chunks)
    [record] = caplog.records
    assert record.getMessage() == (
        "a streamed body failed after 2 chunks (5 bytes) went to the server; the"
        " server closes the connection, so the client gets a body cut short, or no"
        " answer at all if the server had not written the status line yet"
    )
