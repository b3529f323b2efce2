"""Request body limits: ``body_limit`` and the host's own, and how deep JSON may nest.

The tighter of ``body_limit`` and the host's limit (Flask's ``MAX_CONTENT_LENGTH``)
applies; ``None`` is no limit of ours and 0 admits only an empty body. JSON may nest
512 levels and no more, however many brackets it holds beside.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pydantic
import pytest
from werkzeug.wrappers import Request

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi

LIMIT = 1024 * 1024


def length_of_body(req: ApiRequest, res: ApiResponse) -> None:
    body = req.body
    res.json({"length": None if body is None else len(body)})


def test_body_limit_none_reads_bodies_over_the_default_limit(call: Call) -> None:
    handler = api_handler(body_limit=None)(length_of_body)
    data = b"x" * (LIMIT + 1)
    r = call(handler, "POST", "/", data=data, content_type="text/plain")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": LIMIT + 1})


def test_body_limit_zero_admits_only_an_empty_body(call: Call) -> None:
    handler = api_handler(body_limit=0)(length_of_body)
    r = call(handler, "POST", "/")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": None})
    r = call(handler, "POST", "/", data=b"x", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 0 bytes"


def flask_app(handler: Any, max_content_length: int | None) -> Any:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_content_length
    app.add_url_rule("/", view_func=handler, methods=["POST"])
    return app


@pytest.mark.parametrize("host_limit", [100, 10, None], ids=["larger", "equal", "none"])
def test_body_limit_tightens_a_larger_host_limit(host_limit: int | None) -> None:
    app = flask_app(api_handler(body_limit=10)(length_of_body), host_limit)
    r = call_wsgi(app, "POST", "/", data=b"0123456789", content_type="text/plain")
    assert (r.status_code, json.loads(r.data)) == (200, {"length": 10})
    r = call_wsgi(app, "POST", "/", data=b"0123456789!", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


def test_a_host_limit_applies_when_body_limit_is_none() -> None:
    app = flask_app(api_handler(body_limit=None)(length_of_body), 5)
    r = call_wsgi(app, "POST", "/", data=b"123456", content_type="text/plain")
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 5 bytes"


# -- JSON nesting ------------------------------------------------------------------


def nested(depth: int) -> str:
    """JSON nested ``depth`` levels deep, lists and dicts in turn."""
    pairs, odd = divmod(depth, 2)
    return '{"a":[' * pairs + "[" * odd + "1" + "]" * odd + "]}" * pairs


def with_many_brackets(depth: int) -> bytes:
    """``nested(depth)`` beside 600 shallow lists: more brackets than the limit."""
    shallow = ",".join(["[]"] * 600)
    return f"[{nested(depth - 1)},{shallow}]".encode()


@pytest.mark.parametrize("depth", [1, 2, 511, 512])
def test_json_up_to_512_levels_among_many_brackets_is_parsed(
    call: Call, depth: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"items": len(req.body)})

    data = with_many_brackets(depth)
    assert data.count(b"[") + data.count(b"{") > 512
    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert (r.status_code, json.loads(r.data)) == (200, {"items": 601})


@pytest.mark.parametrize("depth", [513, 514, 600])
def test_json_deeper_than_512_levels_among_many_brackets_is_400(
    call: Call, depth: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"items": len(req.body)})

    data = with_many_brackets(depth)
    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == 400
    assert json.loads(r.data)["detail"] == "JSON nested deeper than 512 levels"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"[" + b"[1]," * 600 + b"[1]]", 200),
        (b'{"a":' + b'{"b":' * 511 + b"1" + b"}" * 512, 200),
        (b'{"a":' + b'{"b":' * 512 + b"1" + b"}" * 513, 400),
    ],
    ids=["wide", "dicts-512", "dicts-513"],
)
def test_json_depth_counts_dicts_and_lists_alike(
    call: Call, data: bytes, status: int
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.send(b"parsed" if req.body is not None else b"none")

    r = call(handler, "POST", "/", data=data, content_type="application/json")
    assert r.status_code == status


# -- every way of reading the body says the same over the limit ----------------------


def read_with(how: str, body_limit: int | None = 10) -> Any:
    """A handler that reads the body the way ``how`` names."""

    @api_handler(body_limit=body_limit)
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        if how == "get_data":
            got: object = len(req.get_data())
        elif how == "data":
            got = len(req.data)
        elif how == "get_json":
            got = req.get_json()
        elif how == "stream.read":
            got = len(req.stream.read())
        elif how == "stream.read(4)":
            got = len(b"".join(iter(lambda: req.stream.read(4), b"")))
        elif how == "form":
            got = req.form.to_dict()
        else:
            got = len(req.files)
        res.json({"read": got})

    return handler


READS = [
    "get_data",
    "data",
    "get_json",
    "stream.read",
    "stream.read(4)",
    "form",
    "files",
]
TYPES = {"get_json": "application/json"}


@pytest.mark.parametrize("how", READS)
def test_every_read_of_a_body_over_the_limit_answers_as_body_does(
    call: Call, how: str
) -> None:
    content_type = TYPES.get(how, "application/x-www-form-urlencoded")
    r = call(
        read_with(how), "POST", "/", data=b"a=" + b"x" * 9, content_type=content_type
    )
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


@pytest.mark.parametrize("how", ["get_data", "stream.read", "stream.read(4)"])
@pytest.mark.parametrize(
    ("size", "status"), [(10, 200), (11, 413)], ids=["at-the-limit", "one-over"]
)
def test_every_read_of_a_chunked_body_tells_the_limit_from_over_it(
    how: str, size: int, status: int
) -> None:
    r = call_wsgi(
        read_with(how),
        "POST",
        "/",
        content_type="application/octet-stream",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={
            "wsgi.input": io.BytesIO(b"a" * size),
            "wsgi.input_terminated": True,
        },
    )
    assert r.status_code == status
    if status == 200:
        assert json.loads(r.data) == {"read": 10}
    else:
        assert json.loads(r.data)["detail"] == (
            "Request body exceeds the limit of 10 bytes"
        )


def test_a_form_within_the_limit_that_breaks_werkzeugs_form_limits_says_so() -> None:
    handler = read_with("form", body_limit=None)
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.config["MAX_FORM_PARTS"] = 1
    app.add_url_rule("/", view_func=handler, methods=["POST"])
    boundary = "b0undary"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
    data = (part * 2 + f"--{boundary}--\r\n").encode()
    r = call_wsgi(
        app,
        "POST",
        "/",
        data=data,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == (
        "Request form exceeds the limits on its size or parts"
    )


# -- a declared body over the limit is drained, so the connection survives -----------


class CountingInput(io.BytesIO):
    """A request body that counts the bytes the app read of it."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


