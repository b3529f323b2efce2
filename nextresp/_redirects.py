"""Redirects: the status a ``redirect()`` call means, and a safe ``Location``."""

from __future__ import annotations

import re

from werkzeug.urls import iri_to_uri

from ._status import REDIRECT_CODES, check_status

_USAGE = (
    "redirect() takes (url) or (status, url), as in res.redirect('/login')"
    " or res.redirect(308, '/new')"
)
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redirect_of(args: tuple[object, ...]) -> tuple[int, str]:
    """Return the status and ``Location`` of ``redirect([status,] url)``.

    ``redirect(url)`` is a 307, as in Next.js; ``status`` must be a redirect code.
    """
    if len(args) == 1 and isinstance(args[0], str):
        return 307, location(args[0])
    if len(args) == 2 and isinstance(args[1], str):
        return _redirect_status(args[0]), location(args[1])
    shown = ", ".join(map(repr, args))
    raise TypeError(f"{_USAGE}, not redirect({shown})")


def _redirect_status(value: object) -> int:
    if isinstance(value, str):
        raise TypeError(f"{_USAGE}: the status goes first, as an int")
    try:
        code = check_status(value, 300, 308, "redirect status")
    except TypeError as exc:
        raise TypeError(f"{exc}; {_USAGE}") from None
    if code not in REDIRECT_CODES:
        raise ValueError(
            "redirect status must be one of"
            f" {', '.join(map(str, sorted(REDIRECT_CODES)))}, not {code}"
        )
    return code


def location(url: str) -> str:
    """Return ``url`` as a ``Location``: non-ASCII percent-encoded, controls refused.

    A control character could split the response, so it is an error, never escaped
    silently.
    """
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
