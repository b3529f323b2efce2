"""``api_methods``: a function per method, in every host, as the App Router answers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from typing import Any

import pytest

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler, api_methods

from .conftest import werkzeug_app
from .support import Call, call_wsgi


def get_user(req: ApiRequest, res: ApiResponse, **params: Any) -> None:
    res.set_header("X-Handler", "get").json({"method": req.method, "params": params})


def put_user(req: ApiRequest, res: ApiResponse, **params: Any) -> None:
    res.status(201).json({"method": req.method, "params": params})


user = api_methods(GET=get_user, PUT=put_user)
PROBLEM = "application/problem+json"


# -- answering each method ---------------------------------------------------------


def test_get_calls_the_get_function(call: Call) -> None:
    r = call(user, "GET", "/u")
    assert (r.status_code, r.data) == (200, b'{"method":"GET","params":{}}')
    assert r.headers["X-Handler"] == "get"


def test_put_calls_the_put_function(call: Call) -> None:
    r = call(user, "PUT", "/u")
    assert (r.status_code, r.data) == (201, b'{"method":"PUT","params":{}}')


def test_head_is_answered_by_get_without_the_body(call: Call) -> None:
    r = call(user, "HEAD", "/u")
    assert (r.status_code, r.data) == (200, b"")
    # The GET function ran and saw HEAD: the headers describe the body it made.
    body = b'{"method":"HEAD","params":{}}'
    assert sorted(r.headers.items()) == [
        ("Content-Length", "29"),
        ("Content-Type", "application/json"),
        ("ETag", f'"{hashlib.sha1(body).hexdigest()}"'),
        ("X-Handler", "get"),
    ]


def test_head_headers_are_those_of_get_for_the_same_body(call: Call) -> None:
    def same(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-A", "1").json({"hello": "world"})

    handler = api_methods(GET=same)
    got, head = call(handler, "GET", "/"), call(handler, "HEAD", "/")
    assert head.data == b""
    assert sorted(head.headers.items()) == sorted(got.headers.items())
    assert head.headers["Content-Length"] == "17"


def test_a_head_function_given_answers_head(call: Call) -> None:
    def head(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Head", "own").end()

    r = call(api_methods(GET=get_user, HEAD=head), "HEAD", "/")
    assert (r.status_code, r.headers["X-Head"], r.data) == (200, "own", b"")
    assert "X-Handler" not in r.headers


def test_options_is_204_with_allow(call: Call) -> None:
    r = call(user, "OPTIONS", "/u")
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers


def test_an_options_function_given_answers_options(call: Call) -> None:
    def options(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Access-Control-Allow-Methods", "GET").status(204).end()

    r = call(api_methods(GET=get_user, OPTIONS=options), "OPTIONS", "/")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Methods"] == "GET"
    assert "Allow" not in r.headers


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH"])
def test_other_methods_are_405_problems_with_allow(call: Call, method: str) -> None:
    r = call(user, method, "/u")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert r.headers["Content-Type"] == PROBLEM
    assert r.headers["Vary"] == "Accept"
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": f"Method {method} Not Allowed",
    }


@pytest.mark.parametrize(
    ("methods", "allow"),
    [
        (["GET"], "GET, HEAD, OPTIONS"),
        (["POST"], "OPTIONS, POST"),
        (["PUT", "GET"], "GET, HEAD, OPTIONS, PUT"),
        (["PATCH", "DELETE", "GET"], "DELETE, GET, HEAD, OPTIONS, PATCH"),
        (["HEAD"], "HEAD, OPTIONS"),
        (["OPTIONS", "POST"], "OPTIONS, POST"),
        (
            ["PATCH", "PUT", "POST", "OPTIONS", "HEAD", "GET", "DELETE"],
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
        ),
    ],
    ids=["get", "post", "put-get", "three", "head", "options-post", "all"],
)
def test_allow_lists_the_methods_answered_alphabetically(
    methods: list[str], allow: str
) -> None:
    def answer(req: ApiRequest, res: ApiResponse) -> None:
        res.end()

    handler = api_methods(**dict.fromkeys(methods, answer))
    r = call_wsgi(handler, "TRACE", "/")
    assert (r.status_code, r.headers["Allow"]) == (405, allow)
    if "OPTIONS" not in methods:
        r = call_wsgi(handler, "OPTIONS", "/")
        assert (r.status_code, r.headers["Allow"]) == (204, allow)


@pytest.mark.parametrize("host", ["werkzeug", "flask"], indirect=True)
def test_route_params_reach_each_function(call: Call) -> None:
    r = call(user, "PUT", "/user/7", rule="/user/<int:id>")
    assert (r.status_code, r.data) == (201, b'{"method":"PUT","params":{"id":7}}')


def test_async_functions_run_to_completion(call: Call) -> None:
    async def get(req: ApiRequest, res: ApiResponse) -> None:
        await asyncio.sleep(0)
        res.json({"async": True})

    async def delete(req: ApiRequest, res: ApiResponse) -> None:
        await asyncio.sleep(0)
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")

    handler = api_methods(GET=get, DELETE=delete)
    r = call(handler, "GET", "/")
    assert (r.status_code, r.data) == (200, b'{"async":true}')
    r = call(handler, "HEAD", "/")
    assert (r.status_code, r.data, r.headers["Content-Length"]) == (200, b"", "14")
    r = call(handler, "DELETE", "/", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (401, b"Authentication required")
    assert r.headers["WWW-Authenticate"] == "Basic"


def test_options_reach_the_handler(call: Call) -> None:
    handler = api_methods(GET=get_user, problem_details=False, etag=False)
    r = call(handler, "POST", "/")
    assert (r.status_code, r.data) == (405, b"Method POST Not Allowed")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "ETag" not in call(handler, "GET", "/").headers


def test_under_middleware_each_method_still_reaches_its_function() -> None:
    """A chain calls the dispatch itself, not each method's function directly."""
    seen: list[str] = []

    def middleware(req: ApiRequest, res: ApiResponse, call_next: Any) -> None:
        seen.append(req.method)
        call_next()

    handler = api_methods(GET=get_user, PUT=put_user, use=[middleware])
    app = werkzeug_app(handler, "/user/<int:id>")
    r = call_wsgi(app, "GET", "/user/7")
    assert (r.status_code, r.data) == (200, b'{"method":"GET","params":{"id":7}}')
    r = call_wsgi(app, "HEAD", "/user/7")
    assert (r.status_code, r.data, r.headers["X-Handler"]) == (200, b"", "get")
    assert r.headers["Content-Length"] == "35"
    r = call_wsgi(app, "PUT", "/user/7")
    assert (r.status_code, r.data) == (201, b'{"method":"PUT","params":{"id":7}}')
    r = call_wsgi(app, "OPTIONS", "/user/7")
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers.to_wsgi_list() == [("Allow", "GET, HEAD, OPTIONS, PUT")]
    assert seen == ["GET", "HEAD", "PUT", "OPTIONS"]


