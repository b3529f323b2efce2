"""Closing: what a response holds is released once, whatever happens to it.

PEP 3333: the server calls the app iterable's ``close()`` when it is done, whether or
not it read the body, and the app passes that on to what it holds (files, generators,
``call_on_close`` callbacks). Bodies are framed honestly: a ``Content-Length`` is
sent only when it is the length of the body that follows.
"""

from __future__ import annotations

import inspect
import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from nextresp import ApiError, ApiResponse, api_handler

from .support import Call, call_wsgi

# -- call_on_close ---------------------------------------------------------------

ANSWERS: dict[str, tuple[Callable[[ApiResponse], object], int, bytes]] = {
    "json": (lambda res: res.json({"a": 1}), 200, b'{"a":1}'),
    "text": (lambda res: res.send("text"), 200, b"text"),
    "bytes": (lambda res: res.send(b"bytes"), 200, b"bytes"),
    "empty": (lambda res: res.end(), 200, b""),
    "status-only": (lambda res: res.status(201), 201, b""),
    "204": (lambda res: res.status(204).end(), 204, b""),
    "redirect": (lambda res: res.redirect("/next"), 307, b""),
    "stream": (lambda res: res.send(iter([b"a", b"b"])), 200, b"ab"),
}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_call_on_close_callbacks_run_once_the_response_is_sent(
    call: Call, answer: str, method: str
) -> None:
    send, status, body = ANSWERS[answer]
    closed: list[str] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.call_on_close(lambda: closed.append("closed"))
        send(res)

    r = call(handler, method)
    assert (r.status_code, r.data) == (status, b"" if method == "HEAD" else body)
    assert closed == ["closed"]


