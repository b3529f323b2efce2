"""Every PERF shortcut gives exactly what the werkzeug path it skips gives."""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.http import generate_etag, quote_etag
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from nextresp import ApiError, ApiRequest, ApiResponse, _json
from nextresp._etag import SMALL_BODY, etag_for
from nextresp._headers import lines_of
from nextresp._status import reason_phrase

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
def test_a_status_line_names_its_code_as_problems_title_it(code: int) -> None:
    line = f"{code} {reason_phrase(code)}"
    assert ApiResponse().status(code).status == line
    res = ApiResponse()
    res.status_code = code
    assert res.status == line

    if code >= 400:
        error = ApiError(code).get_response()
        assert error.status == line
        assert error.get_json()["title"] == line.partition(" ")[2]


@pytest.mark.parametrize(
    ("code", "line"),
    [
        (200, "200 OK"),
        (201, "201 Created"),
        (304, "304 Not Modified"),
        (413, "413 Content Too Large"),
        (422, "422 Unprocessable Content"),
        (500, "500 Internal Server Error"),
        (599, "599 Server Error"),
    ],
)
def test_status_lines_use_rfc_9110_names(code: int, line: str) -> None:
    assert ApiResponse().status(code).status == line


@pytest.mark.parametrize("body", [b"x", b'{"name":"Next.js"}', bytes(range(256)) * 50])
def test_etags_are_werkzeugs(body: bytes) -> None:
    from werkzeug.http import generate_etag

    assert ApiResponse().send(body).headers["ETag"] == f'"{generate_etag(body)}"'


def test_lines_of_is_the_list_werkzeug_iterates() -> None:
    headers = Headers([("A", "1")])
    lines_of(headers).append(("B", "2"))
    assert headers.to_wsgi_list() == [("A", "1"), ("B", "2")]
    assert headers["b"] == "2"


# Made in the test, not at collection: the first JSON response loads orjson, and the
# first status line fills a cache, which must happen in the test that measures them.
RESPONSES: dict[str, Callable[[], ApiResponse]] = {
    "json": lambda: ApiResponse.blank().json({"a": 1}),
    "bytes": lambda: ApiResponse.blank().send(b"bytes"),
    "empty": lambda: ApiResponse.blank().end(),
    "404": lambda: ApiResponse.blank().status(404).send("x"),
    "redirect": lambda: ApiResponse.blank().redirect("/café"),
    "content-location": lambda: (
        ApiResponse.blank().set_header("Content-Location", "/é").send("x")
    ),
}


@pytest.mark.parametrize("make", RESPONSES.values(), ids=list(RESPONSES))
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_sending_gives_what_werkzeug_gives(
    make: Callable[[], ApiResponse], method: str
) -> None:
    response = make()
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
    with_orjson = _json.dumps(value)
    assert _json.fast_dumps is not None
    assert _json.fast_dumps is not _json._first_fast_dumps  # loaded by the first
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


#: A MultiDict beside a value orjson refuses (an int beyond 64 bits), so that the
#: standard encoder, and the shaping of MultiDicts before it, takes the whole value.
BIG = 2**70  # 1180591620717411303424
BESIDE_A_BIG_INT = {
    "list": (
        [MultiDict([("a", "1"), ("a", "2")]), BIG],
        b'[{"a":["1","2"]},1180591620717411303424]',
    ),
    "tuple": (
        (BIG, MultiDict([("b", "3")])),
        b'[1180591620717411303424,{"b":"3"}]',
    ),
    "nested": (
        [[MultiDict([("c", "")])], BIG],
        b'[[{"c":""}],1180591620717411303424]',
    ),
}


@pytest.mark.parametrize(
    ("value", "body"), BESIDE_A_BIG_INT.values(), ids=list(BESIDE_A_BIG_INT)
)
def test_a_multidict_in_a_list_or_tuple_is_shaped_by_the_standard_encoder_too(
    value: object, body: bytes
) -> None:
    assert _json.dumps(value) == body


@dataclasses.dataclass
class Point:
    x: int


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 1, 2),
        datetime.datetime(2026, 1, 2, 3, 4, 5),
        datetime.time(3, 4),
        Point(1),
    ],
    ids=["date", "datetime", "time", "dataclass"],
)
def test_orjson_as_configured_hands_other_types_to_the_standard_encoder(
    value: object,
) -> None:
    pytest.importorskip("orjson")
    dumps = _json.orjson_dumps()
    assert dumps is not None
    with pytest.raises(TypeError):
        dumps(value)
    with pytest.raises(TypeError, match=f"Object of type {type(value).__name__} is"):
        _json.dumps(value)


