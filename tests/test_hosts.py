"""Every host: route parameters, query, body, the method guard, async handlers."""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart
from werkzeug.wrappers import Request

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi


@api_handler
def echo(req: ApiRequest, res: ApiResponse, **params: Any) -> None:
    """Answer with what the handler saw."""
    body = req.body
    if isinstance(body, MultiDict):
        body = body.to_dict(flat=False)
    elif isinstance(body, bytes):
        body = {"bytes": body.hex()}
    res.json(
        {
            "params": params,
            "query": req.query.to_dict(flat=False),
            "body": body,
            "is_api_request": isinstance(req, ApiRequest),
        }
    )


def seen(call: Call, *args: Any, **kwargs: Any) -> Any:
    r = call(echo, *args, **kwargs)
    assert r.status_code == 200, r.data
    return json.loads(r.data)


# -- route parameters and query --------------------------------------------------


@pytest.mark.parametrize("host", ["werkzeug", "flask"], indirect=True)
def test_route_params_are_keyword_arguments(call: Call) -> None:
    got = seen(call, "GET", "/api/user/7", rule="/api/user/<int:id>")
    assert got["params"] == {"id": 7}
    assert got["query"] == {"id": [7]}


@pytest.mark.parametrize("host", ["werkzeug", "flask"], indirect=True)
def test_route_params_win_over_the_query_string(call: Call) -> None:
    got = seen(call, "GET", "/u/7?id=9&name=a&name=b", rule="/u/<int:id>")
    assert got["query"] == {"id": [7], "name": ["a", "b"]}


def test_query_keeps_repeated_keys_as_lists(call: Call) -> None:
    got = seen(call, "GET", "/?tag=a&tag=b&q=x")
    assert got["query"] == {"tag": ["a", "b"], "q": ["x"]}
    assert got["params"] == {}
    assert got["is_api_request"] is True


def test_query_first_value_and_getlist() -> None:
    req = ApiRequest.from_values("/?tag=a&tag=b")
    assert (req.query["tag"], req.query.getlist("tag")) == ("a", ["a", "b"])


def test_cookies_are_werkzeugs() -> None:
    req = ApiRequest.from_values("/", headers={"Cookie": "a=1; b=2"})
    assert req.cookies.to_dict() == {"a": "1", "b": "2"}


# -- body ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "data", "body"),
    [
        ("application/json", b'{"a":[1,2]}', {"a": [1, 2]}),
        ("application/ld+json", b'{"@id":"x"}', {"@id": "x"}),
        ("application/json; charset=utf-8", '["é"]'.encode(), ["é"]),
        (
            "application/x-www-form-urlencoded",
            b"a=1&a=2&b=x",
            {"a": ["1", "2"], "b": ["x"]},
        ),
        ("text/plain", "héllo".encode(), "héllo"),
        ("text/csv; charset=latin-1", "caf\xe9".encode("latin-1"), "café"),
        ("application/octet-stream", b"\x00\x01", {"bytes": "0001"}),
        ("image/png", b"\x89PNG", {"bytes": "89504e47"}),
    ],
    ids=[
        "json",
        "ld-json",
        "json-charset",
        "urlencoded",
        "text",
        "latin-1",
        "octets",
        "png",
    ],
)
def test_body_is_parsed_by_content_type(
    call: Call, content_type: str, data: bytes, body: object
) -> None:
    got = seen(call, "POST", "/", data=data, content_type=content_type)
    assert got["body"] == body


