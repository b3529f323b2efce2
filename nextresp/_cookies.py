"""``Set-Cookie`` values: werkzeug's ``dump_cookie`` behind safer defaults and checks.

werkzeug quotes and escapes the value, so no value can add an attribute or split the
header; what it trusts the caller with (the name, the domain, the kinds of the
options) is checked here, where the call is made.
"""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime, timedelta

from werkzeug.http import dump_cookie

# RFC 6265, section 4.1.1: a cookie's name is a token (RFC 9110, section 5.6.2).
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# A host name in ASCII (IDNA's xn-- form for others), an optional leading dot.
_DOMAIN = re.compile(r"\.?[A-Za-z0-9](?:[-A-Za-z0-9.]*[A-Za-z0-9])?")
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
_UNESCAPED_CONTROL = re.compile(r"[\x1a-\x1f]")
#: Names that browsers accept only on a Secure cookie (RFC 6265bis, section 4.1.3).
SECURE_PREFIXES = ("__Secure-", "__Host-")
# RFC 6265, section 5.1.1: a cookie date's year has at most four digits, one before
# 1601 fails to parse (the cookie becomes a session cookie) and one before 100 is read
# as 19xx or 20xx. Expires is a second in 1601 to 9999, UTC, as a Unix timestamp:
_FIRST = -11644473600  # 1601-01-01T00:00:00Z
_END = 253402300800  # 10000-01-01T00:00:00Z, the first second past 9999
_FIRST_YEAR = 1601
_LONGEST = (
    "browsers keep a cookie 400 days at most, so max_age=timedelta(days=400) lasts"
    " as long as any"
)


def set_cookie_line(
    name: str,
    value: str,
    *,
    max_age: int | timedelta | None,
    expires: datetime | int | float | None,
    path: str,
    domain: str | None,
    secure: bool | None,
    http_only: bool,
    same_site: str | None,
    partitioned: bool,
    https: bool,
) -> str:
    """Return the ``Set-Cookie`` value that sets cookie ``name`` to ``value``.

    ``secure=None`` means Secure when the request came over HTTPS (``https``), or
    when the cookie cannot work without it: ``SameSite=None``, ``Partitioned``, or
    a ``__Secure-`` or ``__Host-`` name; ``secure=False`` for such a cookie is a
    ``ValueError``. ``expires``, and the ``Expires`` that ``max_age`` alone sets,
    must fall in the years 1601 to 9999 (UTC), the dates a cookie can hold.
    """
    _check_name(name)
    if not isinstance(value, str):
        raise TypeError(
            f"cookie {name!r} value must be a str, not {value!r}"
            f" ({type(value).__name__}); convert it first, as str(...) or"
            " json.dumps(...)"
        )
    _check_utf8(f"cookie {name!r} value", value)
    if max_age is not None or expires is not None:
        expires = _expiry(name, max_age, expires)
    _check_path(name, path)
    _check_domain(name, domain)
    for option, flag in (("http_only", http_only), ("partitioned", partitioned)):
        if not isinstance(flag, bool):
            raise TypeError(
                f"cookie {name!r} option {option} must be True or False, not {flag!r}"
            )
    same_site = _check_same_site(name, same_site)
    needs = _needs_secure(name, same_site, partitioned)
    secure = _resolve_secure(name, secure, needs, https)
    _check_host_prefix(name, path, domain)
    line = dump_cookie(
        name,
        value,
        max_age=max_age,
        expires=expires,
        path=path,
        domain=domain,
        secure=secure,
        httponly=http_only,
        samesite=same_site,
        partitioned=partitioned,
    )
    # werkzeug 3.1 escapes controls up to \x19 only; the rest would reach the header
    # raw. Only a quoted value can hold them: escape them as werkzeug does the others.
    return _UNESCAPED_CONTROL.sub(_octal, line)


def clear_cookie_line(name: str, *, path: str, domain: str | None, https: bool) -> str:
    """Return the ``Set-Cookie`` value that removes cookie ``name``.

    A browser removes the cookie whose name, path and domain match; the line is
    Secure on the terms of :func:`set_cookie_line`, so that a browser accepts it.
    """
    _check_name(name)
    _check_path(name, path)
    _check_domain(name, domain)
    _check_host_prefix(name, path, domain)
    secure = https or name.startswith(SECURE_PREFIXES)
    return dump_cookie(
        name, "", max_age=0, expires=0, path=path, domain=domain, secure=secure
    )


def _octal(match: re.Match[str]) -> str:
    return f"\\{ord(match.group()):03o}"


def _check_name(name: object) -> None:
    if not isinstance(name, str):
        raise TypeError(
            f"cookie name must be a str, not {name!r} ({type(name).__name__})"
        )
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"cookie name must be a token (letters, digits and !#$%&'*+-.^_`|~),"
            f" not {name!r}"
        )


def _check_utf8(what: str, text: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{what} {text!r} cannot be encoded as UTF-8: {exc.reason}"
        ) from None


