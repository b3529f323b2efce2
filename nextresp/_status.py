"""Status codes: checking what callers pass and naming what they mean."""

from __future__ import annotations

from functools import cache
from http import HTTPStatus

#: The codes ``redirect()`` accepts (RFC 9110, section 15.4, less 304 and 305).
REDIRECT_CODES = frozenset({300, 301, 302, 303, 307, 308})


def check_status(value: object, low: int, high: int, what: str) -> int:
    """Return ``value`` as an ``int`` if it is a status code from ``low`` to ``high``.

    ``bool`` is refused although it is an ``int``: ``status(True)`` is always a slip.
    """
    if type(value) is int or isinstance(value, HTTPStatus):
        code = int(value)
        if low <= code <= high:
            return code
        raise ValueError(f"{what} must be an int from {low} to {high}, not {code}")
    if isinstance(value, int) and not isinstance(value, bool):
        return check_status(int(value), low, high, what)
    raise TypeError(
        f"{what} must be an int from {low} to {high}, not {value!r}"
        f" ({type(value).__name__})"
    )


@cache
def reason_phrase(code: int) -> str:
    """Return the standard reason phrase for ``code``: RFC 9110's name where it has one.

    Python 3.11 still uses the names of RFC 7231 for a few codes ("Request Entity Too
    Large"); RFC 9110's names are used whatever the Python. A code nobody names gets
    the name of its class in RFC 9110, section 15 ("Client Error", "Server Error"),
    so 499 and 512 still read well.
    """
    if code in _RFC_9110_NAMES:
        return _RFC_9110_NAMES[code]
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return _CLASS_NAMES[code // 100]


#: RFC 9110's names for the codes whose names it changed (Python 3.13 agrees).
_RFC_9110_NAMES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


_CLASS_NAMES = {
    1: "Informational",
    2: "Successful",
    3: "Redirection",
    4: "Client Error",
    5: "Server Error",
}


#: The status line of each code used so far ("200 OK", "201 Created").
_status_lines: dict[int, str] = {}


def status_line(code: int) -> str:
    """Return the status line of ``code`` (100 to 599): ``422 Unprocessable Content``.

    The reason phrase is `reason_phrase`'s, so a status line and a problem's ``title``
    never disagree. PERF: each line is built once.
    """
    line = _status_lines.get(code)
    if line is None:
        line = _status_lines[code] = f"{code} {reason_phrase(code)}"
    return line
