"""What a route file's source says about its answers, read once with ``ast``.

A method function that calls ``res.sse(...)`` answers ``text/event-stream``, one
that calls ``res.ndjson(...)`` ``application/x-ndjson``, one that calls
``res.status(201)`` with a literal success status answers with it, and one that
raises ``ApiError(404, ...)`` (any class called with a literal status from 400 to
599) may answer that problem, as may one that raises a class by name
(``raise TodoGone("...")``), which the document resolves to its ``code``. The OpenAPI
document says so without an annotation; the handler's own declaration
(``responses=``) overrides the guess.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

#: The helpers whose call makes a function's answer a stream, and its media type.
STREAMS = {
    "sse": "text/event-stream",
    "ndjson": "application/x-ndjson",
    "ai_stream": "text/event-stream",
}


@dataclasses.dataclass(frozen=True, slots=True)
class SourceHints:
    """What one function's body shows: the stream it sends, the statuses it raises."""

    #: The media type of the stream the function sends, or None.
    stream: str | None = None
    #: The statuses of the problems it raises with a literal status.
    raises: tuple[int, ...] = ()
    #: The success statuses it sets with ``res.status(201)``, a literal.
    statuses: tuple[int, ...] = ()
    #: The names it raises without a literal status (``TodoGone``, ``errors.Gone``).
    raised_names: tuple[str, ...] = ()


NO_HINTS = SourceHints()


def hints_of(file: Path) -> dict[str, SourceHints]:
    """Return the hints of each top-level function of ``file``, by name.

    A file that cannot be read or parsed gives none: the document then says
    only what the annotations say.
    """
    try:
        tree = ast.parse(file.read_bytes(), str(file))
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, SourceHints] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            hints = _hints_in(node)
            if hints != NO_HINTS:
                found[node.name] = hints
    return found


def _hints_in(function: ast.FunctionDef | ast.AsyncFunctionDef) -> SourceHints:
    stream = None
    raised: set[int] = set()
    statuses: set[int] = set()
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if stream is None and name in STREAMS:
                stream = STREAMS[name]
            elif name == "status":
                status = _literal_status(node, 200, 299)
                if status is not None:
                    statuses.add(status)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            call = node.exc if isinstance(node.exc, ast.Call) else None
            status = None if call is None else _literal_status(call, 400, 599)
            if status is not None:
                raised.add(status)
            else:
                dotted = _dotted(node.exc if call is None else call.func)
                if dotted is not None:
                    names.add(dotted)
    return SourceHints(
        stream, tuple(sorted(raised)), tuple(sorted(statuses)), tuple(sorted(names))
    )


def _dotted(node: ast.expr) -> str | None:
    """Return the dotted name ``node`` spells (``TodoGone``, ``errors.Gone``)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _literal_status(call: ast.Call, low: int, high: int) -> int | None:
    """Return the literal status a call starts with (``ApiError(404, ...)``)."""
    if not call.args:
        return None
    first = call.args[0]
    value = first.value if isinstance(first, ast.Constant) else None
    return value if type(value) is int and low <= value <= high else None