def _expiry(
    name: str, max_age: object, expires: object
) -> datetime | int | float | None:
    """Check ``max_age`` and ``expires``; return the ``Expires`` to send.

    That is ``expires`` when given, else the time ``max_age`` seconds from now:
    computed here, where it is checked, rather than again in ``dump_cookie``.
    """
    seconds = _check_max_age(name, max_age)
    if expires is not None:
        return _check_expires(name, expires)
    if seconds is None:
        return None
    now = time.time()
    if seconds >= _END - now:
        raise ValueError(
            f"cookie {name!r} max_age must expire it by the end of the year 9999,"
            f" the last a cookie date can hold, not {max_age!r}; {_LONGEST}"
        )
    return now + seconds


def _check_max_age(name: str, max_age: object) -> int | None:
    """Return ``max_age`` in whole seconds, as ``dump_cookie`` sends it."""
    if max_age is None:
        return None
    if isinstance(max_age, timedelta):
        seconds = max_age.total_seconds()
    elif type(max_age) is int:
        seconds = max_age
    else:
        raise TypeError(
            f"cookie {name!r} max_age must be a number of seconds (an int) or a"
            f" timedelta, not {max_age!r} ({type(max_age).__name__})"
        )
    if seconds < 0:
        raise ValueError(
            f"cookie {name!r} max_age must be 0 or more seconds, not {max_age!r};"
            " use clear_cookie() to remove a cookie"
        )
    return int(seconds)


def _check_expires(name: str, expires: object) -> datetime | int | float:
    if isinstance(expires, datetime):
        try:  # dump_cookie reads a naive datetime as UTC
            utc = expires if expires.tzinfo is None else expires.astimezone(UTC)
        except OverflowError:  # in UTC, past the year 9999 or before the year 1
            raise _out_of_range(name, expires, expires.year == 9999) from None
        if utc.year < _FIRST_YEAR:
            raise _out_of_range(name, expires, False)
        return expires
    if type(expires) is int or type(expires) is float:
        if not math.isfinite(expires):
            raise ValueError(
                f"cookie {name!r} expires must be a finite timestamp, not {expires!r}"
            )
        if _FIRST <= expires < _END:
            return expires
        if _END <= expires < _END * 1000:  # a date in milliseconds, as JS has them
            raise ValueError(
                f"cookie {name!r} expires must be seconds since the epoch, not"
                f" milliseconds: {expires!r} seconds is past the year 9999; divide"
                " it by 1000"
            )
        raise _out_of_range(name, expires, expires > 0)
    raise TypeError(
        f"cookie {name!r} expires must be a datetime or a Unix timestamp, not"
        f" {expires!r} ({type(expires).__name__})"
    )


def _out_of_range(name: str, expires: object, late: bool) -> ValueError:
    fix = _LONGEST if late else "use clear_cookie() to remove a cookie"
    return ValueError(
        f"cookie {name!r} expires must fall in the years 1601 to 9999, the dates a"
        f" cookie can hold, not {expires!r}; {fix}"
    )


def _check_path(name: str, path: object) -> None:
    if not isinstance(path, str):
        raise TypeError(
            f"cookie {name!r} path must be a str, not {path!r} ({type(path).__name__})"
        )
    if not path.startswith("/"):
        raise ValueError(
            f"cookie {name!r} path must start with '/', not {path!r}; a browser"
            " ignores any other path"
        )


def _check_domain(name: str, domain: object) -> None:
    if domain is None:
        return
    if not isinstance(domain, str):
        raise TypeError(
            f"cookie {name!r} domain must be a str or None, not {domain!r}"
            f" ({type(domain).__name__})"
        )
    if not _DOMAIN.fullmatch(domain):
        raise ValueError(
            f"cookie {name!r} domain must be a host name such as 'example.com', not"
            f" {domain!r}; write a non-ASCII name in its xn-- form"
        )


def _check_same_site(name: str, same_site: object) -> str | None:
    if same_site is None:
        return None
    spelled = _SAME_SITE.get(same_site.lower()) if isinstance(same_site, str) else None
    if spelled is None:
        raise ValueError(
            f"cookie {name!r} same_site must be 'Strict', 'Lax', 'None' or None"
            f" (no attribute), not {same_site!r}"
        )
    return spelled


def _needs_secure(name: str, same_site: str | None, partitioned: bool) -> str | None:
    """Say why the cookie must be Secure, or return None when it need not be."""
    if name.startswith(SECURE_PREFIXES):
        return f"a name starting with {name.split('-')[0]}- is only accepted Secure"
    if same_site == "None":
        return "browsers refuse SameSite=None without Secure"
    if partitioned:
        return "browsers refuse Partitioned without Secure"
    return None


def _resolve_secure(name: str, secure: object, needs: str | None, https: bool) -> bool:
    if secure is None:
        return https or needs is not None
    if not isinstance(secure, bool):
        raise TypeError(
            f"cookie {name!r} option secure must be True, False or None (Secure over"
            f" HTTPS), not {secure!r}"
        )
    if not secure and needs is not None:
        raise ValueError(f"cookie {name!r} must be Secure: {needs}; drop secure=False")
    return secure


def _check_host_prefix(name: str, path: str, domain: str | None) -> None:
    if name.startswith("__Host-") and (path != "/" or domain is not None):
        raise ValueError(
            f"cookie {name!r} starts with __Host-, which browsers accept only with"
            f" path '/' and no domain, not path {path!r} and domain {domain!r}"
        )
