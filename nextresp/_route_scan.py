"""File-system routes: scan a directory into a table of Next.js API routes.

This module only reads directory listings: it never imports a route's file and knows
nothing of WSGI (``_route_table`` matches paths against what it finds).

The rules are those of Next.js's pages router for ``pages/api``:

- every ``*.py`` file is a route: ``users/[id].py`` serves ``/api/users/<id>`` and
  ``users/index.py`` serves ``/api/users``; folders nest and may be dynamic too;
- a file or folder whose name starts with ``_`` or ``.`` is not a route
  (``__init__.py``, ``_db.py``, ``__pycache__``); a ``_middleware.py`` holds the
  middleware of its folder and of every folder below (see `middleware_files`);
- ``[name]`` matches one segment, ``[...name]`` one or more, ``[[...name]]`` zero or
  more;
- a static route that equals the whole path wins; otherwise dynamic routes are tried in
  the order of Next.js's ``getSortedRoutes``, and the first whose whole pattern matches
  answers;
- what Next.js refuses when it builds an app is refused here when the directory is
  scanned, with a ``ValueError`` that names the files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from ._route_table import Route, RouteTable, Segment, SegmentKind, pattern_of


def scan(directory: str | os.PathLike[str], *, prefix: str | None = None) -> RouteTable:
    """Return the routes of every Python file under ``directory``, in precedence order.

    The URL prefix is ``/`` and the directory's own name, so that ``api/`` and
    ``pages/api/`` both serve ``/api/...``; ``prefix`` overrides it (``"/"`` or ``""``
    mount the routes at the root).

    Raises ``ValueError`` naming the files for a tree Next.js would refuse to build,
    for two files that serve one path (``users.py`` and ``users/index.py``), for a
    bracket that does not enclose a whole segment name, for a symbolic link that leads
    back up the tree, and for a bad ``prefix``.
    Raises ``FileNotFoundError`` or ``NotADirectoryError`` when ``directory`` is not a
    directory: the tree is then not wrong, just not there.
    """
    root = Path(os.path.abspath(directory))
    if not root.exists():
        raise FileNotFoundError(
            f"route directory {str(directory)!r} does not exist; pass the folder that"
            " holds the route files"
        )
    if not root.is_dir():
        raise NotADirectoryError(
            f"route directory {str(directory)!r} is a file, not a directory; pass the"
            " folder that holds it"
        )
    prefix_segments = _default_prefix(root) if prefix is None else _check_prefix(prefix)
    label = Path(root.name)
    tree = _Node()
    for parts, file in _route_files(root, label):
        display = (label / Path(*parts)).as_posix()
        segments = prefix_segments + _segments_of(parts, display)
        check_path(segments, display)
        tree.insert(_route(segments, file), display)
    ordered = list(tree.ordered())
    routes = tuple(r for r in ordered if not r.dynamic) + tuple(
        r for r in ordered if r.dynamic
    )
    return RouteTable(routes, directory=root, prefix=pattern_of(prefix_segments))


#: The file of a folder's middleware.
MIDDLEWARE_FILE = "_middleware.py"


def middleware_files(table: RouteTable, route: Route) -> tuple[Path, ...]:
    """Return the ``_middleware.py`` files that apply to ``route``, outermost first.

    Those of the scanned folder and of each folder down to the route's own.
    """
    folder = table.directory
    found = []
    for part in (*route.file.relative_to(folder).parts[:-1], None):
        candidate = folder / MIDDLEWARE_FILE
        if candidate.is_file():
            found.append(candidate)
        if part is not None:
            folder = folder / part
    return tuple(found)


# -- Reading the directory ---------------------------------------------------------


def _route_files(
    directory: Path,
    label: Path,
    parts: tuple[str, ...] = (),
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[tuple[str, ...], Path]]:
    """Yield ``(parts, file)`` for each route file below ``directory``.

    ``parts`` are the names of the folders between, then the file's own name.

    Symbolic links are followed, as an import would; a link back to a folder being
    scanned is refused rather than followed forever.
    """
    real = os.path.realpath(directory)
    if real in seen:
        raise ValueError(
            f"{(label / Path(*parts)).as_posix()}: a symbolic link leads back to a"
            " folder that contains it; remove the link"
        )
    seen = seen | {real}
    with os.scandir(directory) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith(("_", ".")):
            continue
        if entry.is_dir():
            yield from _route_files(Path(entry.path), label, (*parts, entry.name), seen)
        elif entry.name.endswith(".py") and entry.is_file():
            yield (*parts, entry.name), Path(entry.path)


def _default_prefix(root: Path) -> tuple[Segment, ...]:
    """Return ``/`` + the directory's name as a prefix, or say why it cannot be one."""
    if not root.name:  # the file system's root
        return ()
    if "[" in root.name or "]" in root.name:
        raise ValueError(
            f"the directory's name {root.name!r} cannot be the URL prefix: a prefix is"
            " static, without brackets; pass prefix='/api', say"
        )
    return (Segment(SegmentKind.STATIC, root.name),)