def test_call_on_close_callbacks_run_with_the_servers_file_wrapper(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    events: list[str] = []
    opened: list[io.BufferedReader] = []

    class ServerFileWrapper:
        def __init__(self, file: io.BufferedReader, size: int) -> None:
            events.append("wrapped")
            self.file = file

        def __iter__(self) -> Iterator[bytes]:
            return iter([self.file.read()])

        def close(self) -> None:
            self.file.close()

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.call_on_close(lambda: events.append("callback"))
        opened.append(path.open("rb"))
        res.send(opened[0])

    r = call_wsgi(handler, environ_overrides={"wsgi.file_wrapper": ServerFileWrapper})
    assert r.data == b"abc"
    assert events.count("callback") == 1
    assert opened[0].closed


# -- what the handler sent before it failed ----------------------------------------


def source_file(tmp_path: Path) -> io.BufferedReader:
    path = tmp_path / "data.bin"
    path.write_bytes(b"never sent")
    return path.open("rb")


@pytest.mark.parametrize(
    "failure",
    [ApiError(503), RuntimeError("crash")],
    ids=["api-error", "unexpected"],
)
def test_a_file_sent_before_a_failure_is_closed(
    call: Call, tmp_path: Path, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    opened: list[io.BufferedReader] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        opened.append(source_file(tmp_path))
        res.send(opened[0])
        raise failure

    with caplog.at_level(logging.CRITICAL, logger="nextresp"):
        r = call(handler)
    assert r.status_code == (503 if isinstance(failure, ApiError) else 500)
    assert b"never sent" not in r.data
    assert opened[0].closed


@pytest.mark.parametrize(
    "failure",
    [ApiError(503), RuntimeError("crash")],
    ids=["api-error", "unexpected"],
)
def test_a_generator_sent_before_a_failure_is_closed(
    call: Call, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"never sent"

    sent: list[Iterator[bytes]] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        sent.append(chunks())
        res.send(sent[0])
        raise failure

    with caplog.at_level(logging.CRITICAL, logger="nextresp"):
        r = call(handler)
    assert b"never sent" not in r.data
    assert inspect.getgeneratorstate(sent[0]) == inspect.GEN_CLOSED  # type: ignore[arg-type]


def test_call_on_close_callbacks_run_when_an_unexpected_error_replaces_the_answer(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    closed: list[str] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.call_on_close(lambda: closed.append("closed"))
        res.send("half")
        raise RuntimeError("crash")

    with caplog.at_level(logging.CRITICAL, logger="nextresp"):
        r = call(handler)
    assert r.status_code == 500
    assert closed == ["closed"]


# -- iterables with and without close() -------------------------------------------


class NoClose:
    """An iterable of bytes with no ``close()``: PEP 3333 makes close() optional."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)


@pytest.mark.parametrize(
    "make",
    [
        lambda: iter([b"a", b"b"]),
        lambda: NoClose([b"a", b"b"]),
        lambda: map(bytes, [b"a", b"b"]),
    ],
    ids=["list-iterator", "iterable-class", "map"],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_stream_without_close_is_sent_and_closed(
    call: Call, make: Callable[[], Any], method: str
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(make())

    r = call(handler, method)
    assert (r.status_code, r.data) == (200, b"" if method == "HEAD" else b"ab")
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert "Content-Length" not in r.headers


def test_a_stream_the_server_abandons_part_way_is_closed() -> None:
    closed: list[str] = []

    def chunks() -> Iterator[bytes]:
        try:
            yield b"a"
        finally:
            closed.append("closed")

    res = ApiResponse.blank().send(chunks())
    environ = EnvironBuilder().get_environ()
    app_iter = res(environ, lambda status, headers, exc_info=None: lambda data: None)
    next(iter(app_iter))  # started, then abandoned: the server closes it
    app_iter.close()  # type: ignore[attr-defined]
    assert closed == ["closed"]


# -- framing ------------------------------------------------------------------------


@pytest.mark.parametrize("position", [10, 11, 50], ids=["at-end", "past-end+1", "far"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_file_read_to_its_end_is_sent_empty_with_length_0(
    call: Call, tmp_path: Path, position: int, method: str
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789")

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        file = path.open("rb")
        file.seek(position)
        res.send(file)

    r = call(handler, method)
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Length"] == "0"


def test_a_file_is_streamed_in_parts_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 1024  # 256 KiB
    path.write_bytes(data)
    with path.open("rb") as file:
        res = ApiResponse.blank().send(file)
        parts = list(res.iter_encoded())
    assert b"".join(parts) == data
    assert len(parts) > 1


def test_a_stream_sent_after_set_data_has_no_stale_length(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_data(b"draft")  # werkzeug's setter: sets Content-Length: 5
        res.send(iter([b"the final ", b"body"]))

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"the final body")
    assert "Content-Length" not in r.headers


def test_a_tuple_sent_after_set_data_has_its_own_length(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_data(b"draft")
        res.send((b"the final ", b"body"))

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"the final body")
    assert r.headers["Content-Length"] == "14"


def test_a_file_sent_after_set_data_has_the_files_length(
    call: Call, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789")

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_data(b"draft")
        res.send(path.open("rb"))

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"0123456789")
    assert r.headers["Content-Length"] == "10"


# -- the server's wsgi.file_wrapper (PEP 3333, "Optional Platform-Specific File
# -- Handling") ---------------------------------------------------------------------


class ServerFileWrapper:
    """A server's ``wsgi.file_wrapper``, recording how it was made."""

    made: ClassVar[list[ServerFileWrapper]]

    def __init__(self, file: io.BufferedReader, block_size: int = 8192) -> None:
        self.made.append(self)
        self.file = file
        self.block_size = block_size

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.file.read(self.block_size), b"")

    def close(self) -> None:
        self.file.close()


@pytest.fixture
def file_wrapper() -> type[ServerFileWrapper]:
    class Wrapper(ServerFileWrapper):
        made: ClassVar[list[ServerFileWrapper]] = []

    return Wrapper


def test_the_app_iterable_is_the_servers_file_wrapper(
    tmp_path: Path, file_wrapper: type[ServerFileWrapper]
) -> None:
    # PEP 3333: the server may use its platform's fast path only if the application
    # returns the very object that wsgi.file_wrapper made.
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789")

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(path.open("rb"))

    environ = EnvironBuilder().get_environ()
    environ["wsgi.file_wrapper"] = file_wrapper
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> Any:
        started.append((status, headers))

    app_iter = handler(environ, start_response)
    [wrapper] = file_wrapper.made
    assert app_iter is wrapper
    assert isinstance(wrapper.block_size, int)
    assert wrapper.block_size > 0
    assert b"".join(app_iter) == b"0123456789"
    assert dict(started[0][1])["Content-Length"] == "10"
    wrapper.close()


def test_the_servers_file_wrapper_is_used_once_under_every_host(
    call: Call, tmp_path: Path, file_wrapper: type[ServerFileWrapper]
) -> None:
    # The werkzeug and Flask hosts finalize the response twice (once in api_handler,
    # once when it is sent): finalize() is safe to call more than once.
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789" * 10_000)
    opened: list[io.BufferedReader] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        opened.append(path.open("rb"))
        res.send(opened[0])

    r = call(handler, environ_overrides={"wsgi.file_wrapper": file_wrapper})
    assert r.data == path.read_bytes()
    assert r.headers["Content-Length"] == "100000"
    assert [made.file for made in file_wrapper.made] == opened
    assert opened[0].closed


def test_finalize_twice_leaves_the_servers_file_wrapper_in_place(
    tmp_path: Path, file_wrapper: type[ServerFileWrapper]
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    environ = EnvironBuilder().get_environ()
    environ["wsgi.file_wrapper"] = file_wrapper
    with path.open("rb") as file:
        res = ApiResponse.blank().send(file)
        res.finalize(environ)
        res.finalize(environ)
        [wrapper] = file_wrapper.made
        assert res.response is wrapper
        assert b"".join(res.response) == b"abc"


def test_json_bodies_are_unaffected_by_a_servers_file_wrapper(
    call: Call, file_wrapper: type[ServerFileWrapper]
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.json({"a": 1})

    r = call(handler, environ_overrides={"wsgi.file_wrapper": file_wrapper})
    assert json.loads(r.data) == {"a": 1}
    assert file_wrapper.made == []
