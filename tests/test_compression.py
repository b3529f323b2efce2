"""``compress=True``: one-piece bodies encoded as ``Accept-Encoding`` asks; never a
stream, a file, a range, a small body, or an answer without a body."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path
from typing import Any

import brotli
import pytest
import zstandard
from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

import nextresp._compress
from nextresp import ApiError, ApiOptions, ApiResponse, api_handler, api_methods, routes
from nextresp._compress import MIN_SIZE, negotiate

from .support import Call, call_wsgi

OFFERED = ("zstd", "br", "gzip")
BIG = [{"id": i, "name": f"Item number {i}", "tags": ["a", "b"]} for i in range(300)]
BIG_JSON = json.dumps(BIG, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, None),
        ("", None),
        ("gzip", "gzip"),
        ("GZIP", "gzip"),
        ("x-gzip", "gzip"),
        ("gzip;q=0", None),
        ("gzip; q=0.000", None),
        ("identity", None),
        ("identity;q=0", None),  # nothing else accepted: identity all the same
        ("*", "zstd"),
        ("*;q=0", None),
        ("*;q=0, gzip", "gzip"),
        ("gzip, *;q=0.1", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("gzip, br", "br"),
        ("gzip, br, zstd", "zstd"),
        ("deflate, compress", None),  # codings we do not write
        ("unknown, gzip;q=0.3", "gzip"),
        ("gzip;q=2", None),  # out of range: no consent
        ("gzip;q=high", None),
        (" , gzip ;q=1 ,", "gzip"),
        ("gzip, br;q=1", "br"),  # no weight is q=1: the first offered wins the tie
        ("gzip;level=1;q=0", None),  # the weight after another parameter counts
        ("gzip;q=0=1", None),  # a weight that cannot be read
    ],
)
def test_accept_encoding_is_weighed_as_rfc_9110_says(
    accept: str | None, chosen: str | None
) -> None:
    assert negotiate(accept, OFFERED) == chosen


def big_handler(**options: Any) -> Any:
    @api_handler(compress=True, **options)
    def handler(req: Any, res: ApiResponse) -> None:
        res.json(BIG)

    return handler


@pytest.mark.parametrize(
    ("coding", "decode"),
    [
        ("gzip", gzip.decompress),
        ("br", brotli.decompress),
        ("zstd", lambda data: zstandard.ZstdDecompressor().decompress(data)),
    ],
)
def test_a_json_body_is_encoded_for_a_client_that_asks(
    call: Call, coding: str, decode: Any
) -> None:
    r = call(big_handler(), headers={"Accept-Encoding": coding})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == coding
    assert r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Content-Length"] == str(len(r.data))
    assert decode(r.data) == BIG_JSON
    plain = call(big_handler())
    assert r.headers["ETag"] == plain.headers["ETag"][:-1] + f'-{coding}"'


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", lambda data: gzip_at(data, 4)),
        ("br", lambda data: brotli.compress(data, quality=4)),
        ("zstd", lambda data: zstandard.ZstdCompressor(level=3).compress(data)),
    ],
)
def test_each_coding_is_written_at_its_documented_level(
    monkeypatch: pytest.MonkeyPatch, coding: str, encode: Any
) -> None:
    # Forget the codings found on first use, so this test looks them up again.
    monkeypatch.setattr(nextresp._compress, "_codings", None)
    r = call_wsgi(big_handler(), headers={"Accept-Encoding": coding})
    assert r.headers["Content-Encoding"] == coding
    assert r.data == encode(BIG_JSON)
    assert list(nextresp._compress.codings()) == ["zstd", "br", "gzip"]


def gzip_at(data: bytes, level: int) -> bytes:
    encoder = zlib.compressobj(level, zlib.DEFLATED, 31)
    return encoder.compress(data) + encoder.flush()


def test_without_accept_encoding_the_body_is_identity_and_varies(call: Call) -> None:
    r = call(big_handler())
    assert (r.data, r.headers["Vary"]) == (BIG_JSON, "Accept-Encoding")
    assert "Content-Encoding" not in r.headers


def test_compress_is_off_by_default(call: Call) -> None:
    @api_handler
    def handler(req: Any, res: ApiResponse) -> None:
        res.json(BIG)

    r = call(handler, headers={"Accept-Encoding": "gzip"})
    assert r.data == BIG_JSON
    assert "Content-Encoding" not in r.headers
    assert "Vary" not in r.headers


def test_vary_merges_with_the_handlers_own(call: Call) -> None:
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        res.set_header("Vary", "Cookie").json(BIG)

    r = call(handler, headers={"Accept-Encoding": "gzip"})
    assert r.headers.getlist("Vary") == ["Cookie, Accept-Encoding"]


def test_a_suffixed_etag_is_answered_304_without_encoding(call: Call) -> None:
    tag = call(big_handler(), headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    r = call(big_handler(), headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert (r.status_code, r.data) == (304, b"")
    assert r.headers["ETag"] == tag
    assert "Content-Encoding" not in r.headers
    # The identity's tag does not match the encoded representation.
    plain_tag = call(big_handler()).headers["ETag"]
    r = call(
        big_handler(),
        headers={"Accept-Encoding": "gzip", "If-None-Match": plain_tag},
    )
    assert (r.status_code, r.headers["Content-Encoding"]) == (200, "gzip")


def test_head_gets_the_identitys_headers(call: Call) -> None:
    r = call(big_handler(), "HEAD", headers={"Accept-Encoding": "gzip"})
    assert (r.status_code, r.data) == (200, b"")
    assert r.headers["Content-Length"] == str(len(BIG_JSON))
    assert r.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in r.headers


def answer(body: Any, **headers: str) -> Any:
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        for name, value in headers.items():
            res.set_header(name.replace("_", "-"), value)
        body(res)

    return handler


NEVER = {
    "small": lambda res: res.json({"small": True}),
    "just-under-the-threshold": lambda res: res.send("x" * (MIN_SIZE - 1)),
    "204": lambda res: res.status(204).end(),
    "binary": lambda res: res.send(bytes(4096)),
    "image": lambda res: res.set_header("Content-Type", "image/png").send(bytes(4096)),
    "stream": lambda res: res.send(iter([b"x" * 4096])),
    "file": lambda res: res.send(io.BytesIO(b"x" * 4096)),
    "events": lambda res: res.sse(["x" * 4096], heartbeat=None),
    "ndjson": lambda res: res.ndjson([{"x": "y" * 4096}]),
    "ai-stream": lambda res: res.ai_stream(["x" * 4096]),
}


@pytest.mark.parametrize("name", list(NEVER))
def test_never_encoded(name: str) -> None:
    r = call_wsgi(answer(NEVER[name]), headers={"Accept-Encoding": "gzip, br, zstd"})
    assert "Content-Encoding" not in r.headers
    assert "Accept-Encoding" not in r.headers.get("Vary", "")


@pytest.mark.parametrize(
    ("content_type", "encoded"),
    [
        ("text/plain; charset=utf-8", True),
        ("TEXT/CSV", True),
        ("application/json; charset=utf-8", True),
        ("application/vnd.api+json", True),
        ("text/event-stream", False),
        ("application/octet-stream", False),
    ],
    ids=["text", "text-upper", "json-charset", "json-suffix", "events", "binary"],
)
def test_a_textual_type_is_encoded_and_no_other(
    content_type: str, encoded: bool
) -> None:
    handler = answer(lambda res: res.send(b"x" * 4096), Content_Type=content_type)
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Type"] == content_type
    assert r.headers.get("Content-Encoding") == ("gzip" if encoded else None)
    assert (gzip.decompress(r.data) if encoded else r.data) == b"x" * 4096


def test_a_body_of_no_declared_type_is_not_encoded() -> None:
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        res.send("x" * 4096)
        del res.headers["Content-Type"]

    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.data, r.headers.get("Content-Encoding")) == (b"x" * 4096, None)


def test_a_body_already_encoded_is_left_alone() -> None:
    packed = gzip.compress(BIG_JSON)
    handler = answer(
        lambda res: res.set_header("Content-Type", "application/json").send(packed),
        Content_Encoding="gzip",
    )
    r = call_wsgi(handler, headers={"Accept-Encoding": "br"})
    assert (r.headers["Content-Encoding"], r.data) == ("gzip", packed)


def test_no_transform_is_respected() -> None:
    handler = answer(lambda res: res.json(BIG), Cache_Control="no-transform")
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.data, r.headers.get("Content-Encoding")) == (BIG_JSON, None)


def test_a_range_is_never_encoded(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(BIG_JSON)
    handler = answer(lambda res: res.send_file(path))
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-2999"})
    assert (r.status_code, r.data) == (206, BIG_JSON[:3000])
    assert "Content-Encoding" not in r.headers


def test_a_large_problem_is_encoded_like_any_body() -> None:
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        raise ApiError(422, "Invalid", errors=[{"detail": "x" * 50}] * 40)

    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.status_code, r.headers["Content-Encoding"]) == (422, "gzip")
    assert json.loads(gzip.decompress(r.data))["errors"][0] == {"detail": "x" * 50}


def test_every_entry_point_takes_the_option(tmp_path: Path) -> None:
    api = tmp_path / "api"
    api.mkdir()
    (api / "big.py").write_text(
        f"BIG = {BIG!r}\n\ndef GET(req, res):\n    res.json(BIG)\n"
    )
    methods = api_methods(GET=lambda req, res: res.json(BIG), compress=True)
    tree = routes(api, options=ApiOptions(compress=True))
    for app, path in ((methods, "/"), (tree, "/api/big")):
        r = call_wsgi(app, "GET", path, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(r.data) == BIG_JSON
    assert tree.compress is True


def test_compress_must_be_a_bool() -> None:
    with pytest.raises(TypeError) as raised:
        ApiOptions(compress="yes")  # type: ignore[arg-type]
    assert str(raised.value) == (
        "api_handler option compress must be True or False, not 'yes'"
    )


def test_a_body_of_exactly_the_threshold_is_encoded() -> None:
    handler = answer(lambda res: res.send("x" * MIN_SIZE))
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data) == b"x" * MIN_SIZE


def test_an_encoded_body_sends_its_header_lines_in_their_usual_case() -> None:
    plain_tag = call_wsgi(big_handler()).headers["ETag"]
    r = call_wsgi(big_handler(), headers={"Accept-Encoding": "gzip"})
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "application/json"),
        ("Vary", "Accept-Encoding"),
        ("ETag", plain_tag[:-1] + '-gzip"'),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(r.data))),
    ]


@pytest.mark.parametrize("status", [204, 304])
def test_a_status_without_a_body_is_never_encoded(status: int) -> None:
    handler = answer(
        lambda res: res.status(status).send(BIG_JSON),
        Content_Type="application/json",
        Cache_Control="no-store",
    )
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.status_code, r.data) == (status, b"")
    assert r.headers.to_wsgi_list() == [("Cache-Control", "no-store")]


def test_a_206_is_never_encoded_even_without_a_content_range() -> None:
    handler = answer(
        lambda res: res.status(206).send(BIG_JSON), Content_Type="application/json"
    )
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.status_code, r.data) == (206, BIG_JSON)
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(BIG_JSON))),
        ("ETag", call_wsgi(big_handler()).headers["ETag"]),
    ]


def test_a_body_with_its_own_content_range_is_never_encoded() -> None:
    handler = answer(
        lambda res: res.status(416).send(BIG_JSON),
        Content_Type="application/json",
        Content_Range="bytes */10",
    )
    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert (r.status_code, r.data) == (416, BIG_JSON)
    assert r.headers["Content-Range"] == "bytes */10"
    assert "Content-Encoding" not in r.headers
    assert "Vary" not in r.headers


def test_without_etags_a_matching_suffixed_tag_still_gets_the_encoded_body() -> None:
    """With ``etag=False`` the handler answers conditions itself: no 304 is made."""

    @api_handler(compress=True, etag=False)
    def handler(req: Any, res: ApiResponse) -> None:
        res.set_header("ETag", '"v1"').json(BIG)

    r = call_wsgi(
        handler, headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1-gzip"'}
    )
    assert (r.status_code, r.headers["ETag"]) == (200, '"v1-gzip"')
    assert r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data) == BIG_JSON


def test_an_http_exceptions_own_response_is_encoded_with_its_tag_suffixed() -> None:
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        own = Response(BIG_JSON, mimetype="application/json", headers={"ETag": '"v1"'})
        abort(own)

    r = call_wsgi(handler, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers.to_wsgi_list() == [
        ("Content-Type", "application/json"),
        ("Vary", "Accept-Encoding"),
        ("ETag", '"v1-gzip"'),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(r.data))),
    ]
    assert gzip.decompress(r.data) == BIG_JSON


def test_an_aborted_response_matching_the_encoded_tag_is_still_encoded() -> None:
    # Nothing answers a werkzeug Response's conditions: it must carry the body its
    # tag names, not the identity's body under the gzip tag.
    @api_handler(compress=True)
    def handler(req: Any, res: ApiResponse) -> None:
        abort(Response(BIG_JSON, mimetype="application/json", headers={"ETag": '"v1"'}))

    r = call_wsgi(
        handler, headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1-gzip"'}
    )
    assert r.status_code == 200
    assert (r.headers["ETag"], r.headers["Content-Encoding"]) == ('"v1-gzip"', "gzip")
    assert gzip.decompress(r.data) == BIG_JSON