@pytest.mark.parametrize(
    ("limit", "size", "drained"),
    [
        (100_000, 100_001, True),
        (100_000, 200_000, True),
        (100_000, 200_001, False),
        (10, 65_536, True),
        (10, 65_537, False),
    ],
    ids=["one-over", "twice-the-limit", "over-twice", "64-KiB", "over-64-KiB"],
)
def test_a_declared_body_of_up_to_twice_the_limit_or_64_kib_is_read_before_the_413(
    limit: int, size: int, drained: bool
) -> None:
    body = CountingInput(b"x" * size)
    r = call_wsgi(
        read_with("get_data", body_limit=limit),
        "POST",
        "/",
        content_type="application/octet-stream",
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(size)},
    )
    assert r.status_code == 413
    assert body.read_bytes == (size if drained else 0)


class GoneInput(io.BytesIO):
    """A client that leaves after a few bytes: reading fails, as on a reset socket."""

    def read(self, size: int | None = -1) -> bytes:
        raise OSError("connection reset by peer")


@pytest.mark.parametrize(
    "body",
    [CountingInput(b"x" * 15), GoneInput()],
    ids=["shorter-than-declared", "client-gone"],
)
def test_draining_a_body_that_stops_early_still_answers_413(body: io.BytesIO) -> None:
    r = call_wsgi(
        read_with("get_data", body_limit=10),
        "POST",
        "/",
        content_type="application/octet-stream",
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": "20"},
    )
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


NEXT_REQUEST = b"GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n"


@pytest.mark.parametrize(
    ("limit", "size"),
    [(10, 20), (40_000, 65_537), (100_000, 200_000)],
    ids=["one-read", "one-byte-past-64-KiB", "twice-the-limit"],
)
def test_draining_reads_the_declared_body_to_its_last_byte_and_no_further(
    limit: int, size: int
) -> None:
    # werkzeug's server hands the connection itself over as wsgi.input: on a
    # keep-alive connection the client's next request follows the body.
    connection = io.BytesIO(b"x" * size + NEXT_REQUEST)
    r = call_wsgi(
        read_with("get_data", body_limit=limit),
        "POST",
        "/",
        content_type="application/octet-stream",
        environ_overrides={"wsgi.input": connection, "CONTENT_LENGTH": str(size)},
    )
    assert r.status_code == 413
    assert connection.read() == NEXT_REQUEST


def test_draining_a_body_the_server_already_closed_still_answers_413() -> None:
    closed = io.BytesIO(b"x" * 20)
    closed.close()  # reading it raises ValueError, as a closed file does
    r = call_wsgi(
        read_with("get_data", body_limit=10),
        "POST",
        "/",
        content_type="application/octet-stream",
        environ_overrides={"wsgi.input": closed, "CONTENT_LENGTH": "20"},
    )
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 10 bytes"


class Numbers(pydantic.BaseModel):
    a: list[int]


@api_handler(methods=["POST"], body_limit=100)
def typed_length(req: ApiRequest, res: ApiResponse, body: Numbers) -> None:
    res.json({"length": len(body.a)})


@api_handler(methods=["POST"], body_limit=100)
def parsed_length(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"length": len(req.body["a"])})


@api_handler(methods=["POST"], body_limit=100)
def stream_length(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"length": len(req.stream.read())})


@pytest.mark.parametrize("handler", [typed_length, parsed_length, stream_length])
@pytest.mark.parametrize("host_reads", ["stream", "get_data"])
def test_body_limit_holds_when_the_host_touched_the_body_first(
    handler: Any, host_reads: str
) -> None:
    # A werkzeug app that made the request's stream (or read the body whole) under
    # its own limit, none, before calling the handler as its endpoint.
    @Request.application
    def app(request: Request) -> Any:
        if host_reads == "stream":
            request.stream  # noqa: B018 (made, not read)
        else:
            request.get_data()
        return handler(request)

    big = json.dumps({"a": list(range(200))}).encode()
    r = call_wsgi(app, "POST", "/", data=big, content_type="application/json")
    if handler is stream_length and host_reads == "get_data":
        # The host read the body whole: the stream it leaves is empty.
        assert (r.status_code, json.loads(r.data)) == (200, {"length": 0})
        return
    assert r.status_code == 413
    assert json.loads(r.data)["detail"] == "Request body exceeds the limit of 100 bytes"
    small = json.dumps({"a": [1, 2]}).encode()
    r = call_wsgi(app, "POST", "/", data=small, content_type="application/json")
    assert (r.status_code, json.loads(r.data)["length"]) == (
        200,
        2 if handler is not stream_length else len(small),
    )
