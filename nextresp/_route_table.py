"""Route tables: the routes of a tree in the order they are tried, and path matching.

A table is made by ``_route_scan.scan`` from a directory; it knows nothing of modules
or WSGI, so the app that serves it and the command line that prints it see exactly
the same routes, in the same order. Only canonical paths match (one slash between
segments, none at the end); ``redirect_target`` names the canonical spelling of the
others, which the app answers with 308, as Next.js does.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A route's parameters: ``str`` for ``[name]``, ``list[str]`` for the catch-alls.
Params = dict[str, str | list[str]]


class SegmentKind(enum.Enum):
    """What one segment of a route's pattern matches."""

    STATIC = "static"
    #: ``[name]``: exactly one segment.
    PARAM = "param"
    #: ``[...name]``: one or more segments.
    CATCH_ALL = "catch-all"
    #: ``[[...name]]``: zero or more segments.
    OPTIONAL_CATCH_ALL = "optional catch-all"


@dataclass(frozen=True)
class Segment:
    """One segment of a pattern: its literal text, or the name of its parameter."""

    kind: SegmentKind
    name: str

    def __str__(self) -> str:
        """Return the segment in Next.js notation: ``users``, ``[id]``, ``[...all]``."""
        return _NOTATION[self.kind].format(self.name)


_NOTATION = {
    SegmentKind.STATIC: "{}",
    SegmentKind.PARAM: "[{}]",
    SegmentKind.CATCH_ALL: "[...{}]",
    SegmentKind.OPTIONAL_CATCH_ALL: "[[...{}]]",
}


@dataclass(frozen=True)
class Route:
    """One route file and the URL pattern it serves."""

    #: The pattern in Next.js notation, prefix included: ``/api/users/[id]``.
    pattern: str
    #: The route's file, as an absolute path (symbolic links are kept as named).
    file: Path
    #: The pattern's segments, the prefix's included; ``()`` for ``/``.
    segments: tuple[Segment, ...]
    #: The names of the route's parameters, in the order of the path.
    params: tuple[str, ...]

    @property
    def dynamic(self) -> bool:
        """Whether the route has a parameter, so that it matches more than one path."""
        return bool(self.params)


class RouteTable:
    """The routes of one directory, in the order the matcher tries them.

    Strategy: a static route can only match the path that equals its pattern, so all of
    them sit in one dict and answer first; the dynamic ones, each compiled once to a
    regular expression, are then tried in ``getSortedRoutes`` order.
    """

    def __init__(self, routes: tuple[Route, ...], /, *, directory: Path, prefix: str):
        """Serve ``routes``, which must already be in precedence order (see `scan`)."""
        #: Every route: the static ones, then the dynamic ones in the order tried.
        self.routes = routes
        #: The scanned directory, as an absolute path.
        self.directory = directory
        #: The URL prefix every pattern starts with: ``/api``, or ``/`` at the root.
        self.prefix = prefix
        self._static = {route.pattern: route for route in routes if not route.dynamic}
        self._matcher, self._slots = _compile_table(
            [route for route in routes if route.dynamic]
        )

    def __repr__(self) -> str:
        return (
            f"<RouteTable {self.prefix!r} from {str(self.directory)!r}:"
            f" {len(self.routes)} routes>"
        )

    def match(self, path: str) -> tuple[Route, Params] | None:
        """Return the route that serves ``path``, with its parameters, or None.

        ``path`` is the percent-decoded path, as werkzeug's ``request.path`` gives it.
        Decoding happens before routing, so under WSGI an encoded slash (``%2F``) splits
        segments like a real one: ``/api/files/a%2Fb`` gives ``[...path]`` the list
        ``["a", "b"]``, where Next.js would give ``["a/b"]``.

        Only the canonical spelling of a path matches: one slash between segments and
        none at the end, except for ``/`` itself. Next.js redirects the other spellings
        with 308 before it routes; `redirect_target` says where to.

        ``[[...name]]`` gives ``[]`` when it matched no segment (Next.js leaves the
        key out), so a route's parameters always hold every name in `Route.params`.
        """
        route = self._static.get(path)
        if route is not None:
            return route, {}
        # Every compiled pattern is "/segment" per segment, so "/" is the empty string.
        if path == "/":
            subject = ""
        # PERF: is_canonical, inlined.
        elif path[:1] != "/" or path[-1:] == "/" or "//" in path:
            return None
        else:
            subject = path
        found = self._matcher.fullmatch(subject)
        if found is None:
            return None
        route, segments, groups = self._slots[found.lastindex]  # type: ignore[index]
        # PERF: the route's own groups, not groups(), a tuple of every route's.
        values: tuple[Any, ...] = (
            found.group(*groups) if len(groups) > 1 else (found.group(*groups),)
        )
        if type(segments) is tuple:
            return route, params_of(segments, values)
        # As many names as groups, by construction: zip's strict=True would cost more
        # than the rest of this line.
        return route, dict(zip(segments, values))  # type: ignore[arg-type]  # noqa: B905

    def redirect_target(self, path: str) -> str | None:
        """Return the canonical spelling of ``path``, if it differs and is served.

        This is where the app redirects with 308, as Next.js does for a trailing slash
        (``/api/users/`` to ``/api/users``) and for repeated slashes. None means: no
        redirect, answer ``path`` as it is (or 404 when `match` finds nothing). The
        target is a decoded path: percent-encode it for the ``Location`` header.
        """
        if is_canonical(path):  # PERF: the usual 404, without canonical_path's work
            return None
        target = canonical_path(path)
        if self.match(target) is not None:
            return target
        return None


