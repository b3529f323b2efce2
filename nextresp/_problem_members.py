"""The members of an RFC 9457 problem that a user gives: messages, URI references
and extension members, each checked where it is given, with an error that names it."""

from __future__ import annotations

import re

from . import _json

#: The members of a problem that its extension members may not replace.
_STANDARD_MEMBERS = ("status", "detail")
# RFC 3986's URI-reference, loosely: only the characters a URI may hold, escapes
# well formed; a colon before the first "/", "?" or "#" must end a scheme.
_URI_CHARACTERS = re.compile(
    r"(?:[-A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+"
)
_SCHEME = re.compile(r"[A-Za-z][-A-Za-z0-9+.]*:")
_COLON_FIRST = re.compile(r"[^/?#]*:")


def check_message(message: object, what: str = "message") -> None:
    """Refuse a message (or title) that is not a str, or not encodable as UTF-8."""
    if not isinstance(message, str):
        raise TypeError(
            f"ApiError {what} must be a str or None, not {message!r}"
            f" ({type(message).__name__})"
        )
    try:
        message.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"ApiError {what} {message!r} cannot be encoded as UTF-8: {exc.reason}"
        ) from None


def check_uri(what: str, value: object, prefix: str = "ApiError ") -> str:
    """Return ``value`` if it is a URI reference (RFC 3986), else raise naming it."""
    if not isinstance(value, str):
        raise TypeError(
            f"{prefix}{what} must be a URI reference (a str) or None, not {value!r}"
            f" ({type(value).__name__})"
        )
    if not _URI_CHARACTERS.fullmatch(value) or (
        _COLON_FIRST.match(value) and not _SCHEME.match(value)
    ):
        raise ValueError(
            f"{prefix}{what} must be a URI reference, such as"
            f" 'https://example.com/probs/out-of-credit' or '/probs/out-of-credit',"
            f" not {value!r}; percent-encode spaces and other characters"
        )
    return value


def check_members(members: dict[str, object]) -> None:
    """Refuse extension members that shadow the problem's own, or are not JSON."""
    if "message" in members:
        raise TypeError(
            "ApiError takes the message as its second positional argument, as in"
            f" ApiError(422, {members['message']!r}), not as message=...: given by"
            " keyword it would be sent as an extension member"
        )
    for name in _STANDARD_MEMBERS:
        if name in members:
            fix = "the status" if name == "status" else "the message"
            raise TypeError(
                f"ApiError member {name!r} would shadow the problem's own {name!r};"
                f" pass {fix} positionally, or give the member another name"
            )
    for name, value in members.items():
        try:
            _json.dumps(value)
        except (TypeError, ValueError, RecursionError) as exc:
            kind = TypeError if isinstance(exc, TypeError) else ValueError
            raise kind(
                f"ApiError member {name!r} must be JSON-encodable, not {value!r}: {exc}"
            ) from None
