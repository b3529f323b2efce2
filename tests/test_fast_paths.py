"""Every PERF shortcut gives exactly what the werkzeug path it skips gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.http import generate_etag, quote_etag
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from nextresp import ApiRequest, ApiResponse, _json
from nextresp._headers import lines_of
from nextresp._response import SMALL_BODY, etag_for

from .support import call_wsgi

ENVIRONS = {
    "plain": {},
    "query": {"query_string": "a=1&a=2&b=%C3%A9"},
    "script-name": {"path": "/api/x/", "base_url": "http://example.com:8080/mount/"},
    "unicode-path": {"path": "/caf%C3%A9"},
    "https": {"base_url": "https://example.com/"},
    "remote": {"environ_base": {"REMOTE_ADDR": "10.0.0.7"}},
    "method": {"method": "delete"},
}
DEFERRED = ("scheme", "server", "root_path", "path", "query_string", "remote_addr")


@pytest.mark.parametrize("kwargs", ENVIRONS.values(), ids=list(ENVIRONS))
def test_lazy_request_reads_as_werkzeugs(kwargs: dict[str, Any]) -> None:
    environ = EnvironBuilder(**kwargs).get_environ()
    expected = Request(dict(environ))
    lazy = ApiRequest.lazy(environ)
    headers = lazy.headers
    assert lazy.method == expected.method
    for name in DEFERRED:
        assert getattr(lazy, name) == getattr(expected, name), name
    assert lazy.headers is headers  # set up front, kept through the deferred set-up
    assert list(lazy.headers) == list(expected.headers)
    assert (lazy.url, lazy.args, lazy.host) == (
        expected.url,
        expected.args,
        expected.host,
    )
    assert "werkzeug.request" not in environ  # no reference cycle to collect


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD"])
def test_serving_a_request_leaves_no_garbage_cycles(method: str) -> None:
    import gc

    from examples.thing import handler

    environ = EnvironBuilder(method=method).get_environ()

    def serve() -> bytes:
        body = handler(dict(environ), lambda status, headers: None)
        try:
            return b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()

    serve()  # warm up
    gc.collect()
    gc.disable()
    try:
        serve()
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_lazy_request_has_werkzeugs_attributes_once_set_up() -> None:
    environ = EnvironBuilder(path="/x").get_environ()
    lazy = ApiRequest.lazy(environ)
    assert lazy.path == "/x"
    assert set(vars(Request(dict(environ)))) <= set(vars(lazy))


def test_blank_response_is_what_the_constructor_makes() -> None:
    made, blank = ApiResponse(), ApiResponse.blank()
    assert set(vars(blank)) == set(vars(made))
    for name, value in vars(made).items():
        if name != "headers":
            assert getattr(blank, name) == value, name
    assert list(blank.headers) == list(made.headers) == []


@pytest.mark.parametrize("code", range(200, 600))
def test_status_lines_are_werkzeugs(code: int) -> None:
    assert ApiResponse().status(code).status == Response(status=code).status


@pytest.mark.parametrize("body", [b"x", b'{"name":"Next.js"}', bytes(range(256)) * 50])
def test_etags_are_werkzeugs(body: bytes) -> None:
    from werkzeug.http import generate_etag

    assert ApiResponse().send(body).headers["ETag"] == f'"{generate_etag(body)}"'


def test_lines_of_is_the_list_werkzeug_iterates() -> None:
    headers = Headers([("A", "1")])
    lines_of(headers).append(("B", "2"))
    assert headers.to_wsgi_list() == [("A", "1"), ("B", "2")]
    assert headers["b"] == "2"


@pytest.mark.parametrize(
    "response",
    [
        ApiResponse.blank().json({"a": 1}),
        ApiResponse.blank().send(b"bytes"),
        ApiResponse.blank().end(),
        ApiResponse.blank().status(404).send("x"),
        ApiResponse.blank().redirect("/café"),
        ApiResponse.blank().set_header("Content-Location", "/é").send("x"),
    ],
    ids=["json", "bytes", "empty", "404", "redirect", "content-location"],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_sending_gives_what_werkzeug_gives(response: ApiResponse, method: str) -> None:
    environ = EnvironBuilder(method=method).get_environ()
    response.finalize(environ)
    app_iter, status, headers = response.get_wsgi_response(environ)
    werkzeug = Response.get_wsgi_response(response, environ)
    assert (b"".join(app_iter), status, headers) == (
        b"".join(werkzeug[0]),
        str(werkzeug[1]),
        werkzeug[2],
    )


# -- orjson ------------------------------------------------------------------------

VALUES = [
    {"name": "Next.js", "n": [1, 2.5, -3, 1e16, 1.0, True, False]},
    {"unicode": "café ☃ \U0001f600", "escapes": '"\\\n\t\x00\x1f'},
    {"nested": [[{"a": [None, {}]}]], "empty": [], "blank": ""},
    [0.1, 1 / 3, 2**53, -(2**63)],
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    2**70,
]


@pytest.mark.parametrize("value", VALUES, ids=[str(i) for i in range(len(VALUES))])
def test_orjson_and_the_standard_encoder_agree(value: object) -> None:
    pytest.importorskip("orjson")
    assert _json.fast_dumps is not None
    with_orjson = _json.dumps(value)
    standard = _json._encoder.encode(value).encode()
    assert json.loads(with_orjson) == json.loads(standard)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        {"x": [float("-inf")]},
        {"when": __import__("datetime").date.today()},
    ],
    ids=["nan", "inf", "date"],
)
def test_orjson_refuses_what_the_standard_encoder_refuses(value: object) -> None:
    pytest.importorskip("orjson")
    with pytest.raises((TypeError, ValueError)):
        _json.dumps(value)


def test_without_orjson_the_standard_encoder_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['orjson'] = None\n"
        "from nextresp import _json, ApiResponse\n"
        "assert _json.fast_dumps is None\n"
        "print(ApiResponse().json({'a': [1, None]}).get_data().decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == '{"a":[1,null]}\n'


def test_orjson_output_reaches_the_wire() -> None:
    from nextresp import api_handler

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"name": "Next.js", "ok": True})

    assert call_wsgi(handler).data == b'{"name":"Next.js","ok":true}'


@pytest.mark.parametrize(
    "size", [0, 1, SMALL_BODY - 1, SMALL_BODY, SMALL_BODY + 1, 100_000]
)
def test_etags_of_small_and_large_bodies_are_werkzeugs(size: int) -> None:
    body = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert etag_for(body) == quote_etag(generate_etag(body))


def test_etags_without_cpythons_own_sha1_are_the_same() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['_sha1'] = None\n"
        "from nextresp import ApiResponse\n"
        "print(ApiResponse().send(b'x').headers['ETag'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == f'"{__import__("hashlib").sha1(b"x").hexdigest()}"\n'


#: Values whose bytes must not depend on whether orjson is installed.
SAME_BYTES = {
    "lone-surrogate": {"n": "\ud800", "pair": "\U0001f600"},
    "surrogate-and-null": ["\udfff", None],
    "multidict": MultiDict([("a", "1"), ("b", "2"), ("a", "3")]),
    "nested-multidict": {"q": MultiDict([("a", "1"), ("a", "")]), "n": None},
}


def test_orjson_and_the_standard_encoder_give_identical_bytes() -> None:
    import subprocess
    import sys

    pytest.importorskip("orjson")
    code = (
        "import sys; sys.modules['orjson'] = None\n"
        "from werkzeug.datastructures import MultiDict\n"
        "from nextresp import _json\n"
        "from tests.test_fast_paths import SAME_BYTES\n"
        "assert _json.fast_dumps is None\n"
        "for value in SAME_BYTES.values(): print(_json.dumps(value).decode())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    with_orjson = [_json.dumps(value).decode() for value in SAME_BYTES.values()]
    assert out.stdout.splitlines() == with_orjson
    assert with_orjson[0] == '{"n":"\\ud800","pair":"\U0001f600"}'
    assert with_orjson[2] == '{"a":["1","3"],"b":"2"}'


NAN, INF = float("nan"), float("inf")
#: Values holding null somewhere, with and without floats that JSON cannot carry.
WITH_NULL = {
    "none-only": [None, {"a": None, "b": [1.5, None]}],
    "nan-top": NAN,
    "nan-deep": [None, {"a": [1, (2, {"b": NAN})]}],
    "inf": {"a": None, "b": INF},
    "minus-inf-in-tuple": (None, -INF),
    "nan-in-a-multidict": {"q": MultiDict([("a", "1"), ("a", NAN)])},
    "none-in-a-multidict": [MultiDict([("a", None)])],
    "huge-but-finite": [None, 1e308, -1e308],
}


@pytest.mark.parametrize("value", WITH_NULL.values(), ids=list(WITH_NULL))
def test_null_in_orjsons_output_is_sent_only_when_no_float_is_nan_or_infinite(
    value: object,
) -> None:
    pytest.importorskip("orjson")
    try:
        expected: bytes | type[ValueError] = _json._encoder.encode(
            _json._plain(value)
        ).encode()
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError, match="Out of range float values"):
            _json.dumps(value)
    else:
        assert json.loads(_json.dumps(value)) == json.loads(expected)  # type: ignore[arg-type]
