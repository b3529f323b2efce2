"""The combined matcher of a route table answers as trying each route in turn would.

``RouteTable`` compiles its dynamic routes into one regex (a ``# PERF:`` path); the
reference here tries each dynamic route's own regex in the order of the table, which is
what the table promises. Every path of the list, and every prefix of it, must get the
same route and the same parameters from both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nextresp._route_table import (
    Params,
    RouteTable,
    SegmentKind,
    compile_segments,
    is_canonical,
    params_of,
)
from tests.test_route_table import SORTER_PAGES, scan_pages

PATHS = [
    "/",
    "/posts",
    "/posts/1",
    "/posts/1/2",
    "/blog/abc",
    "/blog/abc/post",
    "/blog/abc/7",
    "/blog/7",
    "/blog/7/comments/8",
    "/blog/7/comments/8/9",
    "/foo/1/bar/baz/2",
    "/foo/1/bar/baz",
    "/p/a/b/c",
    "/p",
    "/p1",
    "/p1/a/b",
    "/p2/x",
    "/p2/x/abc",
    "/p2/x/y/z",
    "/p3",
    "/p3/x",
    "/p3/x/abc",
    "/p3/x/y",
    "/apples/1/2/ef",
    "/apples/1/2/eg",
    "/a\nb/c",
    "/ü/ñ",
    "/anything",
    "/any/thing/deep",
]


def reference(table: RouteTable, path: str) -> tuple[str, Params] | None:
    """Match ``path`` as the table promises: static first, then each route in order."""
    for route in table.routes:
        if not route.dynamic and route.pattern == path:
            return route.pattern, {}
    if not is_canonical(path):
        return None
    subject = "" if path == "/" else path
    for route in table.routes:
        if not route.dynamic:
            continue
        found = compile_segments(route.segments).fullmatch(subject)
        if found is not None:
            segments = tuple(
                s for s in route.segments if s.kind is not SegmentKind.STATIC
            )
            return route.pattern, params_of(segments, found.groups())
    return None


@pytest.fixture
def sorter(tmp_path: Path) -> RouteTable:
    return scan_pages(tmp_path, SORTER_PAGES)


@pytest.mark.parametrize("path", PATHS)
def test_the_combined_matcher_answers_as_each_route_in_turn(
    sorter: RouteTable, path: str
) -> None:
    found = sorter.match(path)
    got = None if found is None else (found[0].pattern, found[1])
    assert got == reference(sorter, path)


def test_every_route_of_the_table_is_reached(sorter: RouteTable) -> None:
    reached = {m[0].pattern for p in PATHS if (m := sorter.match(p)) is not None}
    assert reached == set(SORTER_PAGES)


def test_a_table_with_only_static_routes_matches_nothing_else(tmp_path: Path) -> None:
    table = scan_pages(tmp_path, ["/", "/a"])
    assert [table.match(p) is None for p in ["/", "/a", "/b", ""]] == [
        False,
        False,
        True,
        True,
    ]
