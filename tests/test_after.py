"""``res.after(fn)``: work that runs once the answer is handed to the server."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

from .support import call_wsgi


def test_after_runs_once_the_body_is_sent() -> None:
    ran: list[str] = []

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(lambda: ran.append("after")).json({"ok": True})

    response = Client(handler).get("/", buffered=False)
    assert response.status_code == 200
    assert ran == []
    assert response.get_data() == b'{"ok":true}'
    response.close()
    assert ran == ["after"]


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param(ApiError(409), id="api-error"),
        pytest.param(RuntimeError("boom"), id="unexpected-500"),
    ],
)
def test_after_runs_once_for_an_error_answer(exc: Exception) -> None:
    ran: list[str] = []

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(lambda: ran.append("after"))
        raise exc

    response = Client(handler).get("/", buffered=False)
    assert response.status_code in (409, 500)
    assert ran == []
    response.close()
    assert ran == ["after"]


def test_after_runs_once_a_stream_ends() -> None:
    ran: list[str] = []

    def chunks() -> Iterator[bytes]:
        ran.append("chunk")
        yield b"a"
        ran.append("chunk")
        yield b"b"

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(lambda: ran.append("after")).send(chunks())

    response = call_wsgi(handler)
    assert response.data == b"ab"
    assert ran == ["chunk", "chunk", "after"]


def test_after_runs_once_a_file_is_sent() -> None:
    ran: list[str] = []
    file = io.BytesIO(b"file body")

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(lambda: ran.append(f"after, closed={file.closed}")).send(file)

    response = call_wsgi(handler)
    assert response.data == b"file body"
    assert ran == ["after, closed=True"]


def test_callbacks_run_in_the_order_given() -> None:
    ran: list[int] = []

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(lambda: ran.append(1)).after(lambda: ran.append(2)).send("x")

    call_wsgi(handler)
    assert ran == [1, 2]


def test_an_exception_in_after_is_logged_and_the_next_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise OSError("queue down")

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.after(broken).after(lambda: ran.append("second")).send("x")

    with caplog.at_level(logging.ERROR, "nextresp"):
        response = call_wsgi(handler)
    assert (response.status_code, response.data) == (200, b"x")
    assert ran == ["second"]
    assert "res.after() work" in caplog.text
    assert "OSError: queue down" in caplog.text
    [record] = caplog.records
    assert record.getMessage() == f"res.after() work {broken!r} raised"


def test_after_takes_a_function() -> None:
    res = ApiResponse.blank()
    with pytest.raises(TypeError) as raised:
        res.after("cleanup")  # type: ignore[arg-type]
    assert str(raised.value) == "after() takes a function def work(), not 'cleanup'"
