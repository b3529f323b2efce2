"""``Cors``: which origins may read a handler's answers, checked once; two small
functions add what the Fetch standard asks of preflight and other answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, TypeAlias

from ._headers import lines_of, merge_vary
from ._response import ApiResponse
from ._status import status_line

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

# An origin as browsers send it: a lower-case scheme and host, an optional port; no
# path, no trailing slash (RFC 6454, section 6.2). IPv6 hosts are in brackets.
_ORIGIN = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?"
)
# RFC 9110, section 5.6.2: method and header names are tokens.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: What ``Cors`` takes as origins. Not ``Iterable[str]``, which a lone ``str`` is:
#: mypy refuses ``Cors("https://app.example.com")`` as the check below does.
Origins: TypeAlias = (
    list[str] | tuple[str, ...] | set[str] | frozenset[str] | Literal["*"]
)
#: The methods a preflight allows when neither ``Cors`` nor the handler names them
#: (those of the ``cors`` package Next.js's example uses).
DEFAULT_METHODS = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE")


class Cors:
    """Let pages from other origins call a handler: ``api_handler(cors=Cors([...]))``.

    ``origins`` is a list of exact origins (``"https://app.example.com"``, as the
    browser sends it in ``Origin``) or ``"*"`` for any. A preflight from an allowed
    origin is answered ``204`` with the allowed methods and headers; every other
    answer to an allowed origin carries ``Access-Control-Allow-Origin``, errors and
    the bare 500 included. The configuration is checked here, once.

    - ``methods``: what a preflight allows; by default the handler's own methods
      (``methods=`` of ``api_handler``, the functions of ``api_methods``), else
      GET, HEAD, PUT, PATCH, POST and DELETE.
    - ``allow_headers``: the request headers a preflight allows; by default those
      the browser asks for.
    - ``expose_headers``: response headers scripts may read, beyond the safelisted
      ones (``Content-Type`` and a few more).
    - ``credentials``: let the browser send cookies and read the answer; not with
      ``"*"``.
    - ``max_age``: seconds a browser may cache a preflight's answer.
    """

    def __init__(
        self,
        origins: Origins,
        *,
        methods: Iterable[str] | None = None,
        allow_headers: Iterable[str] | None = None,
        expose_headers: Iterable[str] = (),
        credentials: bool = False,
        max_age: int | None = None,
    ) -> None:
        #: The allowed origins, or None for any (``"*"``).
        self.origins = _check_origins(origins)
        self._origins = frozenset(self.origins or ())
        #: The methods a preflight allows, or None for the handler's.
        self.methods = None if methods is None else _tokens("methods", methods, True)
        if self.methods == ():
            raise ValueError("Cors option methods must name at least one method")
        #: The request headers a preflight allows, or None for those asked for.
        self.allow_headers = (
            None
            if allow_headers is None
            else _tokens("allow_headers", allow_headers, False)
        )
        #: The response headers scripts may read.
        self.expose_headers = _tokens("expose_headers", expose_headers, False)
        if not isinstance(credentials, bool):
            raise TypeError(
                f"Cors option credentials must be True or False, not {credentials!r}"
            )
        if credentials and self.origins is None:
            raise ValueError(
                "Cors cannot allow credentials from any origin ('*'): browsers refuse"
                " credentials with Access-Control-Allow-Origin: *; list the origins"
            )
        #: Whether cookies and credentials may go with the requests.
        self.credentials = credentials
        if max_age is not None and (type(max_age) is not int or max_age < 0):
            kind = TypeError if type(max_age) is not int else ValueError
            raise kind(
                "Cors option max_age must be a number of seconds (an int >= 0) or"
                f" None, not {max_age!r}"
            )
        #: Seconds a browser may keep a preflight's answer, or None.
        self.max_age = max_age
        # The fixed lines of a preflight's answer, by the handler's methods.
        self._preflights: dict[tuple[str, ...] | None, _Preflight] = {}
        # Every answer to an allowed origin carries these, after its Allow-Origin.
        self._lines: list[tuple[str, str]] = []
        if credentials:
            self._lines.append(("Access-Control-Allow-Credentials", "true"))
        if self.expose_headers:
            exposed = ", ".join(self.expose_headers)
            self._lines.append(("Access-Control-Expose-Headers", exposed))

    def __repr__(self) -> str:
        origins = "*" if self.origins is None else list(self.origins)
        return (
            f"Cors(origins={origins!r}, methods={_shown(self.methods)},"
            f" allow_headers={_shown(self.allow_headers)},"
            f" expose_headers={list(self.expose_headers)!r},"
            f" credentials={self.credentials!r}, max_age={self.max_age!r})"
        )

    def allows(self, origin: str | None) -> bool:
        """Tell whether a page from ``origin`` may read the answers."""
        return origin is not None and (self.origins is None or origin in self._origins)


def answer_preflight(
    cors: Cors,
    environ: WSGIEnvironment,
    methods: tuple[str, ...] | None,
    response_class: type[ApiResponse],
) -> ApiResponse | None:
    """Answer the request if it is a preflight (``OPTIONS`` with ``Origin`` and
    ``Access-Control-Request-Method``); return None for any other request.

    From an allowed origin: ``204`` with the allowed methods (``cors.methods``, else
    the handler's ``methods``, else `DEFAULT_METHODS`) and headers. From another:
    ``204`` with no ``Access-Control-*`` header, which the browser refuses.
    """
    origin = environ.get("HTTP_ORIGIN")
    if (
        environ.get("REQUEST_METHOD") != "OPTIONS"
        or origin is None
        or "HTTP_ACCESS_CONTROL_REQUEST_METHOD" not in environ
    ):
        return None
    # PERF: what .status(204).end() sets, directly; every line but the origin and the
    # headers asked for is the same for each preflight, and is computed once.
    res = response_class.blank()
    res._status, res._status_code = _NO_CONTENT, 204
    res._finished_by = "end"
    lines = lines_of(res.headers)
    if cors.origins is None or origin in cors._origins:
        before, after = cors._preflights.get(methods) or _preflight_lines(cors, methods)
        lines.append(("Access-Control-Allow-Origin", "*" if before[0] else origin))
        lines.extend(before[1])
        fixed = after[0]
        headers = _requested_headers(environ) if fixed is None else fixed
        if headers:
            lines.append(("Access-Control-Allow-Headers", headers))
        lines.extend(after[1])
    elif cors.origins is not None:
        lines.append(("Vary", "Origin"))
    return res


# A preflight's lines for an allowed origin: whether Allow-Origin is "*", the lines
# after it; then the fixed Allow-Headers (None: echo those asked for), the lines
# after that.
_Lines = list[tuple[str, str]]
_Preflight = tuple[tuple[bool, _Lines], tuple[str | None, _Lines]]
_NO_CONTENT = status_line(204)


def _preflight_lines(cors: Cors, methods: tuple[str, ...] | None) -> _Preflight:
    """Compute, once per ``methods``, a preflight's lines for an allowed origin."""
    before: list[tuple[str, str]] = []
    if cors.credentials:
        before.append(("Access-Control-Allow-Credentials", "true"))
    allowed = cors.methods or methods or DEFAULT_METHODS
    before.append(("Access-Control-Allow-Methods", ", ".join(allowed)))
    after: list[tuple[str, str]] = []
    if cors.max_age is not None:
        after.append(("Access-Control-Max-Age", str(cors.max_age)))
    vary = [] if cors.origins is None else ["Origin"]
    if cors.allow_headers is None:
        vary.append("Access-Control-Request-Headers")
    if vary:
        after.append(("Vary", ", ".join(vary)))
    headers = None if cors.allow_headers is None else ", ".join(cors.allow_headers)
    found = cors._preflights[methods] = (cors.origins is None, before), (headers, after)
    return found


def add_cors_headers(
    cors: Cors, lines: list[tuple[str, str]], environ: WSGIEnvironment
) -> None:
    """Give an answer to an allowed origin its ``Access-Control-*`` headers.

    The handler's own ``Access-Control-*`` headers are removed first, whatever the
    origin: ``cors`` alone decides who may read the answer, so a refused origin, or
    a request without one, never gets a handler's ``*``. Where the answer depends on
    the origin (a list of origins), it varies on ``Origin``, whatever the request's
    origin was, so that caches keep apart the answers to different pages.
    """
    # PERF: most answers carry neither such a header nor a Vary: one pass finds out,
    # and then nothing is filtered and Vary: Origin is appended, as merge_vary would.
    strip = vary = False
    for name, _ in lines:
        if name in _NEITHER_CORS_NOR_VARY:  # PERF: no lower() for the usual names
            continue
        lower = name.lower()
        if lower[:15] == "access-control-":
            strip = True
        elif lower == "vary":
            vary = True
    if strip:
        lines[:] = [line for line in lines if line[0][:15].lower() != "access-control-"]
    if cors.origins is None:
        lines.append(("Access-Control-Allow-Origin", "*"))
        lines.extend(cors._lines)
        return
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin in cors._origins:
        lines.append(("Access-Control-Allow-Origin", origin))
        lines.extend(cors._lines)
    if vary:
        merge_vary(lines, "Origin")
    else:
        lines.append(("Vary", "Origin"))


# Names as this package and its users write them, of headers that are neither
# Access-Control-* nor Vary.
_NEITHER_CORS_NOR_VARY = frozenset(
    {
        "Content-Type",
        "Content-Length",
        "ETag",
        "Allow",
        "Cache-Control",
        "Location",
        "Set-Cookie",
        "WWW-Authenticate",
        "X-Content-Type-Options",
    }
)


def _requested_headers(environ: WSGIEnvironment) -> str | None:
    """Return the headers a preflight asks for, as a clean list, or None."""
    asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
    names = [name.strip() for name in asked.split(",") if name.strip()]
    if not names or not all(_TOKEN.fullmatch(name) for name in names):
        return None
    return ", ".join(names)


def _check_origins(origins: object) -> tuple[str, ...] | None:
    if origins == "*":
        return None
    if isinstance(origins, str) or not isinstance(origins, Iterable):
        raise TypeError(
            "Cors origins must be a list of origins such as"
            f" ['https://app.example.com'], or '*', not {origins!r}"
        )
    checked: list[str] = []
    for origin in origins:
        if origin == "*":
            raise ValueError(
                "Cors origins holds '*' among other origins; write origins='*' alone"
                " to allow any origin"
            )
        if not (isinstance(origin, str) and _ORIGIN.fullmatch(origin)):
            raise ValueError(
                f"Cors origins holds {origin!r}, which is not an origin: write"
                " scheme://host[:port] in lower case with no path or trailing slash,"
                " as browsers send it ('https://app.example.com')"
            )
        if origin not in checked:
            checked.append(origin)
    if not checked:
        raise ValueError("Cors origins must name at least one origin, or be '*'")
    return tuple(checked)


def _tokens(option: str, values: object, upper: bool) -> tuple[str, ...]:
    what = "method" if upper else "header"
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(
            f"Cors option {option} must be a list of {what} names, not {values!r}"
        )
    checked: list[str] = []
    for value in values:
        if not (isinstance(value, str) and _TOKEN.fullmatch(value)):
            raise ValueError(
                f"Cors option {option} holds {value!r}, which is not a {what} name"
            )
        name = value.upper() if upper else value
        if name.lower() not in (seen.lower() for seen in checked):
            checked.append(name)
    return tuple(checked)


def _shown(names: tuple[str, ...] | None) -> str:
    return "None" if names is None else repr(list(names))
