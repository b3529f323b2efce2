"""Compression: a body of one piece encoded as the client asks, never a stream.

Only a finished body of bytes is compressed (JSON, text, a problem): streams, files
and ranges go out as they are, so nothing ever holds an event or a chunk back.
``Accept-Encoding`` is weighed as RFC 9110, section 12.5.3 says; gzip is always
there, brotli and zstd when their package is installed.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._etag import not_modified
from ._headers import find, lines_of, merge_vary, replace

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

    from werkzeug.wrappers import Response

#: Bodies shorter than this go out as they are: the coding's own framing (about 20
#: bytes for gzip) and the client's work cost more than they save.
MIN_SIZE = 1024
#: zlib's level for gzip: a little larger than level 6 (about 1 %) and much faster.
GZIP_LEVEL = 4
BROTLI_QUALITY = 4
ZSTD_LEVEL = 3

# What compresses well: text of every kind, and the structured formats sent as text.
_TEXTUAL_SUFFIXES = ("+json", "+xml")
_TEXTUAL = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/xml",
        "application/x-www-form-urlencoded",
        "image/svg+xml",
    }
)


def _gzip(data: bytes) -> bytes:
    encoder = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: a gzip header
    return encoder.compress(data) + encoder.flush()


def _available() -> dict[str, Callable[[bytes], bytes]]:
    """Return the codings this process can write, preferred first."""
    found: dict[str, Callable[[bytes], bytes]] = {}
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        pass
    else:
        found["zstd"] = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress
    try:
        brotli = importlib.import_module("brotli")
    except ImportError:
        pass
    else:
        found["br"] = functools.partial(brotli.compress, quality=BROTLI_QUALITY)
    found["gzip"] = _gzip
    return found


_codings: dict[str, Callable[[bytes], bytes]] | None = None


def codings() -> dict[str, Callable[[bytes], bytes]]:
    """Return the codings this process can write (looked up once, on first use)."""
    global _codings
    if _codings is None:
        _codings = _available()
    return _codings


def negotiate(accept_encoding: str | None, offered: tuple[str, ...]) -> str | None:
    """Return the coding of ``offered`` the client prefers, or None for identity.

    A coding the header does not name takes the weight of ``*``, if given; weight 0
    refuses it. Among equal weights the first offered wins. No header, or an empty
    one, asks for no coding (RFC 9110 allows any coding without the header, but
    clients that decode send it). ``x-gzip`` is gzip.
    """
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0  # a weight that cannot be read is no consent
                if not 0.0 <= weight <= 1.0:
                    weight = 0.0
        weights["gzip" if name == "x-gzip" else name] = weight
    star = weights.get("*", 0.0)
    best, best_weight = None, 0.0
    for coding in offered:
        weight = weights.get(coding, star)
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def _compressible(content_type: str | None) -> bool:
    if content_type is None:
        return False
    mimetype = content_type.partition(";")[0].strip().lower()
    return (
        (mimetype.startswith("text/") and mimetype != "text/event-stream")
        or mimetype in _TEXTUAL
        or mimetype.endswith(_TEXTUAL_SUFFIXES)
    )


def compress(response: Response, environ: WSGIEnvironment) -> None:
    """Encode ``response``'s body as the request's ``Accept-Encoding`` prefers.

    Only a body of one piece of bytes, of ``MIN_SIZE`` or more, of a textual type,
    with no ``Content-Encoding`` or ``Content-Range`` of its own and no
    ``Cache-Control: no-transform``, on a status that has a body (not 1xx, 204, 206
    or 304). Such a body varies by ``Accept-Encoding`` whether or not it is encoded
    now, so ``Vary`` says so. An encoded body's ``ETag`` gets the coding as a suffix
    (``"abc-gzip"``): each encoding is another representation. A HEAD gets the
    identity's headers, and a request the suffixed tag matches gets its 304 without
    any encoding done.
    """
    body = response.response
    if type(body) is not list or len(body) != 1 or type(body[0]) is not bytes:
        return
    data: bytes = body[0]
    code = response.status_code
    if len(data) < MIN_SIZE or code < 200 or code in (204, 206, 304):
        return
    lines = lines_of(response.headers)
    if (
        find(lines, "content-encoding") is not None
        or find(lines, "content-range") is not None
        or not _compressible(find(lines, "content-type"))
        or "no-transform" in (find(lines, "cache-control") or "").lower()
    ):
        return
    merge_vary(lines, "Accept-Encoding")
    if environ["REQUEST_METHOD"] == "HEAD":
        return
    offered = codings()
    coding = negotiate(environ.get("HTTP_ACCEPT_ENCODING"), tuple(offered))
    if coding is None:
        return
    etag = find(lines, "etag")
    if etag is not None and etag.endswith('"'):
        replace(lines, "ETag", [f'{etag[:-1]}-{coding}"'])
        # Only nextresp's own responses answer If-None-Match when they finish; a
        # werkzeug Response (an abort's) is sent as it is, so it is encoded.
        if getattr(response, "auto_etag", False) and not_modified(environ, lines):
            return  # finishing answers 304: nothing to encode
    encoded = offered[coding](data)
    response.response = [encoded]
    lines.append(("Content-Encoding", coding))
    replace(lines, "Content-Length", [str(len(encoded))])