def _check_prefix(prefix: object) -> tuple[Segment, ...]:
    """Return the static segments of ``prefix``, or raise naming what is wrong."""
    if not isinstance(prefix, str):
        raise TypeError(
            f"prefix must be a str such as '/api', not {prefix!r}"
            f" ({type(prefix).__name__})"
        )
    if prefix in ("", "/"):
        return ()
    if not prefix.startswith("/"):
        raise ValueError(
            f"prefix must start with '/', not {prefix!r}; write '/{prefix}'"
        )
    if prefix.endswith("/"):
        raise ValueError(
            f"prefix must not end with '/', not {prefix!r};"
            f" write {prefix.rstrip('/')!r}"
        )
    if "//" in prefix:
        raise ValueError(
            f"prefix must not hold an empty segment ('//'), not {prefix!r}"
        )
    if "[" in prefix or "]" in prefix:
        raise ValueError(
            f"prefix must be static, without brackets, not {prefix!r}; put dynamic"
            " segments in folder names"
        )
    return tuple(Segment(SegmentKind.STATIC, part) for part in prefix[1:].split("/"))


# -- Names to segments ---------------------------------------------------------------


def _segments_of(parts: tuple[str, ...], display: str) -> tuple[Segment, ...]:
    """Return the segments for a file's folder names and file name.

    ``index.py`` serves its folder, so it adds no segment.
    """
    *folders, name = parts
    stem = name.removesuffix(".py")
    names = folders if stem == "index" else [*folders, stem]
    return tuple(parse_segment(text, display) for text in names)


def parse_segment(text: str, display: str) -> Segment:
    """Parse one folder or file name (without ``.py``) into a segment."""
    if not (text.startswith("[") and text.endswith("]")):
        if "[" in text or "]" in text:
            raise ValueError(
                f"{display}: {text!r} is neither a static name nor a parameter;"
                " brackets must enclose the whole name, as in [id], [...slug] or"
                " [[...slug]]"
            )
        return Segment(SegmentKind.STATIC, text)
    name = text[1:-1]
    optional = name.startswith("[") and name.endswith("]")
    if optional:
        name = name[1:-1]
    catch_all = name.startswith("...")
    if catch_all:
        name = name[3:]
    if name.startswith("[") or name.endswith("]"):
        raise ValueError(
            f"{display}: segment names may not start or end with extra brackets"
            f" ({name!r}); write [name], [...name] or [[...name]]"
        )
    if name.startswith("."):
        raise ValueError(
            f"{display}: segment names may not start with erroneous periods ({name!r});"
            " a catch-all takes exactly three, as in [...name]"
        )
    if not name:
        raise ValueError(
            f"{display}: {text!r} has an empty parameter name; name it, as in [id]"
        )
    if optional and not catch_all:
        raise ValueError(
            f"{display}: optional route parameters are not supported ({text!r}); write"
            f" [{name}] for one segment or [[...{name}]] for zero or more"
        )
    if "[" in name or "]" in name:
        raise ValueError(
            f"{display}: parameter names may not hold brackets ({name!r}); rename it"
        )
    if not catch_all:
        return Segment(SegmentKind.PARAM, name)
    if optional:
        return Segment(SegmentKind.OPTIONAL_CATCH_ALL, name)
    return Segment(SegmentKind.CATCH_ALL, name)


def check_path(segments: tuple[Segment, ...], display: str) -> None:
    """Refuse what one path gets wrong on its own, whatever the other files.

    That is a catch-all before another segment, and a parameter name used twice, or
    twice but for non-word characters.
    """
    names: list[str] = []
    for before, after in pairwise(segments):
        if before.kind in _CATCH_ALLS:
            raise ValueError(
                f"{display}: a catch-all must be the last part of the URL, but"
                f" '{before}' is followed by '{after}'; only an index.py may sit in a"
                " catch-all folder"
            )
    for segment in segments:
        if segment.kind is SegmentKind.STATIC:
            continue
        for name in names:
            if name == segment.name:
                raise ValueError(
                    f"{display}: you cannot have the same slug name {name!r} repeat"
                    " within a single dynamic path; rename one of them"
                )
            if _word_characters(name) == _word_characters(segment.name):
                raise ValueError(
                    f"{display}: you cannot have the slug names {name!r} and"
                    f" {segment.name!r} differ only by non-word symbols within a single"
                    " dynamic path; rename one of them"
                )
        names.append(segment.name)


