"""Route parameters from the file of a handler, for hosts that route by file alone.

Vercel's Python runtime serves ``api/users/[id].py`` at ``/api/users/7`` and calls the
module's ``app`` as a plain WSGI application: the request path is all it passes. So
a bare WSGI call with no route parameters looks, once, for the module that exports
the handler as ``app``; if that file's path has bracketed names, the request path
is matched against the file's own pattern, as ``routes()`` would match it.

Strategy: the handler cannot know where the deployment's root is (``/var/task``,
a project folder, a checkout with the tree under ``examples/``), so every tail of
the file's path that starts with a static name is a candidate pattern,
``/var/task/api/users/[id]``, then ``/task/api/users/[id]``, ..., ``/users/[id]``, and
the longest that matches the whole request path gives the parameters. Static names
must match exactly, so a longer tail matches only a path that spells the folders
above the tree; a tail that starts with a parameter (``/[id]``) is never tried, since
it would take any path of its length.
"""

from __future__ import annotations

import re
import sys
from pathlib import PurePath
from typing import TYPE_CHECKING

from ._route_scan import check_path, parse_segment
from ._route_table import (
    Params,
    Segment,
    SegmentKind,
    compile_segments,
    is_canonical,
    params_of,
)

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment


class FileRoute:
    """The patterns a route file's path can serve, longest first."""

    def __init__(self, file: str) -> None:
        #: The file, as found in its module's ``__file__``.
        self.file = file
        self.candidates = _candidates(file)

    def __repr__(self) -> str:
        return f"<FileRoute {self.file!r}: {len(self.candidates)} patterns>"

    def match(self, path: str) -> Params | None:
        """Return the parameters of the longest pattern matching ``path``, or None."""
        if not is_canonical(path):
            return None
        # Every pattern starts with a static name, so none matches "/".
        for regex, segments in self.candidates:
            found = regex.fullmatch(path)
            if found is not None:
                return params_of(segments, found.groups())
        return None

    def params(self, environ: WSGIEnvironment) -> Params:
        """Return the parameters for the request's path; ``{}`` when none matches."""
        # Empty or absent (PEP 3333) is the root, which no pattern matches.
        raw = environ.get("PATH_INFO", "")
        path = raw.encode("latin-1").decode("utf-8", "replace")
        return self.match(path) or {}


def _candidates(
    file: str,
) -> tuple[tuple[re.Pattern[str], tuple[Segment, ...]], ...]:
    """Compile each tail of ``file``'s path that has a parameter, longest first."""
    pure = PurePath(file)
    names = [part for part in pure.parts if part != pure.anchor]
    if not names:
        return ()
    stem = names.pop().removesuffix(".py")
    if stem != "index":
        names.append(stem)
    segments: list[Segment] = []
    for name in names:
        try:
            segments.append(parse_segment(name, file))
        except ValueError:  # a name above the tree that cannot be a route's
            segments.clear()
    found = []
    for start in range(len(segments)):
        tail = tuple(segments[start:])
        if all(segment.kind is SegmentKind.STATIC for segment in tail):
            break
        if tail[0].kind is not SegmentKind.STATIC:
            continue  # a tree's routes sit under a static folder (api/)
        try:
            check_path(tail, file)
        except ValueError:  # a catch-all before another name, a name used twice
            continue
        dynamic = tuple(s for s in tail if s.kind is not SegmentKind.STATIC)
        found.append((compile_segments(tail), dynamic))
    return tuple(found)


def exporting_file(handler: object) -> str | None:
    """Return the file of a module that exports ``handler`` as ``app``, if any.

    Its own module (``handler.__module__``) is tried first; a handler defined in one
    module and exported by a route file (``from shared import handler as app``) is
    found by looking through every module imported.
    """
    own = sys.modules.get(getattr(handler, "__module__", None) or "")
    for module in (own, *list(sys.modules.values())):
        namespace = getattr(module, "__dict__", None)
        if namespace is not None and namespace.get("app") is handler:
            file = namespace.get("__file__")
            if isinstance(file, str):
                return file
    return None


def file_route(handler: object) -> FileRoute | None:
    """Return the route of the file that exports ``handler`` as ``app``, if dynamic."""
    file = exporting_file(handler)
    if file is None:
        return None
    route = FileRoute(file)
    return route if route.candidates else None
