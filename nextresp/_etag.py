"""Entity tags: the tag of a body, and whether a request's ``If-None-Match`` holds it.

This is the conditional half of an answer (RFC 9110, section 13): what turns a 200
into a 304. It knows nothing of responses; the finishing path asks it.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.http import parse_etags, unquote_etag

from ._headers import find

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment


def _small_body_sha1() -> Callable[[bytes], Any]:
    """Return CPython's own SHA-1 where there is one, else hashlib's.

    PERF: OpenSSL's SHA-1, which hashlib prefers, does set-up work on every call that
    costs a few µs per response on a busy server, more than hashing a small body
    costs; past a few dozen bytes its faster hashing wins (7 times per MB). ETags are
    not a security measure: both give the same tags.
    """
    try:
        return importlib.import_module("_sha1").sha1  # type: ignore[no-any-return]
    except ImportError:  # another Python
        return hashlib.sha1


_sha1_small = _small_body_sha1()
#: Bodies shorter than this are hashed by ``_sha1_small``, longer ones by OpenSSL.
SMALL_BODY = 64


def etag_for(body: bytes) -> str:
    """Return the strong ETag of ``body``: its hex SHA-1, as werkzeug makes it."""
    if len(body) < SMALL_BODY:
        if type(body) is not bytes:  # a bytearray from a json_dumps of the user's
            return f'"{_sha1_small(body).hexdigest()}"'
        # PERF: a small body is often sent again and again (a status, a setting, a
        # health check); looking its tag up costs a third of hashing it.
        tag = _small_tags.get(body)
        if tag is None:
            if len(_small_tags) >= _SMALL_TAGS:
                _small_tags.clear()
            tag = _small_tags[body] = f'"{_sha1_small(body).hexdigest()}"'
        return tag
    return f'"{hashlib.sha1(body).hexdigest()}"'


# The tags of the small bodies sent lately (the cache is emptied when full).
_small_tags: dict[bytes, str] = {}
_SMALL_TAGS = 256


def not_modified(environ: WSGIEnvironment, lines: list[tuple[str, str]]) -> bool:
    """Return whether the client of a GET or HEAD already has the body ``lines`` tag.

    RFC 9110, section 13.1.2: ``If-None-Match`` is compared weakly, ``*`` matching
    any tag; a request without it, of another method, or an answer without an
    ``ETag`` is never answered 304.
    """
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is None or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return False
    etag = find(lines, "etag")
    if etag is None:
        return False
    tag, _weak = unquote_etag(etag)
    return parse_etags(if_none_match).contains_weak(tag)
