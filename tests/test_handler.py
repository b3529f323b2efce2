"""api_handler: running handlers, folding errors, and what goes on the wire."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.exceptions import (
    HTTPException,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
)
from werkzeug.utils import redirect as werkzeug_redirect
from werkzeug.wrappers import Request, Response

from examples import thing
from nextresp import ApiError, ApiResponse, api_handler

from .support import Call, call_wsgi

AUTH = thing.AUTH


#: A strong ETag: the SHA-1 of the body, as werkzeug makes it.
TAG = hashlib.sha1(b'{"hello":"world"}').hexdigest()

PROBLEM_401 = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Authentication required",
}


# -- the seed example ------------------------------------------------------------


def test_seed_get_answers_json(call: Call) -> None:
    r = call(thing.handler, "GET")
    assert (r.status_code, r.data) == (200, b'{"hello":"world"}')
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == "17"


def test_seed_delete_without_auth_is_401_with_www_authenticate(call: Call) -> None:
    r = call(thing.handler, "DELETE")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Basic"
    assert r.headers["Content-Type"] == "application/problem+json"
    assert json.loads(r.data) == PROBLEM_401


def test_seed_delete_with_wrong_auth_is_403_forbidden(call: Call) -> None:
    r = call(thing.handler, "DELETE", headers={"Authorization": "Basic bm9wZQ=="})
    assert r.status_code == 403
    assert "WWW-Authenticate" not in r.headers
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }


def test_seed_delete_with_auth_is_204_with_no_body(call: Call) -> None:
    thing.things["thing"] = "exists"
    r = call(thing.handler, "DELETE", headers={"Authorization": AUTH})
    assert (r.status_code, r.data) == (204, b"")
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers
    assert thing.things == {}


def test_seed_delete_text_client_gets_the_message_as_text(call: Call) -> None:
    r = call(thing.handler, "DELETE", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (401, b"Authentication required")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["WWW-Authenticate"] == "Basic"


def test_a_handler_that_sends_nothing_answers_200_empty(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        pass

    r = call(handler, "PATCH")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["Content-Length"] == "0"


# -- folding ---------------------------------------------------------------------


def test_folding_keeps_headers_set_before_the_raise(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "abc").set_header("Vary", "Origin")
        res.set_header("Access-Control-Allow-Origin", "*")
        res.set_cookie("session", "s1")
        res.set_cookie("theme", "dark")
        raise ApiError(409, "Version mismatch")

    r = call(handler, "PUT")
    assert r.status_code == 409
    assert r.headers["X-Request-Id"] == "abc"
    assert r.headers["Vary"] == "Accept, Origin"  # the error's body varies too
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers.getlist("Set-Cookie") == [
        "session=s1; Path=/",
        "theme=dark; Path=/",
    ]


def test_error_headers_win_over_headers_set_on_res(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("Retry-After", "5").set_header("WWW-Authenticate", "Basic")
        raise ApiError(
            401,
            headers=[
                ("WWW-Authenticate", 'Bearer realm="api"'),
                ("WWW-Authenticate", 'Basic realm="api"'),
            ],
        )

    r = call(handler)
    assert r.headers.getlist("WWW-Authenticate") == [
        'Bearer realm="api"',
        'Basic realm="api"',
    ]
    assert r.headers["Retry-After"] == "5"


def test_raising_after_send_discards_the_body_and_its_headers(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Kept", "1").set_header("Content-Language", "en")
        res.set_header("Content-Encoding", "identity")
        res.set_header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        res.json({"a": "long body that must not be announced"})
        raise ApiError(500, "half way")

    r = call(handler)
    assert r.status_code == 500
    assert json.loads(r.data)["detail"] == "half way"
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["Content-Length"] == str(len(r.data))
    for name in ("ETag", "Content-Language", "Content-Encoding", "Last-Modified"):
        assert name not in r.headers
    assert r.headers["X-Kept"] == "1"


def test_raising_after_streaming_closes_the_discarded_stream(call: Call) -> None:
    closed: list[bool] = []

    class Chunks:
        def __iter__(self) -> Iterator[bytes]:
            return iter([b"never sent"])

        def close(self) -> None:
            closed.append(True)

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(Chunks())
        raise ApiError(503)

    r = call(handler)
    assert (r.status_code, closed) == (503, [True])
    assert b"never sent" not in r.data


def test_werkzeug_exceptions_fold_with_their_own_headers(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "r1")
        raise MethodNotAllowed(valid_methods=["GET", "PUT"])

    r = call(handler, "POST")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, PUT"
    assert r.headers["X-Request-Id"] == "r1"
    assert r.headers["Content-Type"] == "application/problem+json"
    body = json.loads(r.data)
    assert (body["title"], body["status"]) == ("Method Not Allowed", 405)
    assert body["detail"] == "Method POST Not Allowed"  # as the method guard says


def test_werkzeug_exception_with_a_description(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise NotFound("No user 7.")

    r = call(handler, headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (404, b"No user 7.")


def test_werkzeug_exception_with_retry_after(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise TooManyRequests(retry_after=30)

    r = call(handler)
    assert (r.status_code, r.headers["Retry-After"]) == (429, "30")


def test_werkzeug_exception_carrying_its_own_response(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "r2")
        raise NotFound(response=Response("custom", 404, content_type="text/csv"))

    r = call(handler)
    assert (r.status_code, r.data) == (404, b"custom")
    assert r.headers["Content-Type"] == "text/csv"
    assert r.headers["X-Request-Id"] == "r2"


def test_werkzeug_routing_redirect_is_sent_as_werkzeug_renders_it(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        from werkzeug.routing import RequestRedirect

        raise RequestRedirect("http://localhost/new")

    r = call(handler)
    assert (r.status_code, r.headers["Location"]) == (308, "http://localhost/new")


# -- unexpected exceptions -------------------------------------------------------


def test_unexpected_exception_is_a_logged_500_keeping_the_headers_set(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Partial", "1")
        raise KeyError("secret-token-123 at /srv/app/db.py")

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call(handler, "GET", "/items")
    assert r.status_code == 500
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
    }
    assert r.headers["X-Partial"] == "1"
    assert b"secret" not in r.data
    assert b"KeyError" not in r.data
    [record] = caplog.records
    assert record.name == "nextresp"
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        "unhandled exception in tests.test_handler"
        ".test_unexpected_exception_is_a_logged_500_keeping_the_headers_set"
        ".<locals>.handler for GET /items"
    )
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


def test_unexpected_exception_as_text(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise RuntimeError("boom")

    r = call(handler, headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (500, b"Internal Server Error")


def test_propagate_exceptions_lets_them_through() -> None:
    @api_handler(propagate_exceptions=True)
    def handler(req: Request, res: ApiResponse) -> None:
        raise RuntimeError("for the debugger")

    with pytest.raises(RuntimeError, match="for the debugger"):
        call_wsgi(handler)


def test_propagate_exceptions_still_folds_api_errors(call: Call) -> None:
    @api_handler(propagate_exceptions=True)
    def handler(req: Request, res: ApiResponse) -> None:
        raise ApiError(418)

    assert call(handler).status_code == 418


# -- return values and decoration ------------------------------------------------


def test_a_handler_may_return_res(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> ApiResponse:
        return res.status(201).json({"id": 1})

    r = call(handler)
    assert (r.status_code, r.data) == (201, b'{"id":1}')


@pytest.mark.parametrize(
    "returned", [{"a": 1}, "text", Response("other")], ids=["dict", "str", "response"]
)
def test_returning_anything_else_is_a_type_error(returned: object) -> None:
    @api_handler(propagate_exceptions=True)
    def handler(req: Request, res: ApiResponse) -> object:
        return returned

    with pytest.raises(
        TypeError, match=r"handler\(\) returned .*; an api_handler answers"
    ):
        call_wsgi(handler)


def test_returning_anything_else_without_propagation_is_a_logged_500(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> object:
        return {"a": 1}

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call(handler)
    assert r.status_code == 500
    assert caplog.records[0].exc_info is not None
    assert caplog.records[0].exc_info[0] is TypeError


def test_functools_wraps_metadata_is_kept() -> None:
    def my_handler(req: Request, res: ApiResponse) -> None:
        """Answer hello."""

    wrapped = api_handler(my_handler)
    assert wrapped.__name__ == "my_handler"
    assert wrapped.__doc__ == "Answer hello."
    assert wrapped.__wrapped__ is my_handler  # type: ignore[attr-defined]
    assert wrapped.__module__ == __name__


def test_options_must_be_bools() -> None:
    with pytest.raises(
        TypeError, match="api_handler option etag must be True or False"
    ):
        api_handler(etag="no")  # type: ignore[call-overload]


def test_decorating_a_non_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="api_handler decorates a function"):
        api_handler(42)  # type: ignore[call-overload]


def test_problem_details_false_sends_text_always(call: Call) -> None:
    @api_handler(problem_details=False)
    def handler(req: Request, res: ApiResponse) -> None:
        raise ApiError(422, "name is required")

    r = call(handler, headers={"Accept": "application/json"})
    assert (r.status_code, r.data) == (422, b"name is required")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


# -- 204, 304, HEAD and ETags on the wire ----------------------------------------


@pytest.mark.parametrize("code", [204, 304])
def test_no_body_statuses_go_out_without_body_or_representation(
    call: Call, code: int
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(code).set_header("X-Kept", "yes").send("dropped")

    r = call(handler)
    assert (r.status_code, r.data) == (code, b"")
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers
    assert "ETag" not in r.headers
    assert r.headers["X-Kept"] == "yes"


def test_head_has_the_get_headers_and_no_body(call: Call) -> None:
    get = call(thing.handler, "GET")
    head = call(thing.handler, "HEAD")
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers.to_wsgi_list() == get.headers.to_wsgi_list()


def test_send_and_json_bodies_get_an_etag(call: Call) -> None:
    r = call(thing.handler, "GET")
    assert r.headers["ETag"] == f'"{TAG}"'


@pytest.mark.parametrize(
    "if_none_match",
    [
        f'"{TAG}"',
        f'W/"{TAG}"',
        f'"other", "{TAG}"',
        "*",
    ],
    ids=["strong", "weak", "list", "star"],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_matching_if_none_match_is_answered_304(
    call: Call, method: str, if_none_match: str
) -> None:
    r = call(thing.handler, method, headers={"If-None-Match": if_none_match})
    assert (r.status_code, r.data) == (304, b"")
    assert r.headers["ETag"] == f'"{TAG}"'
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers


def test_a_stale_etag_gets_the_full_response(call: Call) -> None:
    r = call(thing.handler, headers={"If-None-Match": '"stale"'})
    assert (r.status_code, r.data) == (200, b'{"hello":"world"}')


@pytest.mark.parametrize(
    ("method", "code"),
    [("POST", 200), ("PUT", 200), ("GET", 404), ("GET", 500), ("GET", 301)],
    ids=["post", "put", "404", "500", "301"],
)
def test_304_only_for_get_or_head_that_would_be_2xx(
    call: Call, method: str, code: int
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(code).json({"same": "body"})

    etag = call(handler, method).headers["ETag"]
    r = call(handler, method, headers={"If-None-Match": etag})
    assert (r.status_code, r.data) == (code, b'{"same":"body"}')


def test_a_304_through_an_etag_set_by_hand(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("ETag", '"v42"').json({"version": 42})

    r = call(handler, headers={"If-None-Match": '"v42"'})
    assert r.status_code == 304
    assert r.headers["ETag"] == '"v42"'


def test_etag_can_be_switched_off(call: Call) -> None:
    @api_handler(etag=False)
    def handler(req: Request, res: ApiResponse) -> None:
        res.json({"hello": "world"})

    r = call(handler, headers={"If-None-Match": "*"})
    assert (r.status_code, r.data) == (200, b'{"hello":"world"}')
    assert "ETag" not in r.headers


def test_redirect_on_the_wire(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.redirect("/login")

    r = call(handler)
    assert (r.status_code, r.headers["Location"], r.data) == (307, "/login", b"")


def test_werkzeug_redirect_response_still_works_as_a_body() -> None:
    # A werkzeug helper's response converted with force_type gains the helpers.
    res = ApiResponse.force_type(werkzeug_redirect("/x", 302))
    assert (res.status_code, res.headers["Location"]) == (302, "/x")


# -- what a handler may be -----------------------------------------------------------


class Counter:
    """A callable object used as a handler."""

    def __call__(self, req: Request, res: ApiResponse) -> None:
        raise LookupError("hidden")


def crash_with(req: Request, res: ApiResponse, *, db: int) -> None:
    raise LookupError(f"hidden {db}")


@pytest.mark.parametrize(
    ("func", "name"),
    [
        (functools.partial(crash_with, db=1), "tests.test_handler.crash_with"),
        (Counter(), "tests.test_handler.Counter"),
    ],
    ids=["partial", "callable-object"],
)
def test_any_callable_is_a_handler_on_every_path(
    call: Call, caplog: pytest.LogCaptureFixture, func: Any, name: str
) -> None:
    handler = api_handler(func)
    assert repr(handler) == f"<api_handler {name}>"
    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call(handler, "GET", "/x")
    assert (r.status_code, b"hidden" in r.data) == (500, False)
    [record] = caplog.records
    assert record.getMessage() == f"unhandled exception in {name} for GET /x"


# -- an exception's own response -----------------------------------------------------

PAGE = Response("down for maintenance", status=503)


def test_folding_leaves_an_exceptions_own_response_untouched(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_cookie("user", req.args["user"])
        raise HTTPException(response=PAGE)

    first = call(handler, "GET", "/?user=ada")
    second = call(handler, "GET", "/?user=grace")
    assert (first.status_code, first.data) == (503, b"down for maintenance")
    assert first.headers.getlist("Set-Cookie") == ["user=ada; Path=/"]
    assert second.headers.getlist("Set-Cookie") == ["user=grace; Path=/"]
    assert "Set-Cookie" not in PAGE.headers


# -- sending twice -------------------------------------------------------------------


def test_a_second_send_keeps_the_first_response_and_is_logged(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    reached: list[bool] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        if "title" not in req.args:
            res.status(400).json({"error": "title is required"})  # no return
        res.json({"created": True})
        reached.append(True)

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call(handler, "POST", "/todos")
    assert (r.status_code, r.data) == (400, b'{"error":"title is required"}')
    assert r.headers["Content-Length"] == str(len(r.data))
    assert reached == []
    [record] = caplog.records
    assert record.getMessage() == (
        "tests.test_handler.test_a_second_send_keeps_the_first_response_and_is_logged"
        ".<locals>.handler for POST /todos called a helper after the response was"
        " finished; the first response was sent"
    )
    assert record.exc_info is not None
    assert "json() was called after json() already sent" in str(record.exc_info[1])


def test_a_second_send_propagates_when_asked() -> None:
    @api_handler(propagate_exceptions=True)
    def handler(req: Request, res: ApiResponse) -> None:
        res.send("one")
        res.send("two")

    with pytest.raises(RuntimeError, match=r"send\(\) was called after send\(\)"):
        call_wsgi(handler)


# -- the bare 500 folds like an error ------------------------------------------------


def test_a_crash_keeps_the_headers_set_but_not_those_of_the_body(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "r9").set_header("Vary", "Origin")
        res.set_cookie("session", "s1")
        res.set_header("Content-Language", "en").set_header("Content-Type", "text/csv")
        res.set_header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        raise ZeroDivisionError

    r = call(handler)
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["X-Request-Id"] == "r9"
    assert r.headers.getlist("Set-Cookie") == ["session=s1; Path=/"]
    assert r.headers.getlist("Vary") == ["Accept, Origin"]
    assert "Content-Language" not in r.headers
    assert "Last-Modified" not in r.headers


# -- Vary: Accept on negotiated errors -----------------------------------------------


@pytest.mark.parametrize(
    ("problem_details", "vary"),
    [(True, ["Accept"]), (False, [])],
    ids=["negotiated", "always-text"],
)
def test_error_bodies_vary_on_accept_only_when_negotiated(
    call: Call, problem_details: bool, vary: list[str]
) -> None:
    @api_handler(problem_details=problem_details)
    def handler(req: Request, res: ApiResponse) -> None:
        raise ApiError(409)

    assert call(handler).headers.getlist("Vary") == vary


def test_a_response_an_exception_built_itself_gets_no_vary(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        raise HTTPException(response=Response("teapot", status=418))

    r = call(handler)
    assert (r.status_code, r.headers.getlist("Vary")) == (418, [])


# -- a handler that sends nothing ----------------------------------------------------


def test_a_handler_that_sends_nothing_is_warned_about(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(201).set_header("X-Made", "1")

    with caplog.at_level(logging.WARNING, logger="nextresp"):
        r = call(handler, "PUT", "/things/1")
    assert (r.status_code, r.data, r.headers["X-Made"]) == (201, b"", "1")
    [record] = caplog.records
    assert (record.name, record.levelno) == ("nextresp", logging.WARNING)
    assert record.getMessage() == (
        "tests.test_handler.test_a_handler_that_sends_nothing_is_warned_about"
        ".<locals>.handler returned for PUT /things/1 without sending a response;"
        " answering 201 with an empty body (finish it with res.json(), res.send()"
        " or res.end())"
    )


@pytest.mark.parametrize("finish", ["end", "werkzeug-body"])
def test_a_handler_that_finishes_is_not_warned_about(
    call: Call, caplog: pytest.LogCaptureFixture, finish: str
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        if finish == "end":
            res.status(204).end()
        else:
            res.set_data(b"set the werkzeug way")

    with caplog.at_level(logging.WARNING, logger="nextresp"):
        call(handler)
    assert caplog.records == []


@pytest.mark.parametrize("method", ["PUT", "POST", "PATCH"])
def test_the_readme_example_refuses_methods_it_does_not_answer(
    call: Call, method: str
) -> None:
    r = call(thing.handler, method)
    assert (r.status_code, r.headers["Allow"]) == (405, "GET, DELETE")
