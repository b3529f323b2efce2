"""``ApiResponse``: werkzeug's response with the chainable helpers of Next.js."""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import IO, TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload

from werkzeug.datastructures import Headers
from werkzeug.http import parse_etags, unquote_etag
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response
from werkzeug.wsgi import FileWrapper

from . import _json
from ._ai_stream import PartSource, send_ai_stream
from ._cookies import clear_cookie_line, set_cookie_line
from ._events import EventSource, EventStream
from ._headers import (
    HeaderValue,
    check_name,
    check_values,
    find,
    lines_of,
    replace,
    setdefault,
)
from ._ndjson import ItemSource, send_ndjson
from ._send_file import PathOrFile, SentFile, send_file
from ._status import REDIRECT_CODES, check_status


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
    sha1 = _sha1_small if len(body) < SMALL_BODY else hashlib.sha1
    return f'"{sha1(body).hexdigest()}"'


logger = logging.getLogger("nextresp")

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

_R = TypeVar("_R", bound="ApiResponse")

#: What ``send()`` accepts; the docstring of ``send`` says what each becomes.
SendBody = (
    str
    | bytes
    | bytearray
    | memoryview
    | dict[str, Any]
    | list[Any]
    | int
    | float
    | IO[bytes]
    | Iterable[bytes | str]
    | None
)

_FILE_CHUNK_SIZE = 64 * 1024
_REDIRECT_USAGE = (
    "redirect() takes (url) or (status, url), as in res.redirect('/login')"
    " or res.redirect(308, '/new')"
)
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXT_PLAIN = "text/plain; charset=utf-8"
#: werkzeug's status line for each code used so far ("200 OK", "201 CREATED").
_status_lines: dict[int, str] = {}


def status_line(code: int) -> str:
    """Return werkzeug's status line for ``code`` ("201 CREATED").

    PERF: werkzeug builds the line anew on every assignment of a status.
    """
    line = _status_lines.get(code)
    if line is None:
        line = _status_lines[code] = Response(status=code).status
    return line


class ResponseAlreadySent(RuntimeError):
    """Raised when a helper is called on a response that a helper already finished."""


class StatusLine(str, Generic[_R]):
    """werkzeug's status line (``"201 CREATED"``) that can also be called to set it.

    Strategy: werkzeug's ``Response.__init__`` assigns ``self.status``, so ``status``
    must stay a property. Its getter returns this ``str`` subclass, which compares,
    prints and formats as werkzeug's status line while ``res.status(201)`` sets the
    status and returns the response for chaining.
    """

    _response: _R

    def __call__(self, code: int | HTTPStatus, /) -> _R:
        """Set the status code (200 to 599) and return the response."""
        return self._response._set_status(code)


def _chunk_bytes(chunk: object) -> bytes:
    """Return one chunk of a streamed body as bytes; ``str`` is encoded as UTF-8."""
    if type(chunk) is bytes:
        return chunk
    if isinstance(chunk, str):
        return _utf8(chunk, "send")
    if isinstance(chunk, bytes | bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(
        f"a streamed body must yield bytes or str, not {type(chunk).__name__}"
    )


class _ByteStream:
    """Iterate a streamed body as bytes, and pass on close().

    A chunk that fails (a source that raises, a chunk that is neither bytes nor str)
    comes after the headers went out: the server can only cut the response short, so
    the failure is logged here too, where the app's logs are, before it propagates.

    A class rather than a generator: a generator that never started skips its
    ``finally``, and a HEAD or 304 answer never starts the body, yet the source (an
    open file, a database cursor) must still be closed.
    """

    __slots__ = ("_chunks", "_source")

    def __init__(self, source: Iterable[object]) -> None:
        self._source = source
        self._chunks = iter(source)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return _chunk_bytes(next(self._chunks))
        except StopIteration:
            raise
        except Exception:
            logger.exception(
                "a streamed body failed after the headers were sent; the response"
                " was cut short"
            )
            raise

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()


class ApiResponse(Response):
    """A werkzeug ``Response`` with the chainable helpers of Next.js API routes.

    Every helper returns the response itself, so calls chain:
    ``res.status(201).set_header("Location", "/items/7").json({"id": 7})``.
    ``send``, ``json``, ``redirect`` and ``end`` finish the response; after that every
    helper raises :class:`RuntimeError`, as Node does once headers are sent.

    Everything werkzeug offers keeps its meaning: ``res.status`` reads the status
    line, ``res.status = 404`` and ``res.status_code`` still set it, ``res.headers``,
    ``res.data`` and ``res.get_json()`` work as documented by werkzeug.
    """

    #: No Content-Type until a helper or the caller sets one (as in Next.js and
    #: Express), so ``send`` can tell a type the caller chose from a default; one
    #: that is still unset when the response goes out gets ``text/plain``.
    default_mimetype: str | None = None

    #: Encodes ``json()`` bodies: any callable from object to ``bytes`` or ``str``
    #: (``orjson.dumps`` fits) that raises ``TypeError``/``ValueError`` on failure.
    #: Wrap a plain function in ``staticmethod`` when setting it on a subclass.
    json_dumps: ClassVar[_json.JsonDumps] = staticmethod(_json.dumps)

    #: Give ``send``/``json`` bodies an ``ETag`` and answer a matching
    #: ``If-None-Match`` on GET and HEAD with ``304 Not Modified``.
    auto_etag: bool = True

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
    _sent_file: SentFile | None = None
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
        res.headers = Headers()
        res._status = "200 OK"
        res._status_code = 200
        res.direct_passthrough = False
        res._on_close = []
        res.response = []
        return res

    # -- status --------------------------------------------------------------------

    @property
    def status(self) -> StatusLine[Self]:
        """The status line as werkzeug gives it; call it to set the status and chain."""
        line: StatusLine[Self] = StatusLine(self._status)
        line._response = self
        return line

    @status.setter
    def status(self, value: str | int | HTTPStatus) -> None:
        self._status, self._status_code = self._clean_status(value)

    def _set_status(self, code: object) -> Self:
        if self._finished_by is not None:
            self._check_open("status")
        checked = check_status(code, 200, 599, "status")
        self._status = _status_lines.get(checked) or status_line(checked)
        self._status_code = checked
        return self

    # -- helpers -------------------------------------------------------------------

    def json(self, obj: object, /) -> Self:
        """Send ``obj`` as compact JSON with ``Content-Type: application/json``.

        NaN, infinities, circular and unserializable values raise here, before
        anything changes. A JSON Content-Type set earlier (``application/ld+json``)
        is kept. werkzeug's ``json`` property is replaced by this method; read the
        body back with ``get_json()``.
        """
        if self._finished_by is not None:
            self._check_open("json")
        return self._send_json(obj, "json")

    def send(self, body: SendBody = None, /) -> Self:
        """Send ``body``; what it becomes depends on its type.

        - ``None``: an empty body.
        - ``str``: UTF-8 text, ``text/plain; charset=utf-8`` unless a Content-Type
          is already set.
        - ``bytes``, ``bytearray``, ``memoryview``: as is,
          ``application/octet-stream`` unless a Content-Type is already set.
        - ``dict``, ``list``, ``int``, ``float``, ``bool``: JSON, as ``json()``.
        - a binary file object: streamed, through the server's
          ``wsgi.file_wrapper`` where it has one; closed when the response is.
        - any other iterable of bytes or str (a generator, say): streamed chunk by
          chunk, str as UTF-8.
        """
        self._check_open("send")
        if body is None:
            return self._finish(b"", "send")
        if isinstance(body, str):
            return self._send_bytes(_utf8(body, "send"), TEXT_PLAIN, "send")
        if isinstance(body, bytes):
            return self._send_bytes(body, "application/octet-stream", "send")
        if isinstance(body, bytearray | memoryview):
            data = body.tobytes() if isinstance(body, memoryview) else bytes(body)
            return self._send_bytes(data, "application/octet-stream", "send")
        if isinstance(body, dict | list | int | float):
            return self._send_json(body, "send")
        if isinstance(body, io.TextIOBase):
            raise TypeError(
                f"send() got a text-mode file ({body!r}); open it in binary mode"
                " ('rb') or send its text as a str"
            )
        if callable(getattr(body, "read", None)):
            return self._send_file(body)  # type: ignore[arg-type]
        if isinstance(body, Iterable) and not isinstance(body, set | frozenset):
            return self._send_stream(body)
        raise TypeError(
            f"send() cannot send {body!r} ({type(body).__name__}); pass str, bytes,"
            " a dict, list, int, float or bool (sent as JSON), a binary file,"
            " or an iterable of bytes or str"
        )

    def end(self, body: str | bytes | None = None, /) -> Self:
        """Finish the response, with ``body`` as its last part if given.

        ``end()`` keeps whatever body the response already has (none by default);
        ``end(body)`` sends a ``str`` or ``bytes`` exactly as ``send`` would.
        """
        self._check_open("end")
        if body is None:
            self._finished_by = "end"
            return self
        if isinstance(body, str):
            return self._send_bytes(_utf8(body, "end"), TEXT_PLAIN, "end")
        if isinstance(body, bytes):
            return self._send_bytes(body, "application/octet-stream", "end")
        raise TypeError(
            f"end() takes a str or bytes body, not {body!r} ({type(body).__name__});"
            " use send() or json() for other bodies"
        )

    def sse(
        self,
        events: EventSource,
        /,
        *,
        heartbeat: float | None = 15.0,
    ) -> Self:
        """Stream ``events`` as server-sent events (``text/event-stream``).

        ``events`` is an iterable, or an async iterable, of :class:`Event`, mappings
        of its fields, or ``str`` (the data of one event). The response gets
        ``Cache-Control: no-cache`` and ``X-Accel-Buffering: no`` unless set before,
        no ``Content-Length`` and no ``ETag``. A comment opens the stream and is
        sent again whenever the source is idle for ``heartbeat`` seconds (``None``:
        no comments; a synchronous source is then pulled on the server's thread).
        The source is closed when the response is: the client left, or the body
        was never sent.
        """
        self._check_open("sse")
        stream = EventStream(
            events, heartbeat=heartbeat, json_dumps=type(self).json_dumps
        )
        lines = lines_of(self.headers)
        replace(lines, "Content-Type", ["text/event-stream"])
        setdefault(lines, "Cache-Control", "no-cache")
        setdefault(lines, "X-Accel-Buffering", "no")
        replace(lines, "Content-Length", ())
        replace(lines, "ETag", ())
        self.response = stream
        self._finished_by = "sse"
        return self

    def ndjson(self, items: ItemSource, /) -> Self:
        """Stream ``items`` (an iterable or async iterable) as NDJSON, one per line.

        Each item is encoded by ``json_dumps``; ``application/x-ndjson``, no
        ``Content-Length``, no ``ETag``. The source is closed when the response is.
        """
        self._check_open("ndjson")
        send_ndjson(self, items)
        return self

    def ai_stream(self, parts: PartSource, /) -> Self:
        """Stream ``parts`` as the Vercel AI SDK's UI message stream (``useChat``).

        ``parts`` yields ``str`` (answer text), parts from ``nextresp.ai`` or raw
        chunks as mappings; the start, finish and ``[DONE]`` framing is added.
        """
        self._check_open("ai_stream")
        send_ai_stream(self, parts)
        return self

    def send_file(
        self,
        path_or_file: PathOrFile,
        /,
        *,
        download: bool | None = None,
        filename: str | None = None,
    ) -> Self:
        """Send a file, answering ``Range`` (206/416) and conditional requests (304).

        ``download=True`` asks the browser to save it (``filename`` names it, the
        path's name by default); a missing path raises ``NotFound`` (404).
        """
        self._check_open("send_file")
        self._sent_file = send_file(
            self, path_or_file, download=download, filename=filename
        )
        return self

    @overload
    def redirect(self, url: str, /) -> Self: ...

    @overload
    def redirect(self, status: int | HTTPStatus, url: str, /) -> Self: ...

    def redirect(self, *args: object) -> Self:
        """Redirect to ``url``: ``redirect(url)`` (307) or ``redirect(status, url)``.

        ``status`` must be a redirect code (300, 301, 302, 303, 307 or 308).
        Non-ASCII characters in ``url`` are percent-encoded; control characters are
        refused, so a URL can never split the response. The body is empty.
        """
        self._check_open("redirect")
        if len(args) == 1 and isinstance(args[0], str):
            code, url = 307, args[0]
        elif len(args) == 2 and isinstance(args[1], str):
            code, url = _redirect_status(args[0]), args[1]
        else:
            shown = ", ".join(map(repr, args))
            raise TypeError(f"{_REDIRECT_USAGE}, not redirect({shown})")
        location = _location(url)
        self.status_code = code
        self.headers["Location"] = location
        return self._finish(b"", "redirect")

    def set_header(self, name: str, value: HeaderValue, /) -> Self:
        """Set header ``name`` to ``value``, replacing any earlier value.

        ``value`` is a ``str``, an ``int``, or a list of ``str`` (one header line
        each; an empty list removes the header). A name starts with a letter and
        holds letters, digits, ``-`` and ``_``. A value with a control character or
        a character outside Latin-1 raises ``ValueError``; a tab is sent as a space.
        ``Content-Length`` and hop-by-hop headers are the server's.
        """
        self._check_open("set_header")
        name = check_name(name)
        replace(lines_of(self.headers), name, check_values(name, value))
        return self

    def cookie(
        self,
        name: str,
        value: str,
        /,
        *,
        max_age: int | timedelta | None = None,
        expires: datetime | int | float | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool | None = None,
        http_only: bool = True,
        same_site: str | None = "Lax",
        partitioned: bool = False,
    ) -> Self:
        """Set cookie ``name`` to ``value``: one more ``Set-Cookie`` line.

        ``HttpOnly`` and ``SameSite=Lax`` unless turned off; ``secure=None`` makes
        the cookie Secure when the request came over HTTPS (and when it cannot work
        without: ``same_site="None"``, ``partitioned``, a ``__Secure-`` or
        ``__Host-`` name). ``max_age`` also sets ``Expires``. The value is quoted
        and escaped by werkzeug's ``dump_cookie``, so it can never add an attribute
        or split the header; a bad name or option raises here.
        """
        self._check_open("cookie")
        line = set_cookie_line(
            name,
            value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure,
            http_only=http_only,
            same_site=same_site,
            partitioned=partitioned,
            https=self._https,
        )
        lines_of(self.headers).append(("Set-Cookie", line))
        return self

    def clear_cookie(
        self, name: str, /, *, path: str = "/", domain: str | None = None
    ) -> Self:
        """Remove cookie ``name``: a ``Set-Cookie`` line that expires it at once.

        ``path`` and ``domain`` must be those the cookie was set with.
        """
        self._check_open("clear_cookie")
        line = clear_cookie_line(name, path=path, domain=domain, https=self._https)
        lines_of(self.headers).append(("Set-Cookie", line))
        return self

    # -- finishing -----------------------------------------------------------------

    def _check_open(self, helper: str) -> None:
        if self._finished_by is not None:
            raise ResponseAlreadySent(
                f"{helper}() was called after {self._finished_by}() already sent the"
                " response; a response is sent once, so set the status and headers"
                " before sending the body"
            )

    def _send_json(self, obj: object, helper: str) -> Self:
        body = _json.encode(type(self).json_dumps, obj, helper)
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
        lines = lines_of(self.headers)
        if lines:
            setdefault(lines, "Content-Type", content_type)
            return self._finish(body, helper)
        return self._finish(body, helper, content_type)

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

    def _send_file(self, file: IO[bytes]) -> Self:
        size = _remaining_size(file)
        _move_descriptor_to_position(file)
        self._send_stream(FileWrapper(file, _FILE_CHUNK_SIZE))
        if size is not None:
            self.headers["Content-Length"] = str(size)
        self._file = file
        return self

    def _send_stream(self, chunks: Iterable[object]) -> Self:
        if isinstance(chunks, tuple):
            chunks = tuple(map(_chunk_bytes, chunks))  # a sized body is checked now
        else:
            chunks = _ByteStream(chunks)
        lines = lines_of(self.headers)
        setdefault(lines, "Content-Type", "application/octet-stream")
        replace(lines, "Content-Length", ())
        self.response = chunks  # type: ignore[assignment]
        self._finished_by = "send"
        return self

    def finalize(self, environ: WSGIEnvironment) -> Self:
        """Apply what depends on the request; safe to call more than once.

        Answers a matching ``If-None-Match`` with 304, strips what HTTP forbids on
        204 and 304, gives any other response without a Content-Type werkzeug's
        ``text/plain; charset=utf-8``, and hands a sent file to the server's
        ``wsgi.file_wrapper``.
        ``api_handler`` calls it before a host can change the response's class (Flask
        does), and werkzeug calls it through ``get_wsgi_response``.
        """
        sent = self._sent_file
        if sent is not None:  # send_file(): ranges and conditions
            self._sent_file = None
            sent.finish(self, environ)
        if self._file is not None:
            self._use_server_file_wrapper(environ)
        code = self._status_code
        lines = lines_of(self.headers)
        if (
            200 <= code < 300
            and self.auto_etag
            and "HTTP_IF_NONE_MATCH" in environ
            and environ["REQUEST_METHOD"] in ("GET", "HEAD")
            and _etag_matches(find(lines, "etag"), environ["HTTP_IF_NONE_MATCH"])
        ):
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

    def _use_server_file_wrapper(self, environ: WSGIEnvironment) -> None:
        file, self._file = self._file, None
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is None or file is None:
            return
        # The server's wrapper must be the app iterable itself for the server to use
        # sendfile(), and then the server calls only the wrapper's close(): that
        # close() must also run the callbacks a host registers later (Flask's
        # after_request hooks run after this), so it reads the list when it runs.
        wrapper = file_wrapper(file, _FILE_CHUNK_SIZE)
        try:
            wrapper.close = functools.partial(_close_file, file, self._on_close)
        except AttributeError:  # a wrapper that takes no attributes: iterate it
            return
        self.response = wrapper
        self.direct_passthrough = True

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


def _utf8(text: str, helper: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{helper}() got text that UTF-8 cannot encode ({exc.reason} at index"
            f" {exc.start}); remove lone surrogates, or send bytes"
        ) from None


def _redirect_status(value: object) -> int:
    if isinstance(value, str):
        raise TypeError(f"{_REDIRECT_USAGE}: the status goes first, as an int")
    try:
        code = check_status(value, 300, 308, "redirect status")
    except TypeError as exc:
        raise TypeError(f"{exc}; {_REDIRECT_USAGE}") from None
    if code not in REDIRECT_CODES:
        raise ValueError(
            "redirect status must be one of"
            f" {', '.join(map(str, sorted(REDIRECT_CODES)))}, not {code}"
        )
    return code


def _location(url: str) -> str:
    if not url:
        raise ValueError("redirect() needs a URL, not an empty string")
    bad = _URL_CONTROL.search(url)
    if bad is not None:
        raise ValueError(
            f"redirect URL {url!r} has the control character {bad.group()!r}"
            f" at index {bad.start()}; percent-encode or remove it"
        )
    try:
        return iri_to_uri(url)
    except ValueError as exc:  # UnicodeError (a bad host name) is a ValueError
        raise ValueError(f"redirect URL {url!r} is not a valid URL: {exc}") from None


def _framing(lines: list[tuple[str, str]]) -> bool | None:
    """Tell, in one pass, whether werkzeug would send ``lines`` unchanged for a bytes
    body, and if so whether they have a Content-Type.

    None means werkzeug must see them: it rewrites ``Location`` and
    ``Content-Location`` and adds a missing ``Content-Length``.
    """
    has_length = has_type = False
    for name, _value in lines:
        lower = name.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "content-type":
            has_type = True
        elif lower == "location" or lower == "content-location":
            return None
    return has_type if has_length else None


def _etag_matches(etag: str | None, if_none_match: str) -> bool:
    """Compare as RFC 9110, section 13.1.2 says: weakly, with ``*`` matching any."""
    if etag is None:
        return False
    tag, _weak = unquote_etag(etag)
    return parse_etags(if_none_match).contains_weak(tag)


def _close_file(file: IO[bytes], callbacks: list[Callable[[], Any]]) -> None:
    """Close a sent file, then run the response's close callbacks, once each.

    The list is emptied as it runs, so werkzeug's own ``close()``, which closes the
    body and then runs the same list, cannot run a callback twice.
    """
    try:
        file.close()
    finally:
        pending = callbacks[:]
        callbacks.clear()
        for callback in pending:
            callback()


def _move_descriptor_to_position(file: IO[bytes]) -> None:
    """Put the file descriptor's offset where the file object says it is.

    PEP 3333 sends a file from its current position, and a server's sendfile()
    starts at the descriptor's offset; a buffered reader that has read, peeked or
    read a line has moved the descriptor ahead of its own position. Seeking from the
    end empties the read-ahead buffer, so the seek back reaches the descriptor.
    """
    try:
        position = file.tell()
        if os.lseek(file.fileno(), 0, os.SEEK_CUR) != position:
            file.seek(0, os.SEEK_END)
            file.seek(position)
    except (AttributeError, OSError, ValueError):  # not a regular, seekable file
        pass


def _remaining_size(file: IO[bytes]) -> int | None:
    """Return how many bytes are left in a regular file, or None if it cannot tell."""
    try:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(info.st_size - file.tell(), 0)
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation too
        return None
