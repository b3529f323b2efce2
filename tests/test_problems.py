"""Problem details (RFC 9457): members, type, title, instance; the error_body seam."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Request, Response

from nextresp import (
    ApiError,
    ApiRequest,
    ApiResponse,
    api_handler,
    api_methods,
    error_response_for,
    routes,
)
from nextresp._errors import _problem_json

from .support import Call, call_wsgi, plain_id

PROBLEM = "application/problem+json"
TEXT = "text/plain; charset=utf-8"
INVALID_TODO = (
    b'{"type":"about:blank","title":"Unprocessable Content","status":422,'
    b'"detail":"Invalid todo","errors":[{"field":"title","detail":"required"}]}'
)
OUT_OF_CREDIT = (
    b'{"type":"https://example.com/probs/out-of-credit","title":"You do not have'
    b' enough credit.","status":403,"detail":"Your balance is 30, but that costs'
    b' 50.","instance":"/account/12345/msgs/abc","balance":30,"accounts":'
    b'["/account/12345","/account/67890"]}'
)


def out_of_credit() -> ApiError:
    """RFC 9457's own example, section 3."""
    return ApiError(
        403,
        "Your balance is 30, but that costs 50.",
        type="https://example.com/probs/out-of-credit",
        title="You do not have enough credit.",
        instance="/account/12345/msgs/abc",
        balance=30,
        accounts=["/account/12345", "/account/67890"],
    )


def invalid_todo() -> ApiError:
    errors = [{"field": "title", "detail": "required"}]
    return ApiError(422, "Invalid todo", errors=errors)


# -- the error ---------------------------------------------------------------------


def test_members_follow_the_standard_members() -> None:
    err = invalid_todo()
    assert err.problem == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "Invalid todo",
        "errors": [{"field": "title", "detail": "required"}],
    }
    assert list(err.problem) == ["type", "title", "status", "detail", "errors"]
    assert err.extra == {"errors": [{"field": "title", "detail": "required"}]}
    assert (err.type, err.title) == ("about:blank", "Unprocessable Content")


def test_type_title_and_instance_take_their_places() -> None:
    err = out_of_credit()
    assert list(err.problem) == [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "balance",
        "accounts",
    ]
    assert err.type == "https://example.com/probs/out-of-credit"
    assert err.title == "You do not have enough credit."
    assert (err.message, err.detail) == (
        "Your balance is 30, but that costs 50.",
        "Your balance is 30, but that costs 50.",
    )


def test_a_plain_error_has_no_extra_members() -> None:
    err = ApiError(404)
    assert err.extra == {}
    assert err.problem == {"type": "about:blank", "title": "Not Found", "status": 404}
    assert (err.type, err.title) == ("about:blank", "Not Found")


def test_instance_alone_keeps_about_blank() -> None:
    err = ApiError(404, instance="/users/7")
    assert err.problem == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/users/7",
    }


def test_a_custom_type_without_title_is_titled_with_the_status() -> None:
    err = ApiError(409, type="/probs/taken")
    assert err.problem == {"type": "/probs/taken", "title": "Conflict", "status": 409}
    assert err.title == "Conflict"


def test_about_blank_given_by_hand_is_as_the_default() -> None:
    err = ApiError(404, type="about:blank")
    assert err.problem == ApiError(404).problem