def test_body_limit_reaches_the_handler() -> None:
    def post(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"len": len(req.body)})

    handler = api_methods(POST=post, body_limit=4)
    r = call_wsgi(handler, "POST", "/", data=b"12345")
    assert r.status_code == 413
    assert call_wsgi(handler, "POST", "/", data=b"1234").data == b'{"len":4}'


def test_unexpected_exceptions_are_a_logged_bare_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def get(req: ApiRequest, res: ApiResponse) -> None:
        raise LookupError("hidden")

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = call_wsgi(api_methods(GET=get), "GET", "/items")
    assert r.status_code == 500
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
    }
    [record] = caplog.records
    assert record.getMessage() == (
        f"unhandled exception in {__name__}.api_methods(GET=get) for GET /items"
    )


def test_propagate_exceptions_lets_them_through() -> None:
    def get(req: ApiRequest, res: ApiResponse) -> None:
        raise LookupError("shown")

    with pytest.raises(LookupError, match="shown"):
        call_wsgi(api_methods(GET=get, propagate_exceptions=True))


def test_the_handler_is_named_after_its_functions() -> None:
    assert (
        repr(user)
        == f"<api_handler {__name__}.api_methods(GET=get_user, PUT=put_user)>"
    )
    assert user.methods == ("GET", "HEAD", "OPTIONS", "PUT")


def test_a_handler_built_here_is_named_after_its_functions() -> None:
    def get(req: ApiRequest, res: ApiResponse) -> None: ...
    def post(req: ApiRequest, res: ApiResponse) -> None: ...

    handler = api_methods(GET=get, POST=post)
    assert repr(handler) == f"<api_handler {__name__}.api_methods(GET=get, POST=post)>"


def test_same_sequence_through_api_handler_and_api_methods() -> None:
    def answer(req: ApiRequest, res: ApiResponse) -> None:
        res.status(202).set_header("X-A", "1").send("hi")

    plain, methods = api_handler(answer), api_methods(GET=answer)
    a, b = call_wsgi(plain), call_wsgi(methods)
    assert (a.status_code, a.headers.to_wsgi_list(), a.data) == (
        b.status_code,
        b.headers.to_wsgi_list(),
        b.data,
    )


# -- refused at the call -------------------------------------------------------------


class Endpoint:
    """A callable object: it has no ``__name__``."""

    def __call__(self, req: ApiRequest, res: ApiResponse) -> None:
        res.end()

    def __repr__(self) -> str:
        return "<Endpoint>"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            {"get": get_user},
            "api_methods expected a method name or an option, not 'get'; write"
            " GET=get_user: method names are upper-case",
        ),
        (
            {"Put": put_user},
            "api_methods expected a method name or an option, not 'Put'; write"
            " PUT=put_user: method names are upper-case",
        ),
        (
            {"get": Endpoint()},
            "api_methods expected a method name or an option, not 'get'; write"
            " GET=<Endpoint>: method names are upper-case",
        ),
        (
            {"FETCH": get_user},
            "api_methods expected a method name or an option, not 'FETCH'; the"
            " methods are GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH and the options"
            " ('body_limit', 'etag', 'problem_details', 'propagate_exceptions',"
            " 'response_class', 'cors', 'compress', 'validation_status', 'use',"
            " 'on_error', 'errors', 'responses', 'raises')",
        ),
        (
            {"methods": ["GET"]},
            "api_methods expected a method name or an option, not 'methods'; name each"
            " method as a keyword instead: api_methods(GET=get_user)",
        ),
        ({}, "api_methods needs at least one method, as in api_methods(GET=get_user)"),
    ],
    ids=["lower-case", "mixed-case", "object", "unknown", "methods-option", "none"],
)
def test_bad_method_names_are_value_errors(names: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        api_methods(**names)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3, "api_methods GET expected a function def GET(req, res), not 3"),
        (
            ApiError,
            "api_methods GET expected a function def GET(req, res), not"
            " <class 'nextresp._errors.ApiError'>",
        ),
        (
            user,
            "api_methods GET expected a function def GET(req, res), not the"
            f" api_handler {user!r}; pass the function it wraps, {user.name}",
        ),
    ],
    ids=["int", "class", "api-handler"],
)
def test_non_functions_are_type_errors(value: object, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        api_methods(GET=value)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_bad_options_are_refused_as_api_handler_refuses_them() -> None:
    with pytest.raises(
        TypeError, match="api_handler option etag must be True or False"
    ):
        api_methods(GET=get_user, etag="no")  # type: ignore[arg-type]