def test_multipart_body_is_the_form_and_files_stay_in_files(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        upload = req.files["upload"]
        res.json({"form": req.body.to_dict(), "file": upload.read().decode()})

    data = {"name": "x", "upload": (io.BytesIO(b"file text"), "a.txt")}
    r = call(handler, "POST", "/", data=data)
    assert json.loads(r.data) == {"form": {"name": "x"}, "file": "file text"}


@pytest.mark.parametrize(
    ("kwargs"),
    [{}, {"data": b"", "content_type": "application/json"}],
    ids=["no-body", "empty-json"],
)
def test_no_body_is_none(call: Call, kwargs: dict[str, Any]) -> None:
    assert seen(call, "POST", "/", **kwargs)["body"] is None


@pytest.mark.parametrize(
    "data",
    [b"{bad", b'{"a":1', b"\xff\xfe\x00"],
    ids=["garbage", "truncated", "not-utf8"],
)
def test_malformed_json_is_400_invalid_json(call: Call, data: bytes) -> None:
    r = call(echo, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == 400
    assert json.loads(r.data) == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "Invalid JSON",
    }


def nested(depth: int) -> bytes:
    """JSON nested ``depth`` levels deep, dicts and lists in turn."""
    pairs, odd = divmod(depth, 2)
    return b'{"a":[' * pairs + b"[" * odd + b"1" + b"]" * odd + b"]}" * pairs


@pytest.mark.parametrize("depth", [512, 1])
def test_json_nested_up_to_the_limit_is_parsed(call: Call, depth: int) -> None:
    r = call(echo, "POST", "/", data=nested(depth), content_type="application/json")
    assert r.status_code == 200


@pytest.mark.parametrize("depth", [513, 5000, 100_000])
def test_json_nested_deeper_than_the_limit_is_400(call: Call, depth: int) -> None:
    r = call(echo, "POST", "/", data=nested(depth), content_type="application/json")
    assert r.status_code == 400
    assert json.loads(r.data)["detail"] == "JSON nested deeper than 512 levels"


def test_many_shallow_brackets_are_fine(call: Call) -> None:
    data = json.dumps([[i] for i in range(3000)]).encode()
    r = call(echo, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == 200


def test_text_in_a_wrong_or_unknown_charset_is_400(call: Call) -> None:
    for content_type, data in [
        ("text/plain; charset=utf-8", b"\xff\xfe"),
        ("text/plain; charset=no-such-charset", b"abc"),
    ]:
        r = call(echo, "POST", "/", data=data, content_type=content_type)
        assert r.status_code == 400
        assert json.loads(r.data)["detail"] == (
            "Request body is not valid text in its declared charset"
        )


LIMIT = 1024 * 1024


def test_a_body_of_exactly_the_limit_passes(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"length": len(req.body)})

    r = call(handler, "POST", "/", data=b"x" * LIMIT, content_type="text/plain")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": LIMIT})


def test_a_body_one_byte_over_the_limit_is_413(call: Call) -> None:
    r = call(echo, "POST", "/", data=b"x" * (LIMIT + 1), content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == (
        "Request body exceeds the limit of 1048576 bytes"
    )


def test_body_limit_is_an_option(call: Call) -> None:
    @api_handler(body_limit=10)
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send(req.body)

    assert call(handler, "POST", "/", data=b"0123456789").data == b"0123456789"
    r = call(handler, "POST", "/", data=b"0123456789!")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


class InputStream:
    """A request body of ``size`` bytes (``None``: endless), counting what was read.

    It says where it ends only by ending, as a chunked body does.
    """

    def __init__(self, size: int | None) -> None:
        self.left = size
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if self.left is None:
            assert size >= 0, "an endless stream was read to its end"
        else:
            size = self.left if size < 0 else min(size, self.left)
            self.left -= size
        self.read_bytes += size
        return b"x" * size

    readline = read

    def readlines(self, hint: int = -1) -> list[bytes]:
        return [self.read(hint)]

    def __iter__(self) -> Iterator[bytes]:
        return iter([self.read()])


def test_a_chunked_body_over_the_limit_is_413_without_reading_it_whole() -> None:
    stream = InputStream(None)
    r = call_wsgi(
        echo,
        "POST",
        "/",
        content_type="text/plain",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input": stream, "wsgi.input_terminated": True},
    )
    assert r.status_code == 413
    assert stream.read_bytes == LIMIT + 1


@pytest.mark.parametrize(
    ("size", "status"), [(LIMIT, 200), (LIMIT + 1, 413)], ids=["limit", "limit+1"]
)
def test_chunked_bodies_at_the_limit(size: int, status: int) -> None:
    r = call_wsgi(
        echo,
        "POST",
        "/",
        content_type="application/octet-stream",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={
            "wsgi.input": InputStream(size),
            "wsgi.input_terminated": True,
        },
    )
    assert r.status_code == status


def test_a_declared_length_over_the_limit_is_413_before_reading() -> None:
    stream = InputStream(None)
    r = call_wsgi(
        echo,
        "POST",
        "/",
        content_type="application/json",
        environ_overrides={"wsgi.input": stream, "CONTENT_LENGTH": str(50 * LIMIT)},
    )
    assert r.status_code == 413
    assert stream.read_bytes == 0


def test_body_limit_option_is_checked() -> None:
    with pytest.raises(TypeError, match="body_limit must be a number of bytes"):
        api_handler(body_limit=1.5)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="body_limit must be a number of bytes"):
        api_handler(body_limit=-1)


# -- method guard ----------------------------------------------------------------


@api_handler(methods=["GET", "PUT"])
def guarded(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"method": req.method})


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_allowed_methods_reach_the_handler(call: Call, method: str) -> None:
    r = call(guarded, method)
    assert (r.status_code, json.loads(r.data)) == (200, {"method": method})


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow(call: Call, method: str) -> None:
    r = call(guarded, method)
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, PUT"
    assert json.loads(r.data)["detail"] == f"Method {method} Not Allowed"
    r = call(guarded, method, headers={"Accept": "text/plain"})
    assert r.data == f"Method {method} Not Allowed".encode()


