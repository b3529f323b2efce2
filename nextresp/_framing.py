"""The finishing path: a response's body made final, framed and handed to WSGI.

``FramedResponse`` is the half of ``ApiResponse`` that a user never calls: it holds
the body a helper chose, gives it its ``Content-Length`` and ``ETag``, applies what
depends on the request (304, the server's file wrapper, what HTTP forbids on 204 and
304) and answers the server. ``ApiResponse`` adds the chainable helpers on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any, ClassVar, Self

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response
from werkzeug.wsgi import FileWrapper

from . import _json
from ._bodies import (
    FILE_CHUNK_SIZE,
    TEXT_PLAIN,
    move_descriptor_to_position,
    remaining_size,
    server_file_wrapper,
    stream_of,
)
from ._etag import etag_for, not_modified
from ._headers import find, lines_of, replace, setdefault
from ._status import status_line

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment


#: The Cache-Control of a stream unless the handler set one: ``no-transform`` tells
#: proxies and compression not to re-encode it, which would hold events back.
STREAM_CACHE_CONTROL = "no-cache, no-transform"


class ResponseAlreadySent(RuntimeError):
    """Raised when a helper is called on a response that a helper already finished."""


class FramedResponse(Response):
    """A werkzeug ``Response`` whose body is set once and framed on the way out."""

    #: No Content-Type until a helper or the caller sets one (as in Next.js and
    #: Express), so ``send`` can tell a type the caller chose from a default; one
    #: that is still unset when the response goes out gets ``text/plain``.
    default_mimetype: str | None = None

    #: Give ``send``/``json`` bodies an ``ETag`` and answer a matching
    #: ``If-None-Match`` on GET and HEAD with ``304 Not Modified``.
    auto_etag: bool = True

    #: Encodes ``json()`` bodies: any callable from object to ``bytes`` or ``str``
    #: (``orjson.dumps`` fits) that raises ``TypeError``/``ValueError`` on failure.
    #: Wrap a plain function in ``staticmethod`` when setting it on a subclass.
    json_dumps: ClassVar[_json.JsonDumps] = staticmethod(_json.dumps)

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        """Render the body of an error: ``problem`` is RFC 9457 problem details.

        Return the body and its Content-Type. Every error a handler answers with
        (an ``ApiError``, the method guard's 405, a ``routes()`` 404, the bare 500)
        is rendered here whenever the client accepts JSON; a client that rules
        JSON out gets the message as text. Override it in a subclass, given to
        ``api_handler(response_class=...)``, to send another envelope, such as
        Next.js's ``{"message": ...}``. The default sends ``problem`` as
        ``application/problem+json``, encoded by ``json_dumps``.
        """
        body = _json.encode(type(self).json_dumps, problem, "error_body")
        return body, "application/problem+json"

    # Class-level defaults keep instances made by werkzeug itself (``force_type``,
    # ``from_app``) working without an ``__init__`` of ours.
    _finished_by: str | None = None
    _file: IO[bytes] | None = None
    # What a body source left for when the request is known (send_file's ranges).
    _on_finalize: Callable[[WSGIEnvironment], None] | None = None
    #: Whether the request came over HTTPS: ``api_handler`` sets it, and
    #: ``cookie(secure=None)`` reads it. A response made by hand says no.
    _https: bool = False

    @classmethod
    def blank(cls) -> Self:
        """Return an empty 200 response, as ``cls()`` would, for a fraction of it."""
        # PERF: werkzeug's __init__ spends more on defaults than a handler spends on its
        # whole answer; this sets the same attributes directly. A test pins that the two
        # agree.
        res = cls.__new__(cls)
        # PERF: Headers() less its __init__ call, which sets only this list.
        headers = res.headers = Headers.__new__(Headers)
        headers._list = []
        res._status = "200 OK"
        res._status_code = 200
        res.direct_passthrough = False
        res._on_close = []
        res.response = []
        return res

    # -- the body a helper chose ---------------------------------------------------

    def _check_open(self, helper: str) -> None:
        if self._finished_by is not None:
            raise ResponseAlreadySent(
                f"{helper}() was called after {self._finished_by}() already sent the"
                " response; a response is sent once, so set the status and headers"
                " before sending the body"
            )

    def _finish(
        self, body: bytes, helper: str, content_type: str | None = None
    ) -> Self:
        """Make ``body`` the response's, with its length and ETag; a helper finished it.

        ``content_type`` is given only when no header is set yet.
        """
        # PERF: what set_data() and set_etag() do, on the checked lines directly; with
        # no line set before (the usual case) there is nothing to search or replace.
        self.response = [body]
        lines = self.headers._list  # lines_of(), inlined on the hot path
        tag = (
            body
            and self.auto_etag
            and self._status_code != 204
            and self._status_code != 304
        )
        if content_type is not None:
            lines.append(("Content-Type", content_type))
            if self.automatically_set_content_length:
                lines.append(("Content-Length", str(len(body))))
            if tag:
                lines.append(("ETag", etag_for(body)))
        else:
            if self.automatically_set_content_length:
                replace(lines, "Content-Length", [str(len(body))])
            if tag and find(lines, "etag") is None:
                lines.append(("ETag", etag_for(body)))
        self._finished_by = helper
        return self

    def _send_json(self, body: bytes, helper: str) -> Self:
        """Finish with JSON ``body``: ``application/json`` unless a JSON type is set."""
        lines = self.headers._list  # lines_of(), inlined on the hot path
        if lines:
            content_type = find(lines, "content-type")
            if content_type is None:
                lines.append(("Content-Type", "application/json"))
            elif not self.is_json:
                replace(lines, "Content-Type", ["application/json"])
            return self._finish(body, helper)
        return self._finish(body, helper, "application/json")

    def _send_bytes(self, body: bytes, content_type: str, helper: str) -> Self:
        """Finish with ``body``, of ``content_type`` unless a type is already set."""
        lines = lines_of(self.headers)
        if lines:
            setdefault(lines, "Content-Type", content_type)
            return self._finish(body, helper)
        return self._finish(body, helper, content_type)

    def _send_stream(self, chunks: Iterable[object]) -> Self:
        """Stream ``chunks``: no length known, a binary type unless one is set."""
        lines = lines_of(self.headers)
        body = stream_of(chunks)
        setdefault(lines, "Content-Type", "application/octet-stream")
        replace(lines, "Content-Length", ())
        self.response = body
        self._finished_by = "send"
        return self

    def _send_file(self, file: IO[bytes]) -> Self:
        """Stream the rest of ``file``, through the server's sendfile() where it can."""
        size = remaining_size(file)
        move_descriptor_to_position(file)
        self._send_stream(FileWrapper(file, FILE_CHUNK_SIZE))
        if size is not None:
            self.headers["Content-Length"] = str(size)
        self._file = file
        return self

    def _send_unbuffered(
        self, stream: Iterable[bytes], content_type: str, helper: str
    ) -> list[tuple[str, str]]:
        """Stream ``stream`` item by item (events, NDJSON): return the header lines.

        No length and no ETag, which a stream cannot know; ``STREAM_CACHE_CONTROL``
        and ``X-Accel-Buffering: no`` (nginx would hold the stream back) unless set.
        """
        lines = lines_of(self.headers)
        replace(lines, "Content-Type", [content_type])
        setdefault(lines, "Cache-Control", STREAM_CACHE_CONTROL)
        setdefault(lines, "X-Accel-Buffering", "no")
        replace(lines, "Content-Length", ())
        replace(lines, "ETag", ())
        self.response = stream
        self._finished_by = helper
        return lines

    # -- what depends on the request -----------------------------------------------

    def finalize(self, environ: WSGIEnvironment) -> Self:
        """Apply what depends on the request; safe to call more than once.

        Answers a matching ``If-None-Match`` with 304, strips what HTTP forbids on
        204 and 304, gives any other response without a Content-Type werkzeug's
        ``text/plain; charset=utf-8``, and hands a sent file to the server's
        ``wsgi.file_wrapper``.
        ``api_handler`` calls it before a host can change the response's class (Flask
        does), and werkzeug calls it through ``get_wsgi_response``.
        """
        pending = self._on_finalize
        if pending is not None:
            self._on_finalize = None
            pending(environ)
        if self._file is not None:
            file, self._file = self._file, None
            wrapper = server_file_wrapper(file, environ, self._on_close)
            if wrapper is not None:
                self.response = wrapper
                self.direct_passthrough = True
        code = self._status_code
        lines = lines_of(self.headers)
        if 200 <= code < 300 and self.auto_etag and not_modified(environ, lines):
            self._status, self._status_code = status_line(304), 304
            code = 304
        if code == 204 or code == 304:
            replace(lines, "Content-Type", ())
            replace(lines, "Content-Length", ())
        else:
            # PEP 3333's validator, and many clients, want a type on every response
            # that may have a body; werkzeug's default is the honest one.
            setdefault(lines, "Content-Type", TEXT_PLAIN)
            if self.response == []:
                setdefault(lines, "Content-Length", "0")  # as werkzeug would, sooner
        return self

    def get_wsgi_response(
        self, environ: WSGIEnvironment
    ) -> tuple[Iterable[bytes], str, list[tuple[str, str]]]:
        """Finalize for ``environ``, then answer as werkzeug does, with a plain ``str``
        status line as PEP 3333 requires."""
        body = self.response
        # PERF: a one-part bytes body with its length set, no Location, nothing to
        # close and no If-None-Match to weigh needs only a Content-Type from finalize()
        # and none of werkzeug's per-response work; anything else (HEAD, 204/304,
        # streams, files, close callbacks, Location) takes the general path.
        if (
            type(body) is list
            and len(body) == 1
            and type(body[0]) is bytes
            and not self._on_close
            and environ["REQUEST_METHOD"] != "HEAD"
            and "HTTP_IF_NONE_MATCH" not in environ
            and self._status_code != 204
            and self._status_code != 304
        ):
            lines = self.headers._list  # lines_of(), inlined on the hot path
            framing = _framing(lines)
            if framing is not None:
                if not framing:
                    lines.append(("Content-Type", TEXT_PLAIN))
                return body, self._status, lines[:]
        # PERF: a 204 with no body and none of the lines finalize() or werkzeug would
        # change (a CORS preflight's answer) goes out as it is: werkzeug would send no
        # body for it either.
        if (
            self._status_code == 204
            and type(body) is list
            and not body
            and not self._on_close
            and self._file is None
            and self._on_finalize is None
            and "HTTP_IF_NONE_MATCH" not in environ
        ):
            lines = self.headers._list
            if _bare(lines):
                return body, self._status, lines[:]
        self.finalize(environ)
        body = self.response
        if (
            type(body) is list
            and (not body or (len(body) == 1 and type(body[0]) is bytes))
            and not self._on_close
            and environ["REQUEST_METHOD"] != "HEAD"
            and _framing(lines_of(self.headers)) is not None
        ):
            return body, self._status, lines_of(self.headers)[:]
        headers = self.get_wsgi_headers(environ)
        app_iter = self.get_app_iter(environ)
        return app_iter, self._status, headers.to_wsgi_list()


def _framing(lines: list[tuple[str, str]]) -> bool | None:
    """Tell, in one pass, whether werkzeug would send ``lines`` unchanged for a bytes
    body, and if so whether they have a Content-Type.

    None means werkzeug must see them: it rewrites ``Location`` and
    ``Content-Location`` and adds a missing ``Content-Length``.
    """
    has_length = has_type = False
    for name, _value in lines:
        # PERF: the names as this package spells them are compared as they are (the
        # same string, mostly); only other spellings are lower-cased.
        if name == "Content-Length":
            has_length = True
            continue
        if name == "Content-Type":
            has_type = True
            continue
        if name in _NEITHER_FRAMING_NOR_LOCATING:
            continue
        lower = name.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "content-type":
            has_type = True
        elif lower == "location" or lower == "content-location":
            return None
    return has_type if has_length else None


# Names as this package and its users write them, of headers that neither frame nor
# locate a body.
_NEITHER_FRAMING_NOR_LOCATING = frozenset(
    {
        "ETag",
        "Vary",
        "Allow",
        "Cache-Control",
        "Set-Cookie",
        "WWW-Authenticate",
        "X-Content-Type-Options",
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Access-Control-Expose-Headers",
    }
)


def _bare(lines: list[tuple[str, str]]) -> bool:
    """Tell whether ``lines`` have none of the headers that frame or locate a body."""
    for name, _value in lines:
        lower = name.lower()
        if lower in _FRAMING:
            return False
    return True


_FRAMING = frozenset({"content-type", "content-length", "location", "content-location"})