def test_orjson_as_configured_shapes_a_multidict_as_nextjs_shapes_the_query() -> None:
    pytest.importorskip("orjson")
    dumps = _json.orjson_dumps()
    assert dumps is not None
    query = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert dumps({"q": query, "n": [1.5, None]}) == (
        b'{"q":{"a":["1","3"],"b":"2"},"n":[1.5,null]}'
    )


def test_the_first_encoding_loads_orjson_for_every_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(_json, "fast_dumps", _json._first_fast_dumps)
    assert _json.dumps({"a": [1, None]}) == b'{"a":[1,null]}'
    loaded = _json.fast_dumps
    assert loaded is orjson.dumps
    assert _json.dumps({"b": 2}) == b'{"b":2}'
    assert _json.fast_dumps is loaded


@dataclasses.dataclass
class _Point:
    x: int


def test_the_first_encoding_is_as_strict_as_every_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(_json, "fast_dumps", _json._first_fast_dumps)
    # orjson would encode a dataclass; it is told to pass it to the standard
    # encoder, which refuses it, from the first call on.
    with pytest.raises(TypeError, match="_Point is not JSON serializable"):
        _json.dumps([_Point(1)])
    assert _json.fast_dumps is orjson.dumps


def test_a_first_encoding_without_orjson_leaves_the_standard_encoder_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "orjson", None)
    monkeypatch.setattr(_json, "fast_dumps", _json._first_fast_dumps)
    assert _json.dumps({"a": [1, None]}) == b'{"a":[1,null]}'
    assert _json.fast_dumps is None


class _StdlibJson(ApiResponse):
    json_dumps = staticmethod(lambda obj: json.dumps(obj).encode())


@pytest.mark.parametrize("response_class", [ApiResponse, _StdlibJson])
@pytest.mark.parametrize("header_first", [False, True])
def test_json_names_itself_as_what_sent_the_response(
    response_class: type[ApiResponse], header_first: bool
) -> None:
    res = response_class.blank()
    if header_first:
        res.set_header("X-Id", "7")
    res.json({"a": 1})
    with pytest.raises(RuntimeError, match=r"^send\(\) was called after json\(\)"):
        res.send("again")


def test_json_names_itself_when_a_custom_encoder_fails() -> None:
    with pytest.raises(TypeError, match=r"^json\(\) cannot encode the value as JSON"):
        _StdlibJson.blank().json({"when": {1, 2}})  # type: ignore[dict-item]


def test_without_orjson_the_standard_encoder_is_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['orjson'] = None\n"
        "from nextresp import _json, ApiResponse\n"
        "print(ApiResponse().json({'a': [1, None]}).get_data().decode())\n"
        "assert _json.fast_dumps is None"
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


def test_a_small_body_sent_again_gets_the_same_tag_from_the_cache() -> None:
    from nextresp import _etag

    body = b'{"again":true}'
    first = etag_for(body)
    assert _etag._small_tags[body] == first
    assert etag_for(bytes(bytearray(body))) == first == quote_etag(generate_etag(body))


def test_the_small_tags_cache_is_emptied_when_full() -> None:
    from nextresp import _etag

    for n in range(_etag._SMALL_TAGS + 1):
        etag_for(b"%d" % n)
    assert len(_etag._small_tags) <= _etag._SMALL_TAGS
    assert etag_for(b"0") == quote_etag(generate_etag(b"0"))


def test_a_small_bytearray_is_tagged_without_the_cache() -> None:
    body = bytearray(b"not hashable")
    assert etag_for(body) == quote_etag(generate_etag(bytes(body)))  # type: ignore[arg-type]


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
        "for value in SAME_BYTES.values(): print(_json.dumps(value).decode())\n"
        "assert _json.fast_dumps is None"
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


# -- the JSON depth guard ----------------------------------------------------------