def test_head_is_allowed_where_get_is(call: Call) -> None:
    r = call(guarded, "HEAD")
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Length"] == '{"method":"HEAD"}'.__len__().__str__()


def test_options_is_answered_with_allow(call: Call) -> None:
    r = call(guarded, "OPTIONS")
    assert (r.status_code, r.data) == (204, b"")
    assert r.headers["Allow"] == "GET, PUT"


def test_options_listed_in_methods_reaches_the_handler(call: Call) -> None:
    @api_handler(methods=["post", "OPTIONS"])
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.set_header("Access-Control-Allow-Methods", "POST").status(204).end()

    r = call(handler, "OPTIONS")
    assert r.headers["Access-Control-Allow-Methods"] == "POST"
    assert "Allow" not in r.headers
    assert call(handler, "GET").headers["Allow"] == "POST, OPTIONS"


@pytest.mark.parametrize(
    ("methods", "error", "message"),
    [
        ("GET", TypeError, "methods must be a list of method names"),
        (["GET", "BAD METHOD"], ValueError, "holds 'BAD METHOD', which is not"),
        ([1], ValueError, "holds 1, which is not an HTTP method name"),
        ([], ValueError, "must name at least one method"),
    ],
    ids=["str", "space", "int", "empty"],
)
def test_methods_option_is_checked(
    methods: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        api_handler(methods=methods)


# -- async handlers --------------------------------------------------------------


@api_handler
async def async_handler(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0)
    if req.method == "DELETE":
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    loop = asyncio.get_running_loop()
    res.json({"loop": id(loop), "thread": threading.get_ident()})


def test_async_handler_answers(call: Call) -> None:
    r = call(async_handler)
    assert r.status_code == 200
    assert json.loads(r.data)["thread"] == threading.get_ident()


def test_async_handler_errors_are_folded(call: Call) -> None:
    r = call(async_handler, "DELETE")
    assert (r.status_code, r.headers["WWW-Authenticate"]) == (401, "Basic")
    assert json.loads(r.data)["detail"] == "Authentication required"


def test_async_handler_reuses_one_loop_per_thread(call: Call) -> None:
    first = json.loads(call(async_handler).data)["loop"]
    second = json.loads(call(async_handler).data)["loop"]
    assert first == second
    other: list[int] = []
    thread = threading.Thread(
        target=lambda: other.append(json.loads(call(async_handler).data)["loop"])
    )
    thread.start()
    thread.join()
    assert len(other) == 1
    assert other[0] != first


def test_async_handler_unexpected_exception_is_a_500(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        await asyncio.sleep(0)
        raise ValueError("hidden")

    r = call(handler)
    assert (r.status_code, b"hidden" in r.data) == (500, False)


request_tag: contextvars.ContextVar[str] = contextvars.ContextVar("request_tag")


@api_handler
async def suspending(req: ApiRequest, res: ApiResponse) -> None:
    request_tag.set(req.query.get("tag", "none"))
    await asyncio.sleep(0.001)  # a real wait: the loop takes over here
    first = asyncio.get_running_loop().create_task(asyncio.sleep(0, "a"))
    results = await asyncio.gather(first, asyncio.sleep(0.001, "b"))
    if req.method == "DELETE":
        raise ApiError(409, f"conflict for {request_tag.get()}")
    res.json({"tag": request_tag.get(), "results": results})


def test_an_async_handler_that_really_waits(call: Call) -> None:
    r = call(suspending, "GET", "/?tag=t1")
    assert json.loads(r.data) == {"tag": "t1", "results": ["a", "b"]}
    assert request_tag.get("unset") == "unset"  # the handler's context stays its own


def test_an_error_after_waiting_is_folded(call: Call) -> None:
    r = call(suspending, "DELETE", "/?tag=t2")
    assert (r.status_code, json.loads(r.data)["detail"]) == (409, "conflict for t2")


def test_a_handler_that_never_waits_runs_without_starting_the_loop() -> None:
    @api_handler
    async def eager(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"running": asyncio.get_running_loop().is_running()})

    assert json.loads(call_wsgi(eager).data) == {"running": False}


def test_async_handler_inside_a_running_loop_is_a_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def from_async_code() -> Any:
        return call_wsgi(async_handler)

    with caplog.at_level(logging.ERROR, logger="nextresp"):
        r = asyncio.run(from_async_code())
    assert r.status_code == 500
    [record] = caplog.records
    assert record.exc_info is not None
    assert "another loop is running" in str(record.exc_info[1])


# -- call forms ------------------------------------------------------------------


def test_werkzeug_endpoint_form_returns_a_finished_response() -> None:
    request = Request.from_values("/", method="GET")
    response = guarded(request)
    assert (response.status_code, response.get_data()) == (200, b'{"method":"GET"}')
    assert type(request) is Request  # the request's own class is back


def test_calling_without_a_request_outside_flask_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="was called with no request"):
        guarded()


