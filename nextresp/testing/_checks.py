"""Strict JSON and the wording of the assertions an answer fails with."""

from __future__ import annotations

import json
from typing import Any

_SHOWN = 200  # bytes of a body quoted in a failure message


def is_json_type(mimetype: str) -> bool:
    """Tell whether a media type (no parameters, lower case) holds JSON."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def answer(status: int, content_type: str | None) -> str:
    """Name an answer by its status and type: ``a 404 answer of type 'text/plain'``."""
    if content_type is None:
        return f"a {status} answer with no Content-Type"
    return f"a {status} answer of type {content_type!r}"


def excerpt(data: bytes) -> str:
    """Quote the start of a body for a failure message."""
    if not data:
        return "an empty body"
    if len(data) <= _SHOWN:
        return f"the body {data!r}"
    return f"a body of {len(data)} bytes starting {data[:_SHOWN]!r}"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or infinities)")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"the object has the member {twice!r} twice")
    return members


def loads(data: bytes | str, what: str) -> Any:
    """Parse JSON as strictly as nextresp writes it, or fail saying why.

    UTF-8 only (RFC 8259, section 8.1), no NaN or infinities, no member twice in
    one object: what a lenient parser lets through is a bug in the answer.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_duplicates,
        )
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError among them
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
        raise AssertionError(
            f"expected {what} to be strict JSON, not {excerpt(raw)}: {exc}"
        ) from None
