"""``ApiError`` and the error bodies: RFC 9457 problem details, or text on request."""

from __future__ import annotations

import copy
from functools import lru_cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers, MIMEAccept
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import parse_accept_header

from . import _json
from ._bodies import TEXT_PLAIN
from ._headers import (
    HeadersLike,
    check_headers,
    check_value,
    check_values,
    keep_lines,
    merge_vary,
    well_formed_name,
)
from ._problem_members import check_members, check_message, check_uri
from ._response import ApiResponse
from ._status import check_status, reason_phrase, status_line

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

    from werkzeug.wrappers import Request, Response

_WERKZEUG = HTTPException.__module__
_OFFERED = ("application/problem+json", "application/json", "text/plain")
_BODY_HEADERS = frozenset({"content-type", "content-length"})
#: What a custom error_body may have set on the error that its returned body makes
#: wrong: the framing, and the tag of a body that is not sent.
_REFRAMED = _BODY_HEADERS | {"etag"}


class ApiError(HTTPException):
    """An HTTP error with a status, a message and headers, raised to end a request.

    ``message`` defaults to the status's reason phrase (``ApiError(403).message ==
    "Forbidden"``). Inside :func:`api_handler` the error becomes the response, keeping
    the headers already set on ``res``; as a werkzeug ``HTTPException`` it also
    renders itself when a werkzeug or Flask app returns or raises it.

    The body is RFC 9457 problem details: ``type`` and ``instance`` are URI
    references, ``title`` summarises a custom ``type``, and any other keyword
    argument is an extension member sent after the standard ones
    (``ApiError(422, "Invalid todo", errors=[...])``), checked at the call.

    A subclass names a kind of problem: it may declare ``code`` (its status),
    ``type`` and ``title`` as class attributes, checked when the class is made, and
    is then raised with the message alone (``raise TodoGone("Deleted yesterday")``).
    """

    code: int
    # What a subclass declares (code, type, title), or None for one that declares
    # nothing: see __init_subclass__.
    _declared: tuple[int | None, str | None, str | None] | None = None
    #: An ApiError carries no response of its own (werkzeug's ``__init__`` sets this
    #: None on each exception; a class default costs nothing per error).
    response: Response | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = cls._declared or (None, None, None)
        own = cls.__dict__
        name = cls.__name__
        code, kind, title = inherited
        if "code" in own:
            code = check_status(own["code"], 400, 599, f"{name}.code")
        if isinstance(own.get("type"), str):
            kind = check_uri(f"{name}.type", own["type"], prefix="")
        if isinstance(own.get("title"), str):
            title = own["title"]
            check_message(title, "title")
            if kind is None:
                raise ValueError(
                    f"{name}.title {title!r} summarises a custom type, and {name}"
                    " declares none: declare type = 'https://...' too"
                )
        if (code, kind, title) != (None, None, None):
            cls._declared = (code, kind, title)

    def __init__(
        self,
        status: int | HTTPStatus | str | None = None,
        message: str | None = None,
        /,
        *,
        headers: HeadersLike | None = None,
        type: str | None = None,
        title: str | None = None,
        instance: str | None = None,
        **members: object,
    ) -> None:
        declared = self._declared
        if declared is not None:
            status, message, type, title = self._with_declared(
                declared, status, message, type, title
            )
        # PERF: an int in range and an ASCII message, the usual call, skip the calls
        # that check them (``__class__``: the argument ``type`` hides the builtin).
        if status.__class__ is int and 400 <= status <= 599:
            code: int = status
        elif status is None:
            raise TypeError(
                f"{self.__class__.__name__} needs a status, as in ApiError(404,"
                " 'No such todo'); a subclass may declare code = 404 instead"
            )
        else:
            code = check_status(status, 400, 599, "ApiError status")
        if message is not None and not (message.__class__ is str and message.isascii()):
            check_message(message)
        # PERF: what HTTPException.__init__ sets, set here without its chain of
        # super().__init__() calls; ``args`` is set below. A test pins the two alike.
        if message is not None:
            self.description = message
        self.code = code
        #: The message given to the constructor, or None: the problem's ``detail``.
        self.detail = message
        #: The message, or the reason phrase when none was given.
        self.message = reason_phrase(code) if message is None else message
        #: Headers sent with the error, winning over those set on ``res``.
        self.headers = Headers() if headers is None else check_headers(headers)
        self.args = (code, message)
        #: The problem's members beyond ``type``, ``title``, ``status`` and ``detail``
        #: as given, in the order they are sent: the ``type`` and ``title`` given,
        #: ``instance``, then the extension members. Empty for a plain error.
        self.extra: dict[str, object] = {}
        if type is not None:
            self.extra["type"] = check_uri("type", type)
        if title is not None:
            check_message(title, "title")
            if self.extra.get("type", "about:blank") == "about:blank":
                raise ValueError(
                    f"ApiError title {title!r} summarises a custom type, and there is"
                    f" none: with type about:blank the title is the status's name"
                    f" ({reason_phrase(code)!r}); pass type= too, or put the text in"
                    " the message"
                )
            self.extra["title"] = title
        if instance is not None:
            self.extra["instance"] = check_uri("instance", instance)
        if members:
            check_members(members)
            self.extra.update(members)

    def _with_declared(
        self,
        declared: tuple[int | None, str | None, str | None],
        status: object,
        message: str | None,
        type: str | None,
        title: str | None,
    ) -> tuple[Any, str | None, str | None, str | None]:
        """Fill in what the class declares; refuse a call that contradicts it."""
        code, kind, declared_title = declared
        name = self.__class__.__name__
        if code is not None and (status is None or isinstance(status, str)):
            if status is not None and message is not None:
                raise TypeError(
                    f"{name} declares its status ({code}) and takes one message, as"
                    f" in {name}({status!r}), not two"
                )
            message = message if status is None else status
            status = code
        elif code is not None and status != code:
            raise TypeError(
                f"{name} declares its status ({code}); raise it with the message"
                f" alone, as in {name}('...'), not with the status {status!r}"
            )
        for what, given, fixed in (
            ("type", type, kind),
            ("title", title, declared_title),
        ):
            if fixed is not None and given is not None and given != fixed:
                raise TypeError(
                    f"{name} declares its {what} ({fixed!r}); raise it without"
                    f" {what}=, or raise an ApiError with {what}={given!r}"
                )
        return (
            status,
            message,
            kind if type is None else type,
            (declared_title if title is None else title),
        )

    @property
    def type(self) -> str:
        """The problem's ``type``: a URI reference, ``about:blank`` by default."""
        return self.extra.get("type", "about:blank")  # type: ignore[return-value]

    @property
    def title(self) -> str:
        """The problem's ``title``: the one given, or the status's name."""
        return self.extra.get("title", self.name)  # type: ignore[return-value]

    @property
    def problem(self) -> dict[str, object]:
        """The RFC 9457 problem this error is sent as, in the order it is sent."""
        return problem_of(self.code, self.detail, self.extra)

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
        return error_response(
            self.code, self.detail, self.headers, environ, extra=self.extra
        )


