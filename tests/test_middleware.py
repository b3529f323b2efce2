"""Middleware: ``use=[...]`` composed once around the handler, inside the fold."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nextresp import (
    ApiError,
    ApiOptions,
    ApiRequest,
    ApiResponse,
    Cors,
    api_handler,
    api_methods,
)

from .support import call_wsgi

Next = Callable[[], object]
AsyncNext = Callable[[], Awaitable[object]]


def tagging(name: str, seen: list[str]) -> Callable[..., None]:
    """A middleware that records its entry and exit and sets a header."""

    def middleware(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        seen.append(f"{name} in")
        res.set_header(f"X-{name}", "1")
        try:
            call_next()
        finally:
            seen.append(f"{name} out")

    middleware.__qualname__ = name
    return middleware


def async_tagging(name: str, seen: list[str]) -> Callable[..., Awaitable[None]]:
    async def middleware(
        req: ApiRequest, res: ApiResponse, call_next: AsyncNext
    ) -> None:
        seen.append(f"{name} in")
        res.set_header(f"X-{name}", "1")
        await asyncio.sleep(0)
        try:
            await call_next()
        finally:
            seen.append(f"{name} out")

    middleware.__qualname__ = name
    return middleware


def test_middleware_runs_outermost_first_around_the_handler() -> None:
    seen: list[str] = []

    @api_handler(use=[tagging("a", seen), tagging("b", seen), tagging("c", seen)])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}
    assert [response.headers[f"X-{n}"] for n in "abc"] == ["1", "1", "1"]
    assert seen == ["a in", "b in", "c in", "handler", "c out", "b out", "a out"]


def test_the_chain_is_composed_once_at_decoration() -> None:
    @api_handler(use=[tagging("a", [])])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send("hi")

    chain = handler._chain
    call_wsgi(handler)
    assert handler._chain is chain is not None


def test_no_middleware_means_no_chain() -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send("hi")

    assert handler._chain is None


def test_a_middleware_answers_without_calling_next() -> None:
    ran: list[str] = []

    def auth(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        if req.headers.get("Authorization") != "Bearer ok":
            res.status(401).json({"error": "unauthorized"})
            return
        call_next()

    @api_handler(use=[auth])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        ran.append("handler")
        res.json({"ok": True})

    refused = call_wsgi(handler)
    assert (refused.status_code, refused.get_json()) == (401, {"error": "unauthorized"})
    assert ran == []
    allowed = call_wsgi(handler, headers={"Authorization": "Bearer ok"})
    assert (allowed.status_code, allowed.get_json()) == (200, {"ok": True})


def test_an_api_error_raised_in_a_middleware_is_the_answer_with_its_headers() -> None:
    def auth(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        res.set_header("X-Seen", "auth")
        raise ApiError(401, "Sign in first", headers={"WWW-Authenticate": "Bearer"})

    @api_handler(use=[auth])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"ok": True})

    response = call_wsgi(handler)
    assert response.status_code == 401
    assert response.headers["X-Seen"] == "auth"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Sign in first",
    }


def _failing(status: int | None) -> Callable[..., None]:
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        if status == 413:
            req.body  # noqa: B018 (reading it raises 413)
        elif status is None:
            raise RuntimeError("secret detail")
        raise ApiError(status or 500)

    return handler


@pytest.mark.parametrize(
    ("method", "status", "handler_status"),
    [
        pytest.param("GET", 404, 404, id="api-error"),
        pytest.param("GET", 500, None, id="unexpected-500"),
        pytest.param("POST", 413, 413, id="body-too-large"),
        pytest.param("DELETE", 405, 404, id="method-guard-405"),
    ],
)
def test_headers_set_before_and_after_next_survive_an_error_answer(
    method: str, status: int, handler_status: int | None
) -> None:
    def headers(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        res.set_header("X-Before", "1").cookie("seen", "yes")
        try:
            call_next()
        finally:
            res.set_header("X-After", "1")

    handler = api_handler(methods=["GET", "POST"], use=[headers], body_limit=4)(
        _failing(handler_status)
    )
    response = call_wsgi(handler, method, data=b"0123456789")
    assert response.status_code == status
    assert response.headers["X-Before"] == "1"
    assert response.headers["X-After"] == "1"
    assert response.headers["Set-Cookie"] == "seen=yes; HttpOnly; Path=/; SameSite=Lax"
    assert b"secret" not in response.data


def test_a_middleware_sees_the_automatic_options_answer() -> None:
    seen: list[str] = []

    get_only = api_methods(GET=lambda req, res: res.send("x"), use=[tagging("a", seen)])
    response = call_wsgi(get_only, "OPTIONS")
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["X-a"] == "1"
    assert seen == ["a in", "a out"]


def test_a_middleware_catches_and_translates_an_exception() -> None:
    def translate(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        try:
            call_next()
        except KeyError as exc:
            raise ApiError(404, f"No item {exc.args[0]}") from None

    @api_handler(use=[translate])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise KeyError("7")

    response = call_wsgi(handler)
    assert response.status_code == 404
    assert response.get_json()["detail"] == "No item 7"


def test_an_exception_raised_after_next_replaces_the_handlers_answer() -> None:
    def late(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        call_next()
        raise ApiError(409, "Changed meanwhile")

    @api_handler(use=[late])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Handler", "1").json({"ok": True})

    response = call_wsgi(handler)
    assert response.status_code == 409
    assert response.headers["X-Handler"] == "1"
    assert response.get_json()["detail"] == "Changed meanwhile"


def test_an_auth_middleware_cannot_break_a_cors_preflight() -> None:
    ran: list[str] = []

    def auth(req: ApiRequest, res: ApiResponse, call_next: Next) -> None:
        ran.append("auth")
        raise ApiError(401)

    app = "https://app.example.com"

    @api_handler(cors=Cors([app]), methods=["PUT"], use=[auth])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"ok": True})

    preflight = call_wsgi(
        handler,
        "OPTIONS",
        headers={"Origin": app, "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == app
    assert ran == []
    refused = call_wsgi(handler, "PUT", headers={"Origin": app})
    assert refused.status_code == 401
    assert refused.headers["Access-Control-Allow-Origin"] == app


# -- async ---------------------------------------------------------------------


def test_an_async_middleware_runs_around_a_sync_handler() -> None:
    seen: list[str] = []

    @api_handler(use=[tagging("a", seen), async_tagging("b", seen)])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler)
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    assert response.headers["X-b"] == "1"
    assert seen == ["a in", "b in", "handler", "b out", "a out"]


def test_a_sync_middleware_runs_around_an_async_handler() -> None:
    seen: list[str] = []

    @api_handler(use=[tagging("a", seen)])
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        await asyncio.sleep(0)
        seen.append("handler")
        res.json({"ok": True})

    response = call_wsgi(handler)
    assert (response.status_code, response.get_json()) == (200, {"ok": True})
    assert seen == ["a in", "handler", "a out"]


def test_an_async_middleware_awaits_an_async_handler_on_one_loop() -> None:
    loops: list[object] = []

    async def outer(req: ApiRequest, res: ApiResponse, call_next: AsyncNext) -> None:
        loops.append(asyncio.get_running_loop())
        await call_next()

    @api_handler(use=[outer])
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        loops.append(asyncio.get_running_loop())
        res.json({"ok": True})

    assert call_wsgi(handler).get_json() == {"ok": True}
    assert len(loops) == 2
    assert loops[0] is loops[1]


def test_a_sync_middleware_inside_an_async_one_runs_around_a_sync_handler() -> None:
    seen: list[str] = []

    @api_handler(use=[async_tagging("a", seen), tagging("b", seen)])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        seen.append("handler")
        res.send("ok")

    assert call_wsgi(handler).data == b"ok"
    assert seen == ["a in", "b in", "handler", "b out", "a out"]


def test_an_error_in_an_async_chain_is_folded_with_its_headers() -> None:
    async def late(req: ApiRequest, res: ApiResponse, call_next: AsyncNext) -> None:
        res.set_header("X-Late", "1")
        await call_next()

    @api_handler(use=[late])
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(418)

    response = call_wsgi(handler)
    assert response.status_code == 418
    assert response.headers["X-Late"] == "1"


def test_a_sync_middleware_between_async_middleware_is_refused() -> None:
    seen: list[str] = []
    use = [async_tagging("a", seen), tagging("b", seen), async_tagging("c", seen)]
    with pytest.raises(TypeError) as raised:
        api_handler(use=use)(lambda req, res: None)
    assert str(raised.value) == (
        "the sync middleware b runs inside the async middleware a and around the"
        " async middleware c, which it cannot await; make b async def, or list it"
        " before a"
    )


def test_a_sync_middleware_inside_an_async_one_around_an_async_handler_is_refused() -> (
    None
):
    seen: list[str] = []

    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send("x")

    with pytest.raises(TypeError) as raised:
        api_handler(use=[async_tagging("a", seen), tagging("b", seen)])(handler)
    assert str(raised.value) == (
        "the sync middleware b runs inside the async middleware a and around the"
        " async def handler tests.test_middleware.test_a_sync_middleware_inside_an"
        "_async_one_around_an_async_handler_is_refused.<locals>.handler, which it"
        " cannot await; make b async def, or list it before a"
    )


def test_api_methods_with_one_async_method_is_an_async_handler_to_middleware() -> None:
    seen: list[str] = []

    async def POST(req: ApiRequest, res: ApiResponse) -> None:
        res.send("x")

    with pytest.raises(TypeError) as raised:
        api_methods(
            GET=lambda req, res: None,
            POST=POST,
            use=[async_tagging("a", seen), tagging("b", seen)],
        )
    assert str(raised.value) == (
        "the sync middleware b runs inside the async middleware a and around the"
        " async def handler tests.test_middleware.api_methods(GET=<lambda>,"
        " POST=POST), which it cannot await; make b async def, or list it before a"
    )


def test_a_middleware_object_with_an_async_call_is_async() -> None:
    class Timing:
        async def __call__(
            self, req: ApiRequest, res: ApiResponse, call_next: AsyncNext
        ) -> None:
            await call_next()
            res.set_header("X-Timed", "yes")

    @api_handler(use=[Timing()])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Handler", "1")

    response = call_wsgi(handler)
    assert response.headers["X-Timed"] == "yes"


# -- checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("use", "message"),
    [
        pytest.param(
            "auth",
            "api_handler option use must be a list of middleware functions"
            " def mw(req, res, call_next), as in use=[timing], not 'auth'",
            id="a-string",
        ),
        pytest.param(
            print,
            "api_handler option use must be a list of middleware functions"
            " def mw(req, res, call_next), as in use=[timing], not"
            " <built-in function print>",
            id="one-function-not-in-a-list",
        ),
        pytest.param(
            [42],
            "api_handler option use holds 42, which is not a middleware function"
            " def mw(req, res, call_next), as in use=[timing]",
            id="not-callable",
        ),
        pytest.param(
            [ApiOptions],
            "api_handler option use holds <class 'nextresp._options.ApiOptions'>,"
            " which is not a middleware function def mw(req, res, call_next); call"
            " it: ApiOptions()",
            id="a-class",
        ),
    ],
)
def test_bad_middleware_is_a_type_error_at_the_call(use: Any, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(use=use)
    assert str(raised.value) == message


def test_use_reaches_every_entry_point_through_options() -> None:
    seen: list[str] = []
    shared = ApiOptions(use=[tagging("a", seen)])
    methods = api_methods(GET=lambda req, res: res.send("x"), options=shared)
    assert call_wsgi(methods).headers["X-a"] == "1"
    assert seen == ["a in", "a out"]
