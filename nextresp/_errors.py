"""``ApiError`` and the error bodies: RFC 9457 problem details, or text on request."""

from __future__ import annotations

import copy
from functools import lru_cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers, MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from . import _json
from ._headers import HeadersLike, check_headers, lines_of, merge_vary
from ._response import TEXT_PLAIN, ApiResponse, status_line
from ._status import check_status, reason_phrase

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

    from werkzeug.wrappers import Request, Response

_OFFERED = ("application/problem+json", "application/json", "text/plain")
_BODY_HEADERS = frozenset({"content-type", "content-length"})


class ApiError(HTTPException):
    """An HTTP error with a status, a message and headers, raised to end a request.

    ``message`` defaults to the status's reason phrase (``ApiError(403).message ==
    "Forbidden"``). Inside :func:`api_handler` the error becomes the response, keeping
    the headers already set on ``res``; as a werkzeug ``HTTPException`` it also
    renders itself when a werkzeug or Flask app returns or raises it.
    """

    code: int

    def __init__(
        self,
        status: int | HTTPStatus,
        message: str | None = None,
        /,
        *,
        headers: HeadersLike | None = None,
    ) -> None:
        code = check_status(status, 400, 599, "ApiError status")
        if message is not None:
            _check_message(message)
        super().__init__(description=message)
        self.code = code
        #: The message given to the constructor, or None: the problem's ``detail``.
        self.detail = message
        #: The message, or the reason phrase when none was given.
        self.message = reason_phrase(code) if message is None else message
        #: Headers sent with the error, winning over those set on ``res``.
        self.headers = Headers() if headers is None else check_headers(headers)
        self.args = (code, message)

    @property
    def status_code(self) -> int:
        """The status code, as on werkzeug responses."""
        return self.code

    @property
    def name(self) -> str:
        """The reason phrase for the status."""
        return reason_phrase(self.code)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r})"

    def get_response(
        self,
        environ: WSGIEnvironment | Request | None = None,
        scope: dict[str, Any] | None = None,
    ) -> ApiResponse:
        """Render as problem details, or as text when ``Accept`` rules JSON out."""
        return error_response(self.code, self.detail, self.headers, environ)


def error_response(
    code: int,
    detail: str | None,
    headers: Headers | list[tuple[str, str]],
    environ: WSGIEnvironment | Request | None,
    *,
    problem_details: bool = True,
) -> ApiResponse:
    """Build the response for an error with status ``code``.

    The body is RFC 9457 problem details unless ``problem_details`` is false or the
    request's ``Accept`` header rules JSON out; then it is the message as plain text.
    A body chosen by ``Accept`` says so in ``Vary``, so that caches keep both kinds
    apart. The message only ever goes into the body, never into the status line or
    a header.
    """
    if problem_details and _accepts_json(environ):
        body = _problem_json(code, detail)
        content_type = "application/problem+json"
    else:
        body = (reason_phrase(code) if detail is None else detail).encode()
        content_type = TEXT_PLAIN
    response = ApiResponse.blank()
    response._status, response._status_code = status_line(code), code
    response.response = [body]
    lines = lines_of(response.headers)
    lines.append(("Content-Type", content_type))
    lines.append(("Content-Length", str(len(body))))
    lines.append(("X-Content-Type-Options", "nosniff"))
    varies = False
    for line in lines_of(headers) if isinstance(headers, Headers) else headers:
        lower = line[0].lower()
        if lower not in _BODY_HEADERS:
            lines.append(line)
            varies = varies or lower == "vary"
    if problem_details:
        if varies:
            merge_vary(lines, "Accept")
        else:
            lines.append(("Vary", "Accept"))
    return response


# PERF: most errors repeat (a 401 with the same message); encoding the same problem
# again costs more than the rest of the response. The bound keeps memory flat.
@lru_cache(maxsize=256)
def _problem_json(code: int, detail: str | None) -> bytes:
    """Encode the RFC 9457 problem for ``code``, with ``detail`` when there is one."""
    problem: dict[str, object] = {"type": "about:blank", "title": reason_phrase(code)}
    problem["status"] = code
    if detail is not None:
        problem["detail"] = detail
    return _json.dumps(problem)


def error_response_for(
    error: HTTPException,
    environ: WSGIEnvironment | Request,
    /,
    *,
    problem_details: bool = True,
) -> Response:
    """Answer a werkzeug ``HTTPException`` as :func:`api_handler` answers it.

    That is routing's ``NotFound`` and ``MethodNotAllowed`` (with its ``Allow``), an
    ``abort(...)``, an :class:`ApiError`, any 4xx or 5xx: problem details (their
    ``description`` as ``detail``), or plain text when ``Accept`` rules JSON out or
    ``problem_details`` is false. An exception that carries its own response, or is
    not an error (werkzeug's ``RequestRedirect``), is answered by werkzeug, with a
    copy of the response, so that the exception can be raised again.
    """
    if not isinstance(environ, dict):
        environ = environ.environ
    if isinstance(error, ApiError):
        return error_response(
            error.code,
            error.detail,
            error.headers,
            environ,
            problem_details=problem_details,
        )
    code = error.code
    if error.response is not None or code is None or not 400 <= code <= 599:
        # The exception may be raised again and again (a module-level page), so
        # folding must edit a copy.
        return _copy_response(error.get_response(environ))
    return error_response(
        code,
        error.description,
        error.get_headers(environ),
        environ,
        problem_details=problem_details,
    )


def _copy_response(response: Response) -> Response:
    """Return a copy of ``response`` whose headers and close callbacks are its own."""
    copied = copy.copy(response)
    copied.headers = Headers(response.headers)
    copied._on_close = list(response._on_close)
    return copied


def _accepts_json(environ: WSGIEnvironment | Request | None) -> bool:
    if environ is None:
        return True
    if not isinstance(environ, dict):
        environ = environ.environ
    accept = environ.get("HTTP_ACCEPT")
    return not accept or _accept_allows_json(accept)


# PERF: parsing and matching an Accept header costs more than the rest of an error
# response; clients send few distinct values, and the bound keeps hostile ones cheap.
@lru_cache(maxsize=256)
def _accept_allows_json(accept: str) -> bool:
    best = parse_accept_header(accept, MIMEAccept).best_match(_OFFERED)
    return best is not None and best != "text/plain"


def _check_message(message: object) -> None:
    if not isinstance(message, str):
        raise TypeError(
            f"ApiError message must be a str or None, not {message!r}"
            f" ({type(message).__name__})"
        )
    try:
        message.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"ApiError message {message!r} cannot be encoded as UTF-8: {exc.reason}"
        ) from None