def error_response(
    code: int,
    detail: str | None,
    headers: Headers | list[tuple[str, str]],
    environ: WSGIEnvironment | Request | None,
    *,
    problem_details: bool = True,
    extra: dict[str, object] | None = None,
    response_class: type[ApiResponse] = ApiResponse,
    carried: list[tuple[str, str]] | None = None,
) -> ApiResponse:
    """Build the response for an error with status ``code``.

    The body is RFC 9457 problem details unless ``problem_details`` is false or the
    request's ``Accept`` header rules JSON out; then it is the message as plain text.
    A body chosen by ``Accept`` says so in ``Vary``, so that caches keep both kinds
    apart. The message only ever goes into the body, never into the status line or
    a header. ``extra`` holds the problem's other members (``ApiError.extra``);
    ``response_class`` is the class of the response, whose ``error_body`` renders
    the problem. ``carried`` are the header lines of the answer the error replaces,
    kept as ``keep_lines`` says.
    """
    response = response_class.blank()
    if problem_details and _accepts_json(environ):
        if not extra and response_class is ApiResponse:
            body = _problem_json(code, detail)
            content_type = "application/problem+json"
        else:
            body, content_type = _render(response, problem_of(code, detail, extra))
    else:
        body = (reason_phrase(code) if detail is None else detail).encode()
        content_type = TEXT_PLAIN
    response._status, response._status_code = status_line(code), code
    response.response = [body]
    lines = response.headers._list  # lines_of(), inlined on the hot path
    # The names the error sets, lower-case: those a custom error_body set, and the
    # lines below; its Content-Type and Content-Length are representation headers,
    # which keep_lines never keeps anyway.
    own = {"x-content-type-options"}
    if lines:
        # Lines that framed another body (error_body called json(), say) go: the
        # error's Content-Type and Content-Length follow, for the body it returned.
        lines[:] = [line for line in lines if line[0].lower() not in _REFRAMED]
        own.update(name.lower() for name, _ in lines)
    lines.append(("Content-Type", content_type))
    lines.append(("Content-Length", str(len(body))))
    lines.append(("X-Content-Type-Options", "nosniff"))
    for line in headers._list if isinstance(headers, Headers) else headers:
        lower = line[0].lower()
        if lower not in _BODY_HEADERS:
            lines.append(line)
            own.add(lower)
    if problem_details:
        if "vary" in own:
            merge_vary(lines, "Accept")
        else:
            lines.append(("Vary", "Accept"))
    if carried:
        keep_lines(lines, carried, own)
    return response