def is_canonical(path: str) -> bool:
    """Return whether ``path`` is spelled as routes match it (see `canonical_path`).

    That is: it starts with a slash, has no empty segment and, unless it is ``/``, no
    trailing slash.
    """
    if path == "/":
        return True
    return path.startswith("/") and not path.endswith("/") and "//" not in path


def canonical_path(path: str) -> str:
    """Return ``path`` with empty segments dropped: ``//a//b/`` gives ``/a/b``.

    The result always starts with exactly one slash, so it is safe as a redirect target:
    ``//example.com/x`` becomes ``/example.com/x``, a path on this site.
    """
    return "/" + "/".join(part for part in path.split("/") if part)


def pattern_of(segments: tuple[Segment, ...]) -> str:
    """Return the pattern of ``segments`` in Next.js notation: ``/api/users/[id]``."""
    return "/" + "/".join(str(segment) for segment in segments)


# -- Matching --------------------------------------------------------------------------


def compile_segments(segments: tuple[Segment, ...]) -> re.Pattern[str]:
    """Compile a dynamic route's segments to a regex over canonical paths.

    Canonical paths have no empty segment, so ``[^/]+`` and ``.+`` need no care for
    ``//``; the optional catch-all takes its slash with it, so that ``/api/post``
    matches ``/api/post/[[...slug]]``. A decoded path may hold a newline (``%0A``):
    DOTALL lets a catch-all take it as ``[^/]+`` does.
    """
    return re.compile("".join(map(_regex, segments)), re.DOTALL)


def _regex(segment: Segment) -> str:
    if segment.kind is SegmentKind.STATIC:
        return "/" + re.escape(segment.name)
    if segment.kind is SegmentKind.PARAM:
        return "/([^/]+)"
    if segment.kind is SegmentKind.CATCH_ALL:
        return "/(.+)"
    return "(?:/(.+))?"


# A route of the combined matcher: the route, its parameters' segments (a list of
# their names when all are [name]), and the numbers of their groups.
_Slot = tuple[Route, tuple[Segment, ...] | list[str], tuple[int, ...]]


def _compile_table(dynamic: list[Route]) -> tuple[re.Pattern[str], dict[int, _Slot]]:
    """Compile every dynamic route into one regex: an alternative each, in order.

    PERF: one ``fullmatch`` of the combined regex replaces a ``fullmatch`` per route
    tried (a deep route of a 33-route tree cost twenty of them). The regex engine
    tries the alternatives in order, so the first route that matches still wins.
    Each alternative ends with an empty group, its marker: it is the last group to
    close, so ``lastindex`` names the route that matched, and the groups before the
    marker, back to the previous one, are that route's parameters.
    """
    alternatives: list[str] = []
    slots: dict[int, _Slot] = {}
    groups = 0
    for route in dynamic:
        regex = compile_segments(route.segments)
        alternatives.append(f"(?:{regex.pattern})()")
        marker = groups + regex.groups + 1
        segments = _param_segments(route)
        numbers = tuple(range(groups + 1, marker))
        # PERF: a route of [name] parameters only keeps their names, for one zip().
        if all(s.kind is SegmentKind.PARAM for s in segments):
            slots[marker] = (route, [s.name for s in segments], numbers)
        else:
            slots[marker] = (route, segments, numbers)
        groups = marker
    # With no dynamic route, a regex that matches nothing, not even "".
    pattern = "|".join(alternatives) or "(?!)"
    return re.compile(pattern, re.DOTALL), slots


def _param_segments(route: Route) -> tuple[Segment, ...]:
    return tuple(s for s in route.segments if s.kind is not SegmentKind.STATIC)


def params_of(segments: tuple[Segment, ...], values: tuple[str | None, ...]) -> Params:
    params: Params = {}
    for segment, value in zip(segments, values, strict=True):
        if segment.kind is SegmentKind.PARAM:
            assert value is not None  # a required group always takes part
            params[segment.name] = value
        else:
            params[segment.name] = [] if value is None else value.split("/")
    return params