def depth_of(value: object) -> int:
    """The recursive definition: how many lists and dicts are nested, at most."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return 0
    deepest = 0
    for child in value:  # a loop, not map(): one stack frame per level
        deepest = max(deepest, depth_of(child))
    return 1 + deepest


def chain(depth: int, *, kinds: str = "dl", leaf: object = 1) -> object:
    """``depth`` levels around ``leaf``, the outermost first, kinds taken in turn."""
    value = leaf
    for level in reversed(range(depth)):
        value = {"k": value} if kinds[level % len(kinds)] == "d" else [value]
    return value


SHAPES: dict[str, object] = {
    "scalar": 7,
    "string with brackets": "[[[{{{",
    "null": None,
    "empty list": [],
    "empty dict": {},
    "lists 512": chain(512, kinds="l"),
    "lists 513": chain(513, kinds="l"),
    "dicts 512": chain(512, kinds="d"),
    "dicts 513": chain(513, kinds="d"),
    "mixed 512": chain(512),
    "mixed 513": chain(513),
    "mixed 513, empty innermost": chain(512, leaf=[]),
    "mixed 512, empty innermost": chain(511, leaf={}),
    "wide": [{"id": i, "tags": ["a", {"b": [i]}]} for i in range(2000)],
    "wide, one 513 at the end": [[1]] * 2000 + [chain(513)],
    "wide, one 513 at the start": [chain(513), *[[1]] * 2000],
    "wide, 512 everywhere": [chain(511)] * 50,
    "deep in a dict among scalars": {
        **{f"k{i}": i for i in range(100)},
        "deep": chain(512, kinds="ld"),
        "z": "x",
    },
    "deeper in a dict among scalars": {"a": 1, "deep": chain(512, kinds="ld")},
    "shared subtree": {"a": (shared := chain(300)), "b": [shared, [shared]]},
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
@pytest.mark.parametrize("limit", [512, 511, 1, 0])
def test_depth_guard_agrees_with_the_recursive_definition(
    shape: object, limit: int
) -> None:
    from nextresp._json_depth import nested_deeper

    value = json.loads(json.dumps(shape))  # what the guard is given: json.loads' output
    assert nested_deeper(value, limit) is (depth_of(value) > limit)


@pytest.mark.parametrize("depth", [2, 254, 255, 256, 300, 512, 513, 600])
@pytest.mark.parametrize("leaf", ["", "0", str(2**70), '"\\ud800"'])
def test_depth_guard_shortcuts_agree_with_the_walk(depth: int, leaf: str) -> None:
    # orjson writes about 255 levels and no integer past 64 bits nor a lone
    # surrogate: the walk decides those; 513 plain lists are exactly 1026 bytes.
    from nextresp._json_depth import nests_too_deeply

    data = ("[" * depth + leaf + "]" * depth).encode()
    assert nests_too_deeply(data, json.loads(data)) is (depth > 512)


def test_orjsons_writer_is_a_proof_of_depth_only_below_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import orjson

    from nextresp import _json_depth

    loader = _json_depth._first_shallow_writer
    monkeypatch.setattr(_json_depth, "shallow_writer", loader)
    assert (
        _json_depth.nests_too_deeply(b"[" * 600 + b"]" * 600, chain(600, kinds="l"))
        is True
    )
    assert _json_depth.shallow_writer is orjson.dumps
    monkeypatch.setattr(_json_depth, "shallow_writer", loader)
    assert _json_depth.nests_too_deeply(b"[" * 1100, [[1] * 550]) is False
    assert _json_depth.shallow_writer is orjson.dumps
    # A limit orjson writes past: its writer proves nothing, and is not used.
    monkeypatch.setattr(_json_depth, "shallow_writer", loader)
    monkeypatch.setattr(_json_depth, "MAX_JSON_DEPTH", 100)
    with pytest.raises(TypeError, match="no proof of depth"):
        loader([])
    assert _json_depth.shallow_writer is None


def test_depth_guard_table_holds_both_sides_of_the_limit() -> None:
    depths = {name: depth_of(shape) for name, shape in SHAPES.items()}
    assert {512, 513} <= set(depths.values())
    assert depths["deeper in a dict among scalars"] == 513


# -- header checks -----------------------------------------------------------------

HEADER_VALUES = {
    "empty": "",
    "plain": "Basic",
    "space": "a b",
    "tilde and space": " ~",
    "tab": "a\tb",
    "only a tab": "\t",
    "NUL": "a\x00",
    "CR LF": "a\r\nX-Injected: 1",
    "unit separator": "\x1f",
    "DEL": "a\x7f",
    "C1": "a\x85",
    "last C1": "\x9f",
    "NBSP": "\xa0",
    "Latin-1": "café",
    "y with diaeresis (0xFF)": "\xff",
    "A with macron (0x100)": "\u0100",
    "snowman": "☃",
    "emoji": "\U0001f600",
    "surrogate": "\ud800",
    "line separator": "\u2028",
    "printable then DEL": "x" * 100 + "\x7f",
}


def assert_checked_as_by_regex(value: str) -> None:
    """Assert that ``check_value`` answers as its regex path alone answered before."""
    from nextresp._headers import _NOT_FIELD_TEXT, check_value

    bad = _NOT_FIELD_TEXT.search(value)
    if bad is None:
        assert check_value("X", value) == value.replace("\t", " ")
    else:
        with pytest.raises(ValueError, match=f"at index {bad.start()}:"):
            check_value("X", value)


@pytest.mark.parametrize("value", HEADER_VALUES.values(), ids=list(HEADER_VALUES))
def test_header_value_fast_path_agrees_with_the_regex(value: str) -> None:
    assert_checked_as_by_regex(value)


@pytest.mark.parametrize("code", range(0x101), ids=hex)
def test_header_value_fast_path_agrees_on_every_char_up_to_0x100(code: int) -> None:
    assert_checked_as_by_regex(f"a{chr(code)}b")


HEADER_NAMES = ["X-Name", "a", "A_1-b", "", "1x", "X Name", "X:Y", "é", "X-\n", "Te"]


@pytest.mark.parametrize("name", HEADER_NAMES)
def test_a_remembered_header_name_is_checked_as_a_new_one(name: str) -> None:
    from nextresp import _headers

    def answer() -> str:
        try:
            return _headers.check_name(name)
        except ValueError as exc:
            return f"ValueError: {exc}"

    first, second = answer(), answer()  # the second may come from the memo
    _headers._checked_names.clear()
    assert first == second == answer()
    assert (first == name) is (
        _headers._NAME.fullmatch(name) is not None
        and name.lower() not in _headers._SERVER_MANAGED
    )


def test_remembered_header_names_are_bounded() -> None:
    from nextresp import _headers

    for i in range(_headers._MAX_CHECKED_NAMES * 2):
        _headers.check_name(f"X-Name-{i}")
    assert len(_headers._checked_names) == _headers._MAX_CHECKED_NAMES
    assert _headers.check_name("X-Later") == "X-Later"
    assert "X-Later" not in _headers._checked_names


def test_a_str_subclass_name_is_not_remembered() -> None:
    from nextresp import _headers

    class Name(str):
        pass

    assert _headers.check_name(Name("X-Sub")) == "X-Sub"
    assert not any(type(name) is not str for name in _headers._checked_names)


def test_import_loads_no_orjson_asyncio_or_routes_until_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nextresp\n"
        "print(sorted(m for m in ('orjson', 'asyncio', 'nextresp._routes')"
        " if m in sys.modules))\n"
        "nextresp.routes, nextresp.ApiResponse().json({'a': 1})\n"
        "print(sorted(m for m in ('orjson', 'nextresp._routes') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    pytest.importorskip("orjson")
    assert out.stdout == "[]\n['nextresp._routes', 'orjson']\n"


HEADER_ENVIRON = {
    "HTTP_AUTHORIZATION": "Basic eDp5",
    "HTTP_X_COUNT": "7",
    "CONTENT_TYPE": "application/json",
    "CONTENT_LENGTH": "12",
    "HTTP_CONTENT_TYPE": "ignored by werkzeug",
}


@pytest.mark.parametrize(
    ("key", "args"),
    [
        ("Authorization", ()),
        ("authorization", ()),
        ("X-Count", ()),
        ("x_count", ()),
        ("X-Count", ("none",)),
        ("Content-Type", ()),
        ("content-length", ()),
        ("Cookie", ()),
        ("Cookie", ("no cookie",)),
        ("X-Count", (None, int)),
        ("Authorization", (0, int)),
        ("X-Missing", (3, int)),
    ],
)
def test_lazy_request_headers_get_as_werkzeugs(key: str, args: tuple[Any, ...]) -> None:
    from werkzeug.datastructures import EnvironHeaders

    lazy = ApiRequest.lazy(dict(HEADER_ENVIRON)).headers
    assert lazy.get(key, *args) == EnvironHeaders(dict(HEADER_ENVIRON)).get(key, *args)


def test_lazy_request_headers_hold_what_werkzeugs_init_sets() -> None:
    from werkzeug.datastructures import EnvironHeaders

    environ = dict(HEADER_ENVIRON)
    lazy = ApiRequest.lazy(environ).headers
    assert isinstance(lazy, EnvironHeaders)
    assert vars(lazy) == vars(EnvironHeaders(environ))
    assert lazy.environ is environ
    assert dict(lazy) == dict(EnvironHeaders(environ))
