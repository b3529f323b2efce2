"""A chain's core, sync or async: the method guard, then the handler and its checks.

Under a sync middleware the handler runs from a plain call; under an async one it is
awaited inside the chain's coroutine. Either way the method guard answers first, the
handler gets ``req`` and the route parameters, and what it returns is checked as
without middleware. Each test runs under one sync middleware, one async middleware,
and a sync one inside an async one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nextresp import ApiRequest, ApiResponse, api_handler

from .conftest import werkzeug_app
from .support import call_wsgi

Next = Callable[[], object]
AsyncNext = Callable[[], Awaitable[object]]

CHAINS = pytest.mark.parametrize("kind", ["sync", "async", "sync-in-async"])


def around(kind: str, seen: list[str]) -> list[Callable[..., Any]]:
    """One middleware of ``kind`` that records the request it was given; for
    ``sync-in-async``, a sync one inside an async one that only awaits it (the
    handler then runs from a sync call inside the loop, and cannot be awaited)."""

    def sync_middleware(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        seen.append(f"{kind} {req.method} {req.path}")
        call_next()

    async def async_middleware(
        req: ApiRequest, res: ApiResponse, call_next: AsyncNext
    ) -> None:
        seen.append(f"{kind} {req.method} {req.path}")
        await call_next()

    async def awaiting(req: ApiRequest, res: ApiResponse, call_next: AsyncNext) -> None:
        await call_next()

    if kind == "sync-in-async":
        return [awaiting, sync_middleware]
    return [sync_middleware if kind == "sync" else async_middleware]


@CHAINS
def test_a_method_the_handler_does_not_take_is_405_with_allow(kind: str) -> None:
    seen: list[str] = []

    @api_handler(methods=["GET", "PUT"], use=around(kind, seen))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler, "POST", "/items")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"
    assert response.data == (
        b'{"type":"about:blank","title":"Method Not Allowed","status":405,'
        b'"detail":"Method POST Not Allowed"}'
    )
    assert seen == [f"{kind} POST /items"]


@CHAINS
def test_an_options_request_is_answered_204_with_allow(kind: str) -> None:
    seen: list[str] = []

    @api_handler(methods=["GET", "PUT"], use=around(kind, seen))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")

    response = call_wsgi(handler, "OPTIONS", "/items")
    assert (response.status_code, response.data) == (204, b"")
    assert response.headers.to_wsgi_list() == [("Allow", "GET, PUT")]
    assert seen == [f"{kind} OPTIONS /items"]


@CHAINS
def test_the_handler_gets_the_request_and_its_route_parameters(kind: str) -> None:
    seen: list[str] = []

    @api_handler(methods=["GET"], use=around(kind, seen))
    def handler(req: ApiRequest, res: ApiResponse, id: int) -> None:
        res.json({"method": req.method, "id": id})

    app = werkzeug_app(handler, "/items/<int:id>")
    response = call_wsgi(app, "GET", "/items/7")
    assert (response.status_code, response.data) == (200, b'{"method":"GET","id":7}')
    assert seen == [f"{kind} GET /items/7"]


@CHAINS
def test_a_handler_returning_res_is_answered_as_it_set_it(kind: str) -> None:
    @api_handler(use=around(kind, []))
    def handler(req: ApiRequest, res: ApiResponse) -> ApiResponse:
        return res.status(201).json({"made": True})

    response = call_wsgi(handler)
    assert (response.status_code, response.data) == (201, b'{"made":true}')


@CHAINS
def test_a_handler_returning_a_value_is_a_500_saying_what_it_returned(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler(use=around(kind, []))
    def handler(req: ApiRequest, res: ApiResponse) -> Any:
        return {"id": 1}

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        response = call_wsgi(handler)
    assert response.status_code == 500
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is TypeError
    assert str(record.exc_info[1]) == (
        f"{handler.name}() returned {{'id': 1}}; an api_handler answers through res"
        " (res.json(...), res.send(...)) and returns None or res; to send a returned"
        " value as JSON, annotate its type (-> Todo)"
    )


@CHAINS
def test_a_handler_that_sends_nothing_is_warned_of(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler(use=around(kind, []))
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.status(202)

    with caplog.at_level(logging.WARNING, logger="nextresp"):
        response = call_wsgi(handler, "GET", "/quiet")
    assert (response.status_code, response.data) == (202, b"")
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"{handler.name} returned for GET /quiet without sending a response;"
        " answering 202 with an empty body (finish it with res.json(), res.send()"
        " or res.end())"
    )
