"""If-None-Match and 304 (RFC 9110, sections 13.1.2 and 15.4.5): when, and when not.

A 304 stands in for the response it replaces, so it must carry that response's ETag;
a response without an ETag (a stream, a file, an empty body, ``etag=False``) is never
answered 304, whatever ``If-None-Match`` says.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.wrappers import Request

from nextresp import ApiResponse, api_handler

from .support import Call


def chunks() -> Iterator[bytes]:
    yield b"streamed"


def body_file(path: Path) -> io.BufferedReader:
    path.write_bytes(b"from a file")
    return path.open("rb")


WITHOUT_ETAG: dict[str, tuple[Callable[[ApiResponse, Path], object], bytes]] = {
    "generator": (lambda res, tmp: res.send(chunks()), b"streamed"),
    "file": (lambda res, tmp: res.send(body_file(tmp / "f.bin")), b"from a file"),
    "bytes-io": (lambda res, tmp: res.send(io.BytesIO(b"in memory")), b"in memory"),
    "send-none": (lambda res, tmp: res.send(), b""),
    "send-empty": (lambda res, tmp: res.send(b""), b""),
    "end": (lambda res, tmp: res.end(), b""),
    "nothing-sent": (lambda res, tmp: None, b""),
}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("answer", WITHOUT_ETAG, ids=str)
def test_a_response_without_an_etag_is_never_304(
    call: Call, tmp_path: Path, answer: str, method: str
) -> None:
    send, body = WITHOUT_ETAG[answer]

    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        send(res, tmp_path)

    r = call(handler, method, headers={"If-None-Match": "*"})
    assert r.status_code == 200
    assert "ETag" not in r.headers
    assert r.data == (b"" if method == "HEAD" else body)


def test_an_etag_set_by_hand_is_the_only_etag(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("ETag", '"v1"').send("body")

    r = call(handler)
    assert (r.status_code, r.data) == (200, b"body")
    assert r.headers.getlist("ETag") == ['"v1"']


def test_an_etag_set_by_hand_in_any_case_is_the_only_etag(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("etag", '"v1"').json({"v": 1})

    r = call(handler)
    assert r.headers.getlist("ETag") == ['"v1"']


def test_a_weak_etag_set_by_hand_matches_weakly(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("ETag", 'W/"v1"').json({"v": 1})

    r = call(handler, headers={"If-None-Match": '"v1"'})
    assert (r.status_code, r.data) == (304, b"")
    assert r.headers.getlist("ETag") == ['W/"v1"']


@pytest.mark.parametrize("if_none_match", ['"v1"', "*"], ids=["tag", "star"])
def test_etag_false_never_answers_304_even_with_an_etag_set_by_hand(
    call: Call, if_none_match: str
) -> None:
    @api_handler(etag=False)
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("ETag", '"v1"').json({"v": 1})

    r = call(handler, headers={"If-None-Match": if_none_match})
    assert (r.status_code, r.data) == (200, b'{"v":1}')
    assert r.headers.getlist("ETag") == ['"v1"']


# The hex SHA-1 of the body, as werkzeug's generate_etag makes it.
SAME_BODY = b'{"same":"body"}'
SAME_BODY_ETAG = '"' + hashlib.sha1(SAME_BODY).hexdigest() + '"'


@pytest.mark.parametrize(
    ("code", "answered"),
    [(200, 304), (203, 304), (299, 304), (300, 300), (308, 308), (400, 400)],
    ids=["200", "203", "299", "300", "308", "400"],
)
def test_only_a_2xx_response_is_answered_304(
    call: Call, code: int, answered: int
) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.status(code).json({"same": "body"})

    r = call(handler, headers={"If-None-Match": "*"})
    assert r.status_code == answered
    assert r.data == (b"" if answered == 304 else SAME_BODY)
    assert r.headers["ETag"] == SAME_BODY_ETAG


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_if_none_match_on_other_methods_is_ignored(call: Call, method: str) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.json({"ok": True})

    r = call(handler, method, headers={"If-None-Match": "*"})
    assert (r.status_code, r.data) == (200, b'{"ok":true}')


def test_a_304_keeps_the_other_headers_of_the_response(call: Call) -> None:
    @api_handler
    def handler(req: Request, res: ApiResponse) -> None:
        res.set_header("Cache-Control", "max-age=60").set_header("Vary", "Cookie")
        res.json({"v": 1})

    etag = call(handler).headers["ETag"]
    r = call(handler, headers={"If-None-Match": etag})
    assert (r.status_code, r.data) == (304, b"")
    assert r.headers["ETag"] == etag
    assert r.headers["Cache-Control"] == "max-age=60"
    assert r.headers["Vary"] == "Cookie"
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers
