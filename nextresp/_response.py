"""``ApiResponse``: werkzeug's response with the chainable helpers of Next.js.

This module holds the helpers of every answer. The helpers that deliver streams and
files are ``_delivery``'s; how a chosen body is framed and handed to the server is
``_framing``'s; body sources are ``_bodies``'s, redirects ``_redirects``'s and
cookies ``_cookies``'s.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any, Generic, Self, TypeVar, overload

from werkzeug.wrappers import Response

from . import _json
from ._bodies import TEXT_PLAIN, SendBody, utf8
from ._cookies import clear_cookie_line, set_cookie_line
from ._delivery import DeliveryHelpers
from ._framing import ResponseAlreadySent
from ._headers import (
    HeaderValue,
    _checked_names,
    check_name,
    check_values,
    lines_of,
    replace,
)
from ._redirects import redirect_of
from ._status import _status_lines, check_status, status_line

_R = TypeVar("_R", bound="ApiResponse")

__all__ = ["AfterCallback", "ApiResponse", "ResponseAlreadySent", "StatusLine"]

logger = logging.getLogger("nextresp")


class AfterCallback:
    """Work given to ``res.after``: run once the answer is closed, errors logged."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[[], Any]) -> None:
        self.func = func

    def __call__(self) -> None:
        try:
            self.func()
        except Exception:
            logger.exception("res.after() work %r raised", self.func)


class StatusLine(str, Generic[_R]):
    """The status line (``"201 Created"``) that can also be called to set it.

    Strategy: werkzeug's ``Response.__init__`` assigns ``self.status``, so ``status``
    must stay a property. Its getter returns this ``str`` subclass, which compares,
    prints and formats as the status line while ``res.status(201)`` sets the
    status and returns the response for chaining.
    """

    # PERF: a slot, not an attribute dict, made for every status line read.
    __slots__ = ("_response",)
    _response: _R

    def __call__(self, code: int | HTTPStatus, /) -> _R:
        """Set the status code (200 to 599) and return the response."""
        res = self._response
        if res._finished_by is not None:
            res._check_open("status")
        # PERF: an int in range, the usual call, skips check_status's call.
        if type(code) is int and 200 <= code <= 599:
            checked = code
        else:
            checked = check_status(code, 200, 599, "status")
        res._status = _status_lines.get(checked) or status_line(checked)
        res._status_code = checked
        return res


class ApiResponse(DeliveryHelpers):
    """A werkzeug ``Response`` with the chainable helpers of Next.js API routes.

    Every helper returns the response itself, so calls chain:
    ``res.status(201).set_header("Location", "/items/7").json({"id": 7})``.
    ``send``, ``json``, ``redirect`` and ``end`` finish the response; after that every
    helper raises :class:`RuntimeError`, as Node does once headers are sent.

    Everything werkzeug offers keeps its meaning: ``res.status`` reads the status
    line, ``res.status = 404`` and ``res.status_code`` still set it, ``res.headers``,
    ``res.data`` and ``res.get_json()`` work as documented by werkzeug.
    """

    #: The error response the fold answered with instead of this one, if any.
    _answer: Response | None = None

    # -- status --------------------------------------------------------------------

    @property
    def status(self) -> StatusLine[Self]:
        """The status line (``"201 Created"``); call it to set the status and chain."""
        line: StatusLine[Self] = StatusLine(self._status)
        line._response = self
        return line

    @status.setter
    def status(self, value: str | int | HTTPStatus) -> None:
        if (type(value) is int or isinstance(value, HTTPStatus)) and 100 <= value < 600:
            self._status, self._status_code = status_line(int(value)), int(value)
        else:  # a line of the caller's, or a code werkzeug names "UNKNOWN"
            self._status, self._status_code = self._clean_status(value)

    # -- helpers -------------------------------------------------------------------

    def json(self, obj: _json.JsonValue, /) -> Self:
        """Send ``obj`` as compact JSON with ``Content-Type: application/json``.

        NaN, infinities, circular and unserializable values raise here, before
        anything changes. A JSON Content-Type set earlier (``application/ld+json``)
        is kept. werkzeug's ``json`` property is replaced by this method; read the
        body back with ``get_json()``.
        """
        if self._finished_by is not None:
            self._check_open("json")
        dumps = type(self).json_dumps
        if dumps is _json.dumps:
            # PERF: the default encoder gives bytes, and whatever it refuses is
            # encoded again by encode(), which words the error; one call fewer.
            try:
                body = _json.dumps(obj)
            except (TypeError, ValueError, RecursionError):
                body = _json.encode(dumps, obj, "json")
            if not self.headers._list:  # PERF: _send_json() with no line set, inlined
                return self._finish(body, "json", "application/json")
            return self._send_json(body, "json")
        return self._send_json(_json.encode(dumps, obj, "json"), "json")

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
            return self._send_bytes(utf8(body, "send"), TEXT_PLAIN, "send")
        if isinstance(body, bytes | bytearray | memoryview):
            # Exact bytes (of a subclass, bytearray or view): PEP 3333 takes no other.
            data = body if type(body) is bytes else bytes(body)
            return self._send_bytes(data, "application/octet-stream", "send")
        if isinstance(body, dict | list | int | float):
            json = _json.encode(type(self).json_dumps, body, "send")
            return self._send_json(json, "send")
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
            return self._send_bytes(utf8(body, "end"), TEXT_PLAIN, "end")
        if isinstance(body, bytes):
            data = body if type(body) is bytes else bytes(body)  # as send() does
            return self._send_bytes(data, "application/octet-stream", "end")
        raise TypeError(
            f"end() takes a str or bytes body, not {body!r} ({type(body).__name__});"
            " use send() or json() for other bodies"
        )

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
        code, location = redirect_of(args)
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
        if self._finished_by is not None:
            self._check_open("set_header")
        # PERF: a name checked before and printable ASCII text, the usual call, skip
        # the calls that check them; the first line set is appended.
        if not (type(name) is str and name in _checked_names):
            name = check_name(name)
        lines = self.headers._list  # lines_of(), inlined
        if type(value) is str and value.isascii() and value.isprintable():
            if lines:
                replace(lines, name, (value,))
            else:
                lines.append((name, value))
        else:
            replace(lines, name, check_values(name, value))
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

    def after(self, func: Callable[[], Any], /) -> Self:
        """Run ``func()`` once the answer is handed to the server, error or not.

        It runs when the server closes the response: after the last byte of a
        body, stream or file, within the request's worker (and, on a serverless
        host, within the invocation). An exception in ``func`` is logged, never sent.
        """
        if not callable(func):
            raise TypeError(f"after() takes a function def work(), not {func!r}")
        self._on_close.append(AfterCallback(func))
        return self