def test_calling_with_other_arguments_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="is called as a WSGI app"):
        guarded("a", "b", "c")


# -- Flask specifics -------------------------------------------------------------


def test_flask_req_is_flask_request_and_sees_a_body_read_before() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    seen_before: list[bytes] = []

    @app.before_request
    def read_body_first() -> None:
        seen_before.append(flask.request.get_data())

    @app.post("/items")
    @api_handler
    def items(req: ApiRequest, res: ApiResponse) -> None:
        res.json(
            {
                "same": req is flask.request._get_current_object(),
                "body": req.body,
                "class": type(req).__name__,
            }
        )

    r = call_wsgi(app, "POST", "/items", json={"name": "x"})
    assert json.loads(r.data) == {
        "same": True,
        "body": {"name": "x"},
        "class": "ApiRequest",
    }
    assert seen_before == [b'{"name": "x"}']


def test_flask_request_class_is_restored_after_the_view() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    classes: list[type] = []

    @app.after_request
    def record(response: Any) -> Any:
        classes.append(type(flask.request._get_current_object()))
        return response

    app.add_url_rule("/", view_func=guarded)
    assert call_wsgi(app).status_code == 200
    assert classes == [flask.Request]


def test_flask_max_content_length_smaller_than_the_limit_wins() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 5
    app.add_url_rule("/", view_func=echo, methods=["POST"])
    r = call_wsgi(app, "POST", "/", data=b"123456", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 5 bytes"


def test_an_async_handler_failing_before_it_waits(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        raise ApiError(403)

    r = call(handler)
    assert (r.status_code, json.loads(r.data)["title"]) == (403, "Forbidden")


@pytest.mark.parametrize(
    "data",
    [
        {f"field{i}": "v" for i in range(1001)},
        {"big": "x" * 600_000},
    ],
    ids=["1001-parts", "600-kB-field"],
)
def test_multipart_bombs_are_413(call: Call, data: dict[str, str]) -> None:
    # Encoded in memory: the test client would spool a large body to a file of its own.
    boundary, body = encode_multipart(data)
    content_type = f"multipart/form-data; boundary={boundary}"
    r = call(echo, "POST", "/", data=body, content_type=content_type)
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == (
        "Request form exceeds the limits on its size or parts"
    )


# -- async handlers are tasks --------------------------------------------------------


def test_an_async_handler_is_its_own_task_from_its_first_line(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        first = asyncio.current_task()
        async with asyncio.timeout(5):
            await asyncio.sleep(0)
        res.json({"task": first is not None, "same": asyncio.current_task() is first})

    r = call(handler)
    assert json.loads(r.data) == {"task": True, "same": True}


def test_an_async_handler_may_open_a_task_group_first(call: Call) -> None:
    @api_handler
    async def handler(req: ApiRequest, res: ApiResponse) -> None:
        async with asyncio.TaskGroup() as group:
            first = group.create_task(asyncio.sleep(0, "a"))
            second = group.create_task(asyncio.sleep(0.001, "b"))
        res.json([first.result(), second.result()])

    assert call(handler).data == b'["a","b"]'