def problem_of(
    code: int, detail: str | None, extra: dict[str, object] | None = None
) -> dict[str, object]:
    """Return the RFC 9457 problem for ``code``: the standard members, then ``extra``.

    A ``type`` or ``title`` in ``extra`` takes the default's place, first.
    """
    problem: dict[str, object] = {"type": "about:blank", "title": reason_phrase(code)}
    problem["status"] = code
    if detail is not None:
        problem["detail"] = detail
    if extra:
        problem.update(extra)
    return problem


# PERF: most errors repeat (a 401 with the same message); encoding the same problem
# again costs more than the rest of the response. The bound keeps memory flat.
@lru_cache(maxsize=256)
def _problem_json(code: int, detail: str | None) -> bytes:
    """Encode the RFC 9457 problem for ``code``, with ``detail`` when there is one."""
    return _json.dumps(problem_of(code, detail))


def _render(response: ApiResponse, problem: dict[str, object]) -> tuple[bytes, str]:
    """Run ``response.error_body(problem)`` and check what it returns."""
    rendered = response.error_body(problem)
    if not (
        isinstance(rendered, tuple)
        and len(rendered) == 2
        and isinstance(rendered[0], bytes)
        and isinstance(rendered[1], str)
    ):
        raise TypeError(
            f"{type(response).__name__}.error_body() must return (body, content_type)"
            f" as (bytes, str), not {rendered!r}"
        )
    body, content_type = rendered
    return body, check_value("Content-Type", content_type)


def error_response_for(
    error: HTTPException,
    environ: WSGIEnvironment | Request,
    /,
    *,
    problem_details: bool = True,
    response_class: type[ApiResponse] = ApiResponse,
) -> Response:
    """Answer a werkzeug ``HTTPException`` as :func:`api_handler` answers it.

    That is routing's ``NotFound`` and ``MethodNotAllowed`` (with its ``Allow``), an
    ``abort(...)``, an :class:`ApiError`, any 4xx or 5xx: problem details (a
    ``description`` given as ``detail``), or plain text when ``Accept`` rules JSON
    out or ``problem_details`` is false. werkzeug's stock descriptions ("The
    requested URL was not found on the server...") say no more than the title and
    are left out; a 405 says which method, and ``Allow`` lists the methods sorted,
    as :func:`routes` answers. An exception that carries its own response, or is
    not an error (werkzeug's ``RequestRedirect``), is answered by werkzeug, with a
    copy of the response, so that the exception can be raised again.
    ``response_class`` (an :class:`ApiResponse` subclass) renders the error body
    through its ``error_body``. The exception's headers are checked as
    ``set_header`` checks them (a value may hold request data): one that would be
    malformed on the wire raises ``ValueError`` naming it.
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
            extra=error.extra,
            response_class=response_class,
        )
    code = error.code
    if error.response is not None or code is None or not 400 <= code <= 599:
        # The exception may be raised again and again (a module-level page), so
        # folding must edit a copy.
        return _copy_response(error.get_response(environ))
    headers = _checked_lines(error.get_headers(environ))
    detail = error.description
    if detail == type(error).description and type(error).__module__ == _WERKZEUG:
        detail = None  # werkzeug's stock sentence says no more than the title
        if isinstance(error, MethodNotAllowed):
            detail = f"Method {environ.get('REQUEST_METHOD')} Not Allowed"
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        # As routes() and api_methods() list them; routing's order is a set's.
        allow = ", ".join(sorted(set(error.valid_methods)))
        headers = [(n, allow if n == "Allow" else v) for n, v in headers]
    return error_response(
        code,
        detail,
        headers,
        environ,
        problem_details=problem_details,
        response_class=response_class,
    )


class UnsendableHeader(ValueError):
    """A werkzeug exception's header that would be malformed on the wire."""


def _checked_lines(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return a werkzeug exception's header lines as text that cannot split the
    response: werkzeug's own checks are skipped here. Names the server manages
    (``Connection``) pass, as werkzeug lets them."""
    checked: list[tuple[str, str]] = []
    try:
        for name, value in lines:
            name = well_formed_name(name)
            checked.extend((name, text) for text in check_values(name, value))
    except (TypeError, ValueError) as exc:
        raise UnsendableHeader(str(exc)) from None
    return checked


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
