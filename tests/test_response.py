"""ApiResponse helpers: what each argument becomes, on the object and on the wire."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi

# -- status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", [200, 201, 404, 418, 499, 512, 599, HTTPStatus.ACCEPTED], ids=str
)
def test_status_sets_code_and_returns_the_response(code: int) -> None:
    res = ApiResponse()
    assert res.status(code) is res
    assert res.status_code == int(code)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "status must be an int from 200 to 599, not True (bool)"),
        (200.0, TypeError, "status must be an int from 200 to 599, not 200.0 (float)"),
        ("200", TypeError, "status must be an int from 200 to 599, not '200' (str)"),
        (None, TypeError, "status must be an int from 200 to 599, not None (NoneType)"),
        (100, ValueError, "status must be an int from 200 to 599, not 100"),
        (199, ValueError, "status must be an int from 200 to 599, not 199"),
        (600, ValueError, "status must be an int from 200 to 599, not 600"),
        (-1, ValueError, "status must be an int from 200 to 599, not -1"),
    ],
    ids=["bool", "float", "str", "none", "100", "199", "600", "negative"],
)
def test_status_refuses_bad_codes(
    value: object, error: type[Exception], message: str
) -> None:
    res = ApiResponse()
    with pytest.raises(error) as info:
        res.status(value)  # type: ignore[arg-type]
    assert str(info.value) == message
    assert res.status_code == 200


def test_status_reads_as_the_status_line() -> None:
    res = ApiResponse(status=404)
    assert res.status == "404 Not Found"
    assert isinstance(res.status, str)
    assert f"{res.status}" == "404 Not Found"
    assert res.status.split() == ["404", "Not", "Found"]


def test_status_property_assignment_still_works() -> None:
    res = ApiResponse()
    res.status = 404  # type: ignore[assignment]
    assert res.status_code == 404
    res.status = "299 Custom"  # type: ignore[assignment]
    assert (res.status_code, res.status) == (299, "299 Custom")
    res.status_code = 201
    assert res.status == "201 Created"


def test_werkzeug_constructor_and_force_type_keep_working() -> None:
    res = ApiResponse("hi", status=202, headers={"X-A": "1"}, mimetype="text/plain")
    assert (res.status_code, res.get_data(), res.headers["X-A"]) == (202, b"hi", "1")
    assert res.content_type == "text/plain; charset=utf-8"
    forced = ApiResponse.force_type(Response("x", status=203))
    assert isinstance(forced, ApiResponse)
    assert forced.status(201).send("y") is forced
    assert forced.status_code == 201


def test_status_line_on_the_wire_is_a_plain_str(call: Call) -> None:
    # The validator in `call` asserts type(status) is str (PEP 3333).
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(201).send("made")

    r = call(handler)
    assert (r.status_code, r.data) == (201, b"made")


# -- json ------------------------------------------------------------------------


def test_json_sends_compact_utf8_json() -> None:
    res = ApiResponse().json({"name": "Next.js", "café": [1, 2.5, None, True]})
    assert res.get_data() == '{"name":"Next.js","café":[1,2.5,null,true]}'.encode()
    assert res.headers["Content-Type"] == "application/json"
    assert res.headers["Content-Length"] == str(len(res.get_data()))


def test_json_is_read_back_with_get_json() -> None:
    res = ApiResponse().json([{"id": 1}])
    assert res.get_json() == [{"id": 1}]
    assert callable(res.json)


def test_json_keeps_a_json_content_type_set_before() -> None:
    res = ApiResponse().set_header("Content-Type", "application/ld+json")
    res.json({"@id": "x"})
    assert res.headers["Content-Type"] == "application/ld+json"


def test_json_replaces_a_non_json_content_type() -> None:
    res = ApiResponse().set_header("Content-Type", "text/plain").json(1)
    assert res.headers["Content-Type"] == "application/json"


def _circular() -> dict[str, object]:
    loop: dict[str, object] = {}
    loop["self"] = loop
    return loop


@pytest.mark.parametrize(
    ("value", "error", "fragment"),
    [
        (float("nan"), ValueError, "Out of range float values are not JSON compliant"),
        ({"x": float("inf")}, ValueError, "replace NaN and infinities"),
        (_circular(), ValueError, "Circular reference detected"),
        ({1, 2}, TypeError, "Object of type set is not JSON serializable"),
        ({"when": object()}, TypeError, "convert it to dict, list, str"),
        ({(1, 2): "tuple key"}, TypeError, "keys must be str, int, float, bool"),
    ],
    ids=["nan", "inf", "circular", "set", "object", "tuple-key"],
)
def test_json_refuses_what_would_be_invalid_json(
    value: object, error: type[Exception], fragment: str
) -> None:
    res = ApiResponse()
    with pytest.raises(error, match=r"^json\(\) cannot encode the value") as info:
        res.json(value)
    assert fragment in str(info.value)
    assert (res.get_data(), "Content-Type" in res.headers) == (b"", False)
    res.json({"still": "usable"})  # the failed call finished nothing


def test_json_refuses_nesting_too_deep_for_the_encoder() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deeply"):
        ApiResponse().json(deep)


def test_json_encoder_is_pluggable_on_a_subclass() -> None:
    class SortedResponse(ApiResponse):
        json_dumps = staticmethod(lambda obj: json.dumps(obj, sort_keys=True))

    res = SortedResponse().json({"b": 1, "a": 2})
    assert res.get_data() == b'{"a": 2, "b": 1}'


# -- send ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "data", "content_type"),
    [
        ("héllo", "héllo".encode(), "text/plain; charset=utf-8"),
        ("", b"", "text/plain; charset=utf-8"),
        (b"\x00\xff", b"\x00\xff", "application/octet-stream"),
        (bytearray(b"ab"), b"ab", "application/octet-stream"),
        (memoryview(b"abc")[1:], b"bc", "application/octet-stream"),
        ({"a": 1}, b'{"a":1}', "application/json"),
        ([1, "two"], b'[1,"two"]', "application/json"),
        (42, b"42", "application/json"),
        (1.5, b"1.5", "application/json"),
        (True, b"true", "application/json"),
        (False, b"false", "application/json"),
    ],
    ids=[
        "str",
        "empty-str",
        "bytes",
        "bytearray",
        "memoryview",
        "dict",
        "list",
        "int",
        "float",
        "true",
        "false",
    ],
)
def test_send_by_body_type(body: Any, data: bytes, content_type: str) -> None:
    res = ApiResponse().send(body)
    assert res.get_data() == data
    assert res.headers["Content-Type"] == content_type
    assert res.headers["Content-Length"] == str(len(data))


def test_send_none_sends_an_empty_body_without_content_type() -> None:
    res = ApiResponse().send(None)
    assert res.get_data() == b""
    assert "Content-Type" not in res.headers
    assert res.headers["Content-Length"] == "0"


@pytest.mark.parametrize("body", ["<p>hi</p>", b"<p>hi</p>"], ids=["str", "bytes"])
def test_send_keeps_a_content_type_set_before(body: str | bytes) -> None:
    res = ApiResponse().set_header("Content-Type", "text/html; charset=utf-8")
    res.send(body)
    assert res.headers["Content-Type"] == "text/html; charset=utf-8"
    assert res.get_data() == b"<p>hi</p>"


def test_send_copies_a_bytearray_so_later_changes_do_not_leak() -> None:
    buffer = bytearray(b"ab")
    res = ApiResponse().send(buffer)
    buffer[0:2] = b"zz"
    assert res.get_data() == b"ab"


class Unsendable:
    pass


@pytest.mark.parametrize(
    "body",
    [Unsendable(), {1, 2}, frozenset({b"a"}), 1j],
    ids=["object", "set", "frozenset", "complex"],
)
def test_send_refuses_other_types(body: object) -> None:
    res = ApiResponse()
    with pytest.raises(TypeError, match=r"^send\(\) cannot send .*; pass str, bytes"):
        res.send(body)  # type: ignore[arg-type]
    res.send("the response is still open")


@pytest.mark.parametrize("helper", ["send", "end"])
def test_text_utf8_cannot_encode_is_refused(helper: str) -> None:
    res = ApiResponse()
    with pytest.raises(ValueError, match=rf"^{helper}\(\) got text that UTF-8 cannot"):
        getattr(res, helper)("lone \ud800")
    assert res.send("still open").get_data() == b"still open"


def test_send_refuses_a_text_mode_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with path.open() as file, pytest.raises(TypeError, match="open it in binary mode"):
        ApiResponse().send(file)  # type: ignore[arg-type]


def test_send_encodes_text_in_a_tuple_as_utf8() -> None:
    res = ApiResponse().send((b"a", "\u00e9"))
    assert res.response == (b"a", b"\xc3\xa9")


def test_send_refuses_a_tuple_holding_other_types_at_the_call() -> None:
    with pytest.raises(TypeError, match="must yield bytes or str, not int"):
        ApiResponse().send((b"a", 1))  # type: ignore[arg-type]


def test_send_streams_a_generator(call: Call) -> None:
    closed: list[bool] = []

    def chunks() -> Iterator[bytes]:
        try:
            yield b"one,"
            yield b"two"
        finally:
            closed.append(True)

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(chunks())

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"one,two")
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert "Content-Length" not in r.headers
    assert "ETag" not in r.headers
    assert closed == [True]


def test_send_streams_a_tuple_with_its_length(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send((b"ab", bytearray(b"cd")))

    r = call(handler)
    assert (r.data, r.headers["Content-Length"]) == (b"abcd", "4")


def test_a_stream_of_text_is_sent_as_utf8(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(f"{row},h\u00e9\n" for row in range(2))

    r = call(handler)
    assert (r.status_code, r.data) == (200, "0,h\u00e9\n1,h\u00e9\n".encode())
    assert r.headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("chunk", "error"),
    [
        (7, "a streamed body must yield bytes or str, not int"),
        ("\ud800", "UTF-8 cannot encode"),
    ],
    ids=["int", "lone-surrogate"],
)
def test_a_bad_streamed_chunk_cuts_the_stream_and_is_logged(
    chunk: object, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    res = ApiResponse().send(iter([b"ok", chunk]))
    chunks = iter(res.response)
    assert next(chunks) == b"ok"
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises((TypeError, ValueError), match=error),
    ):
        next(chunks)
    [record] = caplog.records
    assert (record.name, record.levelno) == ("nextresp", logging.ERROR)
    assert record.getMessage() == (
        "a streamed body failed after 1 chunk (2 bytes) went to the server; the server"
        " closes the connection, so the client gets a body cut short, or no answer at"
        " all if the server had not written the status line yet"
    )
    assert record.exc_info is not None


def test_a_failing_stream_source_is_logged_where_the_app_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def rows() -> Iterator[bytes]:
        yield b"a"
        raise ConnectionError("database went away")

    chunks = iter(ApiResponse().send(rows()).response)
    assert next(chunks) == b"a"
    with (
        caplog.at_level(logging.ERROR, logger="nextresp"),
        pytest.raises(ConnectionError),
    ):
        next(chunks)
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is ConnectionError


def test_send_streams_a_file_with_its_length_and_closes_it(
    call: Call, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789" * 10_000)
    opened: list[io.BufferedReader] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        file = path.open("rb")
        file.seek(10)
        opened.append(file)
        res.send(file)

    r = call(handler)
    assert r.data == path.read_bytes()[10:]
    assert r.headers["Content-Length"] == str(100_000 - 10)
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert opened[0].closed


def test_send_streams_a_file_without_a_descriptor(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(io.BytesIO(b"in memory"))

    r = call(handler)
    assert r.data == b"in memory"
    assert "Content-Length" not in r.headers


def test_send_uses_the_servers_file_wrapper(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    wrapped: list[object] = []

    class ServerFileWrapper:
        def __init__(self, file: io.BufferedReader, size: int) -> None:
            wrapped.append(file)
            self.file = file

        def __iter__(self) -> Iterator[bytes]:
            return iter([self.file.read()])

        def close(self) -> None:
            self.file.close()

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.send(path.open("rb"))

    r = call_wsgi(handler, environ_overrides={"wsgi.file_wrapper": ServerFileWrapper})
    assert r.data == b"abc"
    assert len(wrapped) == 1


def test_a_head_request_closes_a_file_it_never_reads(
    call: Call, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    opened: list[io.BufferedReader] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        opened.append(path.open("rb"))
        res.send(opened[0])

    r = call(handler, "HEAD")
    assert (r.data, r.headers["Content-Length"]) == (b"", "3")
    assert opened[0].closed


# -- end -------------------------------------------------------------------------


def test_end_without_body_keeps_the_body_there_is() -> None:
    res = ApiResponse()
    res.data = b"set the werkzeug way"
    assert res.end() is res
    assert res.get_data() == b"set the werkzeug way"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("bye", "text/plain; charset=utf-8"), (b"bye", "application/octet-stream")],
    ids=["str", "bytes"],
)
def test_end_with_a_last_body(body: str | bytes, content_type: str) -> None:
    res = ApiResponse().end(body)
    assert (res.get_data(), res.headers["Content-Type"]) == (b"bye", content_type)


def test_end_refuses_other_bodies() -> None:
    with pytest.raises(TypeError, match=r"^end\(\) takes a str or bytes body, not 1"):
        ApiResponse().end(1)  # type: ignore[arg-type]


# -- redirect --------------------------------------------------------------------


def test_redirect_defaults_to_307_with_an_empty_body() -> None:
    res = ApiResponse().redirect("/login")
    assert res.status_code == 307
    assert res.headers["Location"] == "/login"
    assert (res.get_data(), res.headers["Content-Length"]) == (b"", "0")


@pytest.mark.parametrize("code", [300, 301, 302, 303, 307, 308])
def test_redirect_with_a_redirect_status(code: int) -> None:
    res = ApiResponse().redirect(code, "https://example.com/new")
    assert (res.status_code, res.headers["Location"]) == (
        code,
        "https://example.com/new",
    )


def test_redirect_percent_encodes_non_ascii() -> None:
    res = ApiResponse().redirect("/café?q=è r")
    assert res.headers["Location"] == "/caf%C3%A9?q=%C3%A8%20r"


def test_redirect_location_reaches_the_wire_encoded(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.redirect(308, "/ünïcode")

    r = call(handler)
    assert (r.status_code, r.headers["Location"]) == (308, "/%C3%BCn%C3%AFcode")


USAGE = r"redirect\(\) takes \(url\) or \(status, url\), as in res.redirect\('/login'\)"


@pytest.mark.parametrize(
    "args",
    [(), ("302", "/login"), ("/login", 302), (302,), (b"/x",), (302, "/a", "/b")],
    ids=["none", "str-status", "swapped", "no-url", "bytes-url", "three"],
)
def test_redirect_refuses_other_shapes_showing_both_forms(
    args: tuple[Any, ...],
) -> None:
    with pytest.raises(TypeError, match=USAGE):
        ApiResponse().redirect(*args)


def test_redirect_refuses_a_bool_status_showing_both_forms() -> None:
    with pytest.raises(TypeError, match="not True \\(bool\\); " + USAGE):
        ApiResponse().redirect(True, "/x")  # type: ignore[call-overload]


@pytest.mark.parametrize("code", [200, 304, 305, 306, 404])
def test_redirect_refuses_non_redirect_statuses(code: int) -> None:
    with pytest.raises(ValueError, match="redirect status must be"):
        ApiResponse().redirect(code, "/x")


@pytest.mark.parametrize(
    "url",
    ["/a\r\nSet-Cookie: x=1", "/a\nb", "/\x00", "/\x7f", "/a\tb", ""],
    ids=["crlf", "lf", "nul", "del", "tab", "empty"],
)
def test_redirect_refuses_urls_that_could_split_the_response(url: str) -> None:
    res = ApiResponse()
    with pytest.raises(ValueError, match="redirect"):
        res.redirect(url)
    assert "Location" not in res.headers


# -- set_header ------------------------------------------------------------------


def test_set_header_sets_and_replaces() -> None:
    res = ApiResponse().set_header("X-Id", "a").set_header("x-id", 7)
    assert res.headers.getlist("X-Id") == ["7"]


def test_set_header_with_a_list_sends_one_line_each(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("Set-Cookie", ["a=1", "b=2"]).send("ok")

    r = call(handler)
    assert r.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_set_header_with_an_empty_list_removes_it() -> None:
    res = ApiResponse().set_header("Vary", "Accept").set_header("Vary", [])
    assert "Vary" not in res.headers


def test_set_header_allows_latin_1_and_sends_a_tab_as_a_space() -> None:
    res = ApiResponse().set_header("X-Note", "a\tb \xe9")
    assert res.headers["X-Note"] == "a b \xe9"


@pytest.mark.parametrize(
    ("name", "value", "error", "fragment"),
    [
        ("X-A", "a\r\nSet-Cookie: x=1", ValueError, "has '\\r' at index 1"),
        ("X-A", "a\nb", ValueError, "control characters could split the response"),
        ("X-A", "a\x00", ValueError, "has '\\x00' at index 1"),
        ("X-A", "\x85", ValueError, "has '\\x85' at index 0"),
        ("X-A", "snow ☃", ValueError, "outside Latin-1"),
        ("X-A", ["ok", "b\rad"], ValueError, "has '\\r' at index 1"),
        ("X-A", b"bytes", TypeError, "must be a str, an int or a list of str"),
        ("X-A", None, TypeError, "must be a str, an int or a list of str"),
        ("X-A", True, TypeError, "must be a str, an int or a list of str"),
        ("X-A", 1.5, TypeError, "must be a str, an int or a list of str"),
        ("X A", "v", ValueError, "is not a valid header name"),
        ("X-A:", "v", ValueError, "is not a valid header name"),
        ("", "v", ValueError, "is not a valid header name"),
        ("X-\xe9", "v", ValueError, "is not a valid header name"),
        ("0", "v", ValueError, "is not a valid header name"),
        ("X!A", "v", ValueError, "is not a valid header name"),
        (b"X-A", "v", TypeError, "header name must be a str"),
        ("Content-Length", "5", ValueError, "managed by the server"),
        ("Transfer-Encoding", "chunked", ValueError, "managed by the server"),
        ("Connection", "close", ValueError, "managed by the server"),
    ],
    ids=[
        "crlf",
        "lf",
        "nul",
        "c1-control",
        "non-latin-1",
        "list-item",
        "bytes-value",
        "none-value",
        "bool-value",
        "float-value",
        "space-in-name",
        "colon-in-name",
        "empty-name",
        "non-ascii-name",
        "digit-first",
        "token-punctuation",
        "bytes-name",
        "content-length",
        "transfer-encoding",
        "connection",
    ],
)
def test_set_header_refuses_what_would_be_malformed(
    name: Any, value: Any, error: type[Exception], fragment: str
) -> None:
    res = ApiResponse().set_header("X-A", "before")
    with pytest.raises(error) as info:
        res.set_header(name, value)
    assert fragment in str(info.value)
    assert res.headers.getlist("X-A") == ["before"]


# -- finished responses ----------------------------------------------------------


FINISHERS = {
    "send": lambda res: res.send("first"),
    "json": lambda res: res.json({"first": True}),
    "redirect": lambda res: res.redirect("/first"),
    "end": lambda res: res.end("first"),
    "end-empty": lambda res: res.end(),
    "send-stream": lambda res: res.send(iter([b"first"])),
}
LATER_CALLS = {
    "send": lambda res: res.send("second"),
    "json": lambda res: res.json({"second": True}),
    "redirect": lambda res: res.redirect("/second"),
    "end": lambda res: res.end(),
    "set_header": lambda res: res.set_header("X-Late", "1"),
    "status": lambda res: res.status(500),
}


@pytest.mark.parametrize("later", LATER_CALLS, ids=str)
@pytest.mark.parametrize("first", FINISHERS, ids=str)
def test_helpers_after_the_response_was_sent_raise(first: str, later: str) -> None:
    res = ApiResponse()
    FINISHERS[first](res)
    before = (res.status_code, list(res.headers), res.response)
    helper = first.split("-")[0]
    with pytest.raises(RuntimeError) as info:
        LATER_CALLS[later](res)
    assert str(info.value).startswith(
        f"{later}() was called after {helper}() already sent the response"
    )
    assert (res.status_code, list(res.headers), res.response) == before


# -- what requests hold, echoed ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "echoed"),
    [
        (b'{"n":"\\ud800"}', b'{"n":"\\ud800"}'),
        (
            b'["\\udfff",null,"\\ud83d\\ude00"]',
            '["\\udfff",null,"\U0001f600"]'.encode(),
        ),
    ],
    ids=["lone-surrogate", "with-null-and-a-pair"],
)
def test_json_echoes_any_valid_json_body(
    call: Call, body: bytes, echoed: bytes
) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json(req.body)

    r = call(handler, "POST", data=body, content_type="application/json")
    assert (r.status_code, r.data) == (200, echoed)  # as JSON.stringify escapes it


def test_json_of_the_query_keeps_repeated_values_as_next_js_does(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"query": req.query, "args": req.args})

    r = call(handler, "GET", "/?b=2&a=1&a=3&c=")
    shaped = {"b": "2", "a": ["1", "3"], "c": ""}
    assert (
        r.data
        == json.dumps({"query": shaped, "args": shaped}, separators=(",", ":")).encode()
    )


def test_json_of_a_form_keeps_repeated_values() -> None:
    form = MultiDict([("tag", "a"), ("tag", "b"), ("title", "x")])
    assert ApiResponse().json(form).get_data() == b'{"tag":["a","b"],"title":"x"}'


# -- files: where they start, and who closes them ----------------------------------

PARTIAL_READS = {
    "read": lambda file: file.read(5),
    "readline": lambda file: file.readline(),
    "peek": lambda file: file.peek(5),
}


@pytest.mark.parametrize("how", list(PARTIAL_READS))
def test_a_partly_read_file_is_sent_from_its_position(
    call: Call, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"first line\n" + bytes(range(256)) * 40)
    positions: list[tuple[int, int]] = []

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        file = path.open("rb")
        PARTIAL_READS[how](file)
        res.send(file)
        # A server's sendfile() starts at the descriptor's offset (PEP 3333: the
        # file's current position), which a buffered reader had moved ahead.
        positions.append((file.tell(), os.lseek(file.fileno(), 0, os.SEEK_CUR)))

    r = call(handler)
    [(position, offset)] = positions
    assert offset == position
    assert r.data == path.read_bytes()[position:]
    assert r.headers["Content-Length"] == str(len(r.data))


def test_close_callbacks_run_with_the_servers_file_wrapper(
    host: str, tmp_path: Path
) -> None:
    from wsgiref.util import FileWrapper

    from .conftest import HOSTS

    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    events: list[str] = []

    class ServerFileWrapper(FileWrapper):
        """wsgiref's wrapper, noting that the server was handed the file."""

        def __init__(self, file: Any, size: int) -> None:
            events.append("wrapped")
            super().__init__(file, size)

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        if host == "wsgi":  # the host has no way to register one
            res.call_on_close(lambda: events.append("handler"))
        res.send(path.open("rb"))

    app = HOSTS[host](handler, "/")
    if host == "flask":

        @app.after_request
        def register(response: Response) -> Response:
            response.call_on_close(lambda: events.append("host"))
            return response

    elif host == "werkzeug":

        @Request.application  # type: ignore[arg-type]
        def app(request: Request) -> Response:
            response: Response = handler(request)
            response.call_on_close(lambda: events.append("host"))
            return response

    r = call_wsgi(app, environ_overrides={"wsgi.file_wrapper": ServerFileWrapper})
    assert r.data == b"abc"
    assert events == ["wrapped", "handler" if host == "wsgi" else "host"]