_CATCH_ALLS = frozenset({SegmentKind.CATCH_ALL, SegmentKind.OPTIONAL_CATCH_ALL})
# JavaScript's \W, which Next.js uses here, is ASCII-only.
_NON_WORD = re.compile(r"\W", re.ASCII)


def _word_characters(name: str) -> str:
    return _NON_WORD.sub("", name)


def _route(segments: tuple[Segment, ...], file: Path) -> Route:
    params = tuple(s.name for s in segments if s.kind is not SegmentKind.STATIC)
    return Route(pattern_of(segments), file, segments, params)


# -- Order and conflicts: the rules of Next.js's getSortedRoutes -----------------------


@dataclass
class _Branch:
    """A node's dynamic child: the parameter's name, and the file that first used it."""

    name: str
    display: str
    node: _Node


class _Node:
    """One level of the pattern tree.

    It holds at most one route, static children by name, and at most one child of each
    dynamic kind, whose parameter name every file below must use.
    """

    def __init__(self) -> None:
        self.route: Route | None = None
        self.display = ""
        self.static: dict[str, _Node] = {}
        self.dynamic: dict[SegmentKind, _Branch] = {}

    def insert(self, route: Route, display: str) -> None:
        """Add ``route`` (from the file ``display``), refusing what Next.js refuses."""
        node = self
        for segment in route.segments:
            if segment.kind is SegmentKind.STATIC:
                node = node.static.setdefault(segment.name, _Node())
            else:
                node = node._dynamic_child(segment, display)
        if node.route is not None:
            raise ValueError(
                f"{node.display} and {display} both serve {route.pattern}"
                " (a duplicate page to Next.js); remove one"
            )
        node.route = route
        node.display = display

    def _dynamic_child(self, segment: Segment, display: str) -> _Node:
        kind = segment.kind
        if kind in _CATCH_ALLS:
            other_kind = next(iter(_CATCH_ALLS - {kind}))
            other = self.dynamic.get(other_kind)
            if other is not None:
                raise ValueError(
                    f"{display}: you cannot use both a required and an optional"
                    f" catch-all route at the same level ('{segment}' and"
                    f" '{Segment(other_kind, other.name)}' in {other.display});"
                    " keep one"
                )
        branch = self.dynamic.get(kind)
        if branch is None:
            branch = self.dynamic[kind] = _Branch(segment.name, display, _Node())
        elif branch.name != segment.name:
            raise ValueError(
                f"{display}: you cannot use different slug names for the same dynamic"
                f" path ('{branch.name}' !== '{segment.name}'); {branch.display} names"
                f" that parameter {branch.name!r}, so use one name for both"
            )
        return branch.node

    def ordered(self) -> Iterator[Route]:
        """Yield the routes at and below this node in ``getSortedRoutes`` order.

        That is: this node's own, then each static child's (sorted), then ``[name]``'s,
        then ``[...name]``'s, then ``[[...name]]``'s.
        """
        if self.route is not None:
            optional = self.dynamic.get(SegmentKind.OPTIONAL_CATCH_ALL)
            if optional is not None:
                raise _same_specificity(self.route.pattern, self.display, optional)
            yield self.route
        for name in sorted(self.static, key=_javascript_order):
            yield from self.static[name].ordered()
        for kind in _DYNAMIC_ORDER:
            branch = self.dynamic.get(kind)
            if branch is not None:
                yield from branch.node.ordered()


_DYNAMIC_ORDER = (
    SegmentKind.PARAM,
    SegmentKind.CATCH_ALL,
    SegmentKind.OPTIONAL_CATCH_ALL,
)


def _javascript_order(name: str) -> bytes:
    """Sort as JavaScript's ``Array.prototype.sort`` does, by UTF-16 code units.

    Python compares code points, which differs for characters beyond U+FFFF.
    """
    return name.encode("utf-16-be", "surrogatepass")


def _same_specificity(pattern: str, display: str, optional: _Branch) -> ValueError:
    catch_all = f"{'' if pattern == '/' else pattern}/[[...{optional.name}]]"
    return ValueError(
        f"{display} and {optional.display}: you cannot define a route with the same"
        f" specificity as an optional catch-all route ({pattern!r} and {catch_all!r});"
        f" {catch_all} already serves {pattern}, so remove one"
    )