@pytest.mark.parametrize(
    "uri",
    [
        "about:blank",
        "/probs/out-of-credit",
        "probs/x",
        "https://example.com/probs/x?lang=en#top",
        "tag:example.com,2026:out-of-credit",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "a/b:c",
        "?page=2",
        "?at=10:30",
        "#part",
        "#step:2",
        "/caf%C3%A9",
        "http://[::1]:8080/x",
    ],
)
def test_uri_references_are_accepted(uri: str) -> None:
    assert ApiError(400, type=uri, instance=uri).problem["instance"] == uri


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "has space",
        "/café",
        "1abc:x",
        ":x",
        "a_b:c",
        "a=b:c/d",
        "/x%zz",
        "/x%2",
        "a\nb",
        "/a<b>",
        "a b",
    ],
    ids=plain_id,
)
@pytest.mark.parametrize("member", ["type", "instance"])
def test_other_uris_are_refused(member: str, uri: str) -> None:
    message = (
        f"ApiError {member} must be a URI reference, such as"
        " 'https://example.com/probs/out-of-credit' or '/probs/out-of-credit',"
        f" not {uri!r}; percent-encode spaces and other characters"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiError(400, **{member: uri})


@pytest.mark.parametrize("member", ["type", "instance"])
def test_a_uri_that_is_not_a_str_is_a_type_error(member: str) -> None:
    with pytest.raises(TypeError) as info:
        ApiError(400, **{member: b"/x"})
    assert str(info.value) == (
        f"ApiError {member} must be a URI reference (a str) or None, not b'/x' (bytes)"
    )


def test_a_title_needs_a_custom_type() -> None:
    message = (
        "ApiError title 'Bad todo' summarises a custom type, and there is none: with"
        " type about:blank the title is the status's name ('Unprocessable Content');"
        " pass type= too, or put the text in the message"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiError(422, title="Bad todo")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiError(422, title="Bad todo", type="about:blank")


@pytest.mark.parametrize(
    ("title", "error", "message"),
    [
        (7, TypeError, "ApiError title must be a str or None, not 7 (int)"),
        (
            "\ud800",
            ValueError,
            "ApiError title '\\ud800' cannot be encoded as UTF-8: surrogates not"
            " allowed",
        ),
    ],
    ids=["int", "surrogate"],
)
def test_a_bad_title_is_refused_before_its_type_is_weighed(
    title: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        ApiError(400, title=title)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_message_given_by_keyword_is_refused() -> None:
    with pytest.raises(TypeError) as info:
        ApiError(422, message="Invalid todo")
    assert str(info.value) == (
        "ApiError takes the message as its second positional argument, as in"
        " ApiError(422, 'Invalid todo'), not as message=...: given by keyword it"
        " would be sent as an extension member"
    )


@pytest.mark.parametrize(
    ("member", "fix"),
    [("status", "the status"), ("detail", "the message")],
)
def test_members_cannot_shadow_status_or_detail(member: str, fix: str) -> None:
    with pytest.raises(TypeError) as info:
        ApiError(422, "Invalid todo", **{member: 400})
    assert str(info.value) == (
        f"ApiError member {member!r} would shadow the problem's own {member!r};"
        f" pass {fix} positionally, or give the member another name"
    )


def circular() -> list[object]:
    loop: list[object] = []
    loop.append(loop)
    return loop


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        ({1, 2}, TypeError, "Object of type set is not JSON serializable"),
        (float("nan"), ValueError, "Out of range float values are not JSON compliant"),
        ([float("inf")], ValueError, "Out of range float values"),
        (circular(), ValueError, "Circular reference detected"),
        (b"x", TypeError, "Object of type bytes is not JSON serializable"),
    ],
    ids=["set", "nan", "inf-in-list", "circular", "bytes"],
)
def test_members_must_be_json_encodable(
    value: object, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        ApiError(422, "Invalid todo", ok=1, errors=value)
    text = str(info.value)
    start = f"ApiError member 'errors' must be JSON-encodable, not {value!r}: "
    assert text.startswith(start)
    assert fragment in text
    assert info.value.__cause__ is None


def test_json_members_of_every_kind_are_accepted() -> None:
    err = ApiError(400, a=None, b=True, c=1.5, d="é", e={"x": [1]}, f=[])
    assert err.extra == {
        "a": None,
        "b": True,
        "c": 1.5,
        "d": "é",
        "e": {"x": [1]},
        "f": [],
    }


# -- on the wire -------------------------------------------------------------------


def test_members_on_the_wire_in_every_host(call: Call) -> None:
    @api_handler
    def create(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("X-Request-Id", "r1")
        raise invalid_todo()

    r = call(create, "POST", "/todos")
    assert (r.status_code, r.data) == (422, INVALID_TODO)
    assert r.headers["Content-Type"] == PROBLEM
    assert r.headers["Content-Length"] == str(len(INVALID_TODO))
    assert r.headers["X-Request-Id"] == "r1"
    assert r.headers["Vary"] == "Accept"


def test_rfc_9457s_example_on_the_wire(call: Call) -> None:
    @api_handler
    def buy(req: ApiRequest, res: ApiResponse) -> None:
        raise out_of_credit()

    r = call(buy, "POST", "/buy")
    assert (r.status_code, r.data) == (403, OUT_OF_CREDIT)


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (invalid_todo, b"Invalid todo"),
        (lambda: ApiError(422, errors=[]), b"Unprocessable Content"),
        (out_of_credit, b"Your balance is 30, but that costs 50."),
    ],
    ids=["message", "no-message", "custom-type"],
)
def test_the_text_form_is_the_message_alone(
    call: Call, make: Callable[[], ApiError], text: bytes
) -> None:
    error = make()  # in the test: making it encodes its members

    @api_handler
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise error

    r = call(fails, headers={"Accept": "text/plain"})
    assert (r.status_code, r.headers["Content-Type"], r.data) == (
        error.code,
        TEXT,
        text,
    )


def test_get_response_renders_the_members() -> None:
    assert invalid_todo().get_response().get_data() == INVALID_TODO


def test_plain_errors_are_encoded_once_and_others_never_cached() -> None:
    _problem_json.cache_clear()
    for _ in range(3):
        ApiError(404, "cached").get_response()
    info = _problem_json.cache_info()
    assert (info.hits, info.misses) == (2, 1)
    invalid_todo().get_response()
    ApiError(404, "cached", instance="/x").get_response()
    info = _problem_json.cache_info()
    assert (info.hits, info.misses, info.currsize) == (2, 1, 1)


# -- the seam: error_body ----------------------------------------------------------


class NextjsResponse(ApiResponse):
    """Errors as Next.js's clients read them: ``{"message": ...}``."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        message = problem.get("detail", problem["title"])
        return json.dumps({"message": message}).encode(), "application/json"


def test_error_body_renders_an_api_error(call: Call) -> None:
    @api_handler(response_class=NextjsResponse)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        assert type(res) is NextjsResponse
        res.set_header("X-Request-Id", "r1")
        raise ApiError(401, "Authentication required")

    r = call(fails)
    assert (r.status_code, r.data) == (401, b'{"message": "Authentication required"}')
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["X-Request-Id"] == "r1"
    assert r.headers["Vary"] == "Accept"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_error_body_renders_the_method_guard_and_the_500(call: Call) -> None:
    @api_handler(methods=["GET"], response_class=NextjsResponse)
    def crashes(req: ApiRequest, res: ApiResponse) -> None:
        raise LookupError("hidden")

    r = call(crashes, "DELETE")
    assert (r.status_code, r.data) == (405, b'{"message": "Method DELETE Not Allowed"}')
    assert r.headers["Allow"] == "GET"
    r = call(crashes, "GET")
    assert (r.status_code, r.data) == (500, b'{"message": "Internal Server Error"}')


def test_error_body_renders_werkzeug_exceptions(call: Call) -> None:
    @api_handler(response_class=NextjsResponse)
    def missing(req: ApiRequest, res: ApiResponse) -> None:
        raise NotFound("No such todo")

    assert call(missing).data == b'{"message": "No such todo"}'


def test_error_body_is_not_used_when_the_client_rules_json_out(call: Call) -> None:
    @api_handler(response_class=NextjsResponse)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(401, "Authentication required")

    r = call(fails, headers={"Accept": "text/plain"})
    assert (r.headers["Content-Type"], r.data) == (TEXT, b"Authentication required")


class NoStoreErrors(ApiResponse):
    """Errors that no cache may keep: ``error_body`` sets a header on the error."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        self.headers["Cache-Control"] = "no-store"
        return json.dumps(problem).encode(), "application/problem+json"


@pytest.mark.parametrize("error", [ApiError(404), NotFound()], ids=repr)
def test_a_header_set_by_error_body_replaces_the_one_set_on_res(
    call: Call, error: Exception
) -> None:
    @api_handler(response_class=NoStoreErrors)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Cache-Control", "public, max-age=600")
        res.set_header("X-Request-Id", "r1")
        raise error

    r = call(fails)
    assert r.status_code == 404
    assert r.headers.getlist("Cache-Control") == ["no-store"]
    assert r.headers.getlist("X-Request-Id") == ["r1"]


class FramingErrors(ApiResponse):
    """An error_body that frames the error itself, then returns another body."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        self.set_header("Content-Language", "en")
        self.json({"message": problem["title"]})  # frames a body that is not sent
        return b'{"errors":[]}', "application/vnd.api+json"


def test_the_framing_error_body_set_gives_way_to_its_returned_body(
    call: Call,
) -> None:
    @api_handler(response_class=FramingErrors)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(404)

    r = call(fails)
    assert (r.status_code, r.data) == (404, b'{"errors":[]}')
    assert r.headers.getlist("Content-Type") == ["application/vnd.api+json"]
    assert r.headers.getlist("Content-Length") == ["13"]
    assert "ETag" not in r.headers
    assert r.headers["Content-Language"] == "en"


def test_error_body_gets_the_whole_problem() -> None:
    seen: list[dict[str, Any]] = []

    class Recording(ApiResponse):
        def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
            seen.append(problem)
            return b"{}", "application/json"

    @api_handler(response_class=Recording)
    def buy(req: ApiRequest, res: ApiResponse) -> None:
        raise out_of_credit()

    call_wsgi(buy)
    assert seen == [out_of_credit().problem]


def test_a_subclass_without_its_own_error_body_sends_the_same_bytes(
    call: Call,
) -> None:
    class Plain(ApiResponse):
        pass

    @api_handler(response_class=Plain)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(404, "No user 7")

    plain = call(api_handler(fails.func), "GET")
    r = call(fails)
    assert r.data == plain.data
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No user 7",
    }
    assert r.headers.to_wsgi_list() == plain.headers.to_wsgi_list()


def test_response_class_brings_its_json_dumps_and_auto_etag(call: Call) -> None:
    class Spaced(ApiResponse):
        json_dumps = staticmethod(lambda obj: json.dumps(obj))
        auto_etag = False

    @api_handler(response_class=Spaced)
    def answer(req: ApiRequest, res: ApiResponse) -> None:
        if req.method == "POST":
            raise ApiError(409, "Taken", field="name")
        res.json({"a": 1})

    r = call(answer)
    assert (r.data, r.headers.get("ETag")) == (b'{"a": 1}', None)
    r = call(answer, "POST")
    assert r.data == (
        b'{"type": "about:blank", "title": "Conflict", "status": 409,'
        b' "detail": "Taken", "field": "name"}'
    )


def test_api_methods_takes_response_class(call: Call) -> None:
    def get(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(403)

    handler = api_methods(GET=get, response_class=NextjsResponse)
    assert handler.response_class is NextjsResponse
    assert call(handler).data == b'{"message": "Forbidden"}'
    assert call(handler, "PUT").data == b'{"message": "Method PUT Not Allowed"}'


def test_routes_takes_response_class(tmp_path: Path) -> None:
    api = tmp_path / "api"
    api.mkdir()
    (api / "todo.py").write_text(
        "from nextresp import ApiError\n"
        "def GET(req, res):\n"
        "    raise ApiError(404, 'No todo')\n"
    )
    app = routes(api, response_class=NextjsResponse)
    assert app.response_class is NextjsResponse
    r = call_wsgi(app, "GET", "/api/todo")
    assert (r.status_code, r.data) == (404, b'{"message": "No todo"}')
    r = call_wsgi(app, "GET", "/api/nothing")
    assert (r.status_code, r.data) == (404, b'{"message": "Not Found"}')
    assert r.headers["Content-Type"] == "application/json"
    r = call_wsgi(app, "GET", "/api/todo/")
    assert (r.status_code, r.headers["Location"]) == (308, "/api/todo")


def test_error_response_for_takes_response_class() -> None:
    environ = Request.from_values("/").environ
    response = error_response_for(
        invalid_todo(), environ, response_class=NextjsResponse
    )
    assert isinstance(response, NextjsResponse)
    assert response.get_data() == b'{"message": "Invalid todo"}'
    response = error_response_for(NotFound(), environ, response_class=NextjsResponse)
    assert response.get_data() == b'{"message": "Not Found"}'  # no stock sentence


def test_error_response_for_an_api_error_keeps_its_members_and_the_option() -> None:
    environ = Request.from_values("/").environ
    response = error_response_for(invalid_todo(), environ)
    assert (response.status, response.get_data()) == (
        "422 Unprocessable Content",
        INVALID_TODO,
    )
    assert response.headers["Content-Type"] == PROBLEM
    response = error_response_for(invalid_todo(), environ, problem_details=False)
    assert (response.headers["Content-Type"], response.get_data()) == (
        TEXT,
        b"Invalid todo",
    )


@pytest.mark.parametrize(
    "rendered",
    [
        b"{}",
        (b"{}",),
        (b"{}", "application/json", 1),
        ("{}", "application/json"),
        (b"{}", b"application/json"),
        [b"{}", "application/json"],
    ],
    ids=["bytes", "one", "three", "str-body", "bytes-type", "list"],
)
def test_error_body_must_return_bytes_and_a_type(rendered: object) -> None:
    class Broken(ApiResponse):
        def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
            return rendered  # type: ignore[return-value]

    @api_handler(response_class=Broken)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(400)

    with pytest.raises(TypeError) as info:
        call_wsgi(fails)
    assert str(info.value) == (
        "Broken.error_body() must return (body, content_type) as (bytes, str),"
        f" not {rendered!r}"
    )


def test_error_body_cannot_split_the_response() -> None:
    class Hostile(ApiResponse):
        def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
            return b"{}", "application/json\r\nX-Injected: 1"

    @api_handler(response_class=Hostile)
    def fails(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(400)

    with pytest.raises(ValueError, match="control characters could split"):
        call_wsgi(fails)


@pytest.mark.parametrize(
    "value",
    [ApiResponse.blank(), Response, "ApiResponse", None, 1],
    ids=["instance", "werkzeug-response", "str", "none", "int"],
)
def test_response_class_must_be_an_api_response_subclass(value: object) -> None:
    message = (
        "api_handler option response_class must be a subclass of ApiResponse,"
        f" not {value!r}"
    )
    with pytest.raises(TypeError) as info:
        api_handler(response_class=value)  # type: ignore[call-overload]
    assert str(info.value) == message
    with pytest.raises(TypeError) as info:
        api_methods(GET=lambda req, res: None, response_class=value)  # type: ignore[arg-type]
    assert str(info.value) == message
    with pytest.raises(TypeError) as info:
        routes(Path(__file__).parent, response_class=value)  # type: ignore[arg-type]
    assert str(info.value) == message


# -- a subclass names a kind of problem ------------------------------------------------


class TodoGone(ApiError):
    """A deleted todo: its status, type and title declared once, here."""

    code = 410
    type = "https://example.com/problems/todo-gone"
    title = "Todo gone"


class RateLimited(ApiError):
    code = 429


def test_a_subclass_is_raised_with_its_message_alone() -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("X-Trace", "t1")
        raise TodoGone("Deleted yesterday", headers={"Retry-After": "5"})

    r = call_wsgi(handler)
    assert r.status == "410 Gone"
    assert r.data == (
        b'{"type":"https://example.com/problems/todo-gone","title":"Todo gone",'
        b'"status":410,"detail":"Deleted yesterday"}'
    )
    assert r.headers["Content-Type"] == PROBLEM
    assert r.headers["Retry-After"] == "5"
    assert r.headers["X-Trace"] == "t1"
    r = call_wsgi(handler, headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (410, b"Deleted yesterday")


def test_a_subclass_fills_in_what_it_declares() -> None:
    error = TodoGone()
    assert (error.code, error.message, error.detail) == (410, "Gone", None)
    assert (error.type, error.title) == (TodoGone.type, "Todo gone")
    assert error.problem == {
        "type": "https://example.com/problems/todo-gone",
        "title": "Todo gone",
        "status": 410,
    }
    limited = RateLimited("Slow down", instance="/calls/7", retry_in=30)
    assert limited.problem == {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Slow down",
        "instance": "/calls/7",
        "retry_in": 30,
    }
    assert repr(limited) == "RateLimited(429, 'Slow down')"


def test_a_subclass_of_a_subclass_inherits_its_declarations() -> None:
    class TodoPurged(TodoGone):
        title = "Todo purged"

    assert TodoPurged("Gone for good").problem == {
        "type": "https://example.com/problems/todo-gone",
        "title": "Todo purged",
        "status": 410,
        "detail": "Gone for good",
    }


def test_a_subclass_survives_copy_and_pickle() -> None:
    import copy
    import pickle

    error = TodoGone("Deleted yesterday")
    for again in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert type(again) is TodoGone
        assert again.problem == error.problem


def test_a_subclass_without_declarations_still_takes_a_status() -> None:
    class Plain(ApiError):
        pass

    assert Plain(409, "Taken").problem == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Taken",
    }
    with pytest.raises(TypeError) as info:
        Plain()
    assert str(info.value) == (
        "Plain needs a status, as in ApiError(404, 'No such todo'); a subclass may"
        " declare code = 404 instead"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: TodoGone("one", "two"),
            "TodoGone declares its status (410) and takes one message, as in"
            " TodoGone('one'), not two",
        ),
        (
            lambda: TodoGone(404, "Missing"),
            "TodoGone declares its status (410); raise it with the message alone, as"
            " in TodoGone('...'), not with the status 404",
        ),
        (
            lambda: TodoGone("x", type="/other"),
            "TodoGone declares its type ('https://example.com/problems/todo-gone');"
            " raise it without type=, or raise an ApiError with type='/other'",
        ),
        (
            lambda: TodoGone("x", title="Other"),
            "TodoGone declares its title ('Todo gone'); raise it without title=, or"
            " raise an ApiError with title='Other'",
        ),
        (
            lambda: ApiError(),
            "ApiError needs a status, as in ApiError(404, 'No such todo'); a subclass"
            " may declare code = 404 instead",
        ),
    ],
)
def test_a_call_that_contradicts_the_class_says_so(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value) == message


def test_a_subclass_declaring_only_its_code_takes_message_type_and_title() -> None:
    limited = RateLimited(
        "Slow down", type="https://example.com/probs/slow", title="Slow"
    )
    assert limited.problem == {
        "type": "https://example.com/probs/slow",
        "title": "Slow",
        "status": 429,
        "detail": "Slow down",
    }


def test_the_same_status_type_and_title_given_again_are_accepted() -> None:
    error = TodoGone(410, "x", type=TodoGone.type, title="Todo gone")
    assert error.problem == TodoGone("x").problem


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ("code = 302", ValueError, "Bad.code must be an int from 400 to 599, not 302"),
        (
            "code = '404'",
            TypeError,
            "Bad.code must be an int from 400 to 599, not '404' (str)",
        ),
        (
            "type = 'not a uri'",
            ValueError,
            "Bad.type must be a URI reference, such as"
            " 'https://example.com/probs/out-of-credit' or '/probs/out-of-credit',"
            " not 'not a uri'; percent-encode spaces and other characters",
        ),
        (
            "title = 'Gone'",
            ValueError,
            "Bad.title 'Gone' summarises a custom type, and Bad declares none:"
            " declare type = 'https://...' too",
        ),
        (
            "type = '/probs/x'; title = 'lone \\ud800'",
            ValueError,
            "ApiError title 'lone \\ud800' cannot be encoded as UTF-8: surrogates"
            " not allowed",
        ),
    ],
)
def test_a_subclass_that_declares_a_wrong_value_fails_where_it_is_made(
    body: str, kind: type[Exception], message: str
) -> None:
    with pytest.raises(kind) as info:
        exec(f"class Bad(ApiError):\n    {body}\n", {"ApiError": ApiError})
    assert str(info.value) == message
