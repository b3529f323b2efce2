"""Header names and values: refuse anything that would be malformed on the wire."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

from werkzeug.datastructures import Headers

# RFC 9110, section 5.6.2, makes a field name a token; PEP 3333's validator, and many
# proxies, accept only the names people use: a letter, then letters, digits, - and _.
_NAME = re.compile(r"[A-Za-z][-_0-9A-Za-z]*")
# Anything a field value may not hold: controls (C0 less tab, DEL, C1) and code points
# that Latin-1, the only encoding WSGI allows for headers, cannot carry.
_NOT_FIELD_TEXT = re.compile(r"[^\t\x20-\x7e\xa0-\xff]")

#: Headers the server or the body decides; an app that sets them by hand can only get
#: them wrong (PEP 3333 forbids the hop-by-hop ones outright).
_SERVER_MANAGED = frozenset(
    {
        "connection",
        "content-length",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)

#: Headers that describe one particular body; they are dropped with that body when an
#: error replaces it, so they cannot mislabel the error's own body.
REPRESENTATION_HEADERS = frozenset(
    {
        "content-disposition",
        "content-encoding",
        "content-language",
        "content-length",
        "content-range",
        "content-type",
        "etag",
        "last-modified",
    }
)

HeaderValue = str | int | list[str] | tuple[str, ...]
HeadersLike = Mapping[str, HeaderValue] | Iterable[tuple[str, str | int]] | Headers


# PERF: set_header checks every name and value it is given, and handlers set the same
# few again and again. Names that passed are remembered (up to a bound, so names made
# from request data cannot grow it without end), and a value of printable ASCII, which
# the regular expression would pass unchanged, skips it. A test pins both shortcuts
# against the regular expressions on a table of edge cases.
_checked_names: set[str] = set()
_MAX_CHECKED_NAMES = 256


def check_name(name: object) -> str:
    """Return ``name`` if it is a header name an app may set."""
    if type(name) is str and name in _checked_names:
        return name
    name = well_formed_name(name)
    if name.lower() in _SERVER_MANAGED:
        raise ValueError(
            f"header {name!r} is managed by the server and set from the body;"
            " do not set it by hand"
        )
    if type(name) is str and len(_checked_names) < _MAX_CHECKED_NAMES:
        _checked_names.add(name)
    return name


def well_formed_name(name: object) -> str:
    """Return ``name`` as a ``str`` if it can be sent as a header name, or raise."""
    if not isinstance(name, str):
        raise TypeError(
            f"header name must be a str, not {name!r} ({type(name).__name__})"
        )
    if type(name) is not str:
        name = str.__str__(name)  # a StrEnum's text: PEP 3333 takes only a str
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"header name {name!r} is not a valid header name: start with a letter,"
            " then use letters, digits, '-' and '_' only"
        )
    return name


def check_value(name: str, value: object) -> str:
    """Return ``value`` as the text of one header line, or raise naming the fault.

    A tab is white space to HTTP but a control character to PEP 3333, which servers
    may enforce: it is sent as the space HTTP takes it for.
    """
    if type(value) is str and value.isascii() and value.isprintable():
        return value  # PERF: see _checked_names; only " " to "~", so nothing to change
    if type(value) is int:
        return str(value)
    if not isinstance(value, str):
        raise TypeError(
            f"value of header {name!r} must be a str, an int or a list of str,"
            f" not {value!r} ({type(value).__name__})"
        )
    if type(value) is not str:
        value = str.__str__(value)  # a StrEnum's text: PEP 3333 takes only a str
    bad = _NOT_FIELD_TEXT.search(value)
    if bad is not None:
        char = bad.group()
        if ord(char) > 0xFF:
            fix = "it is outside Latin-1; percent-encode it (RFC 8187) first"
        else:
            fix = "control characters could split the response; remove it"
        raise ValueError(
            f"value of header {name!r} has {char!r} at index {bad.start()}: {fix}"
        )
    return value.replace("\t", " ") if "\t" in value else value


def check_values(name: str, value: object) -> list[str]:
    """Return the header lines for ``value``: one for a str or int, one per item."""
    if type(value) is str:  # PERF: the common case, before the slower isinstance
        return [check_value(name, value)]
    if isinstance(value, list | tuple):
        return [check_value(name, item) for item in value]
    return [check_value(name, value)]


def check_headers(headers: object) -> Headers:
    """Return ``headers`` (a mapping, pairs or ``Headers``) as checked ``Headers``."""
    checked = Headers()
    if headers is None:
        return checked
    if isinstance(headers, Mapping):
        items: Iterable[object] = headers.items()
    elif isinstance(headers, Iterable) and not isinstance(headers, str | bytes):
        items = headers
    else:
        raise TypeError(
            "headers must be a mapping or a list of (name, value) pairs,"
            f" not {headers!r} ({type(headers).__name__})"
        )
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise TypeError(f"headers must hold (name, value) pairs, not {item!r}")
        name = check_name(item[0])
        for line in check_values(name, item[1]):
            checked.add(name, line)
    return checked


def lines_of(headers: Headers) -> list[tuple[str, str]]:
    """Return the list that holds ``headers``' lines, to edit in place.

    PERF: werkzeug's ``Headers`` re-checks every value and finds names by raising and
    catching ``KeyError``; lines that this package has already checked, or built from
    constants, go straight into the list. A test pins that werkzeug keeps it here.
    """
    return headers._list


def find(lines: list[tuple[str, str]], lower_name: str) -> str | None:
    """Return the first value of the header named ``lower_name``, or None."""
    for name, value in lines:
        if name.lower() == lower_name:
            return value
    return None


def setdefault(lines: list[tuple[str, str]], name: str, value: str) -> None:
    """Add the line ``name: value`` unless a header of that name (any case) is there."""
    if find(lines, name.lower()) is None:
        lines.append((name, value))


def replace(lines: list[tuple[str, str]], name: str, values: Iterable[str]) -> None:
    """Remove every line named ``name`` (any case), then add one per value."""
    lower = name.lower()
    for line in lines:
        if line[0].lower() == lower:
            lines[:] = [line for line in lines if line[0].lower() != lower]
            break
    # PERF: on Python 3.11 a comprehension is a function call, which costs more than
    # the loop for the one line or none that callers add.
    for value in values:
        lines.append((name, value))  # noqa: PERF401


def keep_lines(
    lines: list[tuple[str, str]],
    kept: list[tuple[str, str]],
    own: Collection[str],
) -> None:
    """Add to ``lines``, an error's, the ``kept`` lines of the answer it replaces.

    Those that describe the discarded body go with it, and so do those the error
    sets itself (``own``, lower-case names), except ``Vary``: its fields add up.
    """
    varies = False
    for line in kept:
        lower = line[0].lower()
        if lower not in REPRESENTATION_HEADERS and (
            lower == "vary" or lower not in own
        ):
            lines.append(line)
            varies = varies or lower == "vary"
    if varies:
        merge_vary(lines)


def merge_vary(lines: list[tuple[str, str]], *fields: str) -> None:
    """Make one ``Vary`` line of every ``Vary`` line in ``lines`` and ``fields``.

    Each field name is listed once, in the order first seen, whatever its case; a
    ``*`` (varies on everything) stands alone.
    """
    listed: dict[str, str] = {}
    # PERF: the Vary lines found in the one pass that reads them are deleted by index,
    # rather than looked for again, as replace() would, before the merged line goes
    # last.
    found: list[int] = []
    for index, (name, value) in enumerate(lines):
        if name.lower() == "vary":
            found.append(index)
            for field in value.split(","):
                if field := field.strip():
                    listed.setdefault(field.lower(), field)
    for field in fields:
        listed.setdefault(field.lower(), field)
    for index in reversed(found):
        del lines[index]
    lines.append(("Vary", "*" if "*" in listed else ", ".join(listed.values())))
