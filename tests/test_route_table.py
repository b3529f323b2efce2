"""The route table: which files are routes, in what order they answer, what is refused.

The tables marked "Next.js:" port the cases (not the code) of Next.js's own tests: the
unit test of ``getSortedRoutes`` (test/unit/page-route-sorter.test.ts) and the
integration tests dynamic-routing, dynamic-optional-routing, api-support and
api-catch-all. Each builds its tree of empty files; nothing is ever imported.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nextresp._route_scan import _default_prefix, scan
from nextresp._route_table import (
    Params,
    Route,
    RouteTable,
    Segment,
    SegmentKind,
    canonical_path,
    is_canonical,
)


def make_tree(parent: Path, files: list[str], name: str = "api") -> Path:
    """Create the folder ``parent/name`` holding an empty file per path in ``files``."""
    root = parent / name
    root.mkdir(parents=True)
    for file in files:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return root


def page_file(page: str) -> str:
    """Return the file that serves a Next.js page path: ``/`` is ``index.py``."""
    return "index.py" if page == "/" else page[1:] + ".py"


def scan_pages(parent: Path, pages: list[str]) -> RouteTable:
    """Scan a ``pages`` folder holding one file per page path, mounted at the root."""
    return scan(make_tree(parent, [page_file(p) for p in pages], "pages"), prefix="/")


def patterns(table: RouteTable) -> list[str]:
    return [route.pattern for route in table.routes]


def is_dynamic(pattern: str) -> bool:
    return "[" in pattern


def matched(table: RouteTable, path: str) -> tuple[str, Params] | None:
    """Return the pattern and parameters that answer ``path``, or None."""
    found = table.match(path)
    return None if found is None else (found[0].pattern, found[1])


# -- Next.js: test/unit/page-route-sorter.test.ts --------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "/posts",
        "/posts/[id]",
        "/posts/[id]/foo",
        "/posts/[id]/[foo]/bar",
        "/posts/[id]/baz/[foo]/bar",
    ],
)
def test_one_file_gives_one_route(tmp_path: Path, page: str) -> None:
    assert patterns(scan_pages(tmp_path, [page])) == [page]


SORTER_PAGES = [
    "/posts",
    "/[root-slug]",
    "/",
    "/posts/[id]",
    "/blog/[id]/comments/[cid]",
    "/blog/abc/[id]",
    "/[...rest]",
    "/blog/abc/post",
    "/blog/abc",
    "/p1/[[...incl]]",
    "/p/[...rest]",
    "/p2/[...rest]",
    "/p2/[id]",
    "/p2/[id]/abc",
    "/p3/[[...rest]]",
    "/p3/[id]",
    "/p3/[id]/abc",
    "/blog/[id]",
    "/foo/[d]/bar/baz/[f]",
    "/apples/[ab]/[cd]/ef",
]
# getSortedRoutes's answer for SORTER_PAGES, as Next.js's test pins it.
SORTED_PAGES = [
    "/",
    "/apples/[ab]/[cd]/ef",
    "/blog/abc",
    "/blog/abc/post",
    "/blog/abc/[id]",
    "/blog/[id]",
    "/blog/[id]/comments/[cid]",
    "/foo/[d]/bar/baz/[f]",
    "/p/[...rest]",
    "/p1/[[...incl]]",
    "/p2/[id]",
    "/p2/[id]/abc",
    "/p2/[...rest]",
    "/p3/[id]",
    "/p3/[id]/abc",
    "/p3/[[...rest]]",
    "/posts",
    "/posts/[id]",
    "/[root-slug]",
    "/[...rest]",
]


def test_routes_follow_get_sorted_routes_static_ones_first(tmp_path: Path) -> None:
    table = scan_pages(tmp_path, SORTER_PAGES)
    assert patterns(table) == [p for p in SORTED_PAGES if not is_dynamic(p)] + [
        p for p in SORTED_PAGES if is_dynamic(p)
    ]


# (id, pages, message): each tree is refused, and the message names the files.
SORTER_REFUSALS = [
    (
        "mismatched-param-names",
        ["/", "/blog", "/blog/[id]", "/blog/[id]/comments/[cid]", "/blog/[cid]"],
        "pages/blog/[id]/comments/[cid].py: you cannot use different slug names for"
        " the same dynamic path ('cid' !== 'id'); pages/blog/[cid].py names that"
        " parameter 'cid', so use one name for both",
    ),
    (
        "reused-param-names",
        ["/", "/blog", "/blog/[id]/comments/[id]", "/blog/[id]"],
        "pages/blog/[id]/comments/[id].py: you cannot have the same slug name 'id'"
        " repeat within a single dynamic path; rename one of them",
    ),
    (
        "reused-param-names-with-catch-all",
        ["/blog/[id]", "/blog/[id]/[...id]"],
        "pages/blog/[id]/[...id].py: you cannot have the same slug name 'id' repeat"
        " within a single dynamic path; rename one of them",
    ),
    (
        "middle-catch-all-with-another-catch-all",
        ["/blog/[...id]/[...id2]"],
        "pages/blog/[...id]/[...id2].py: a catch-all must be the last part of the"
        " URL, but '[...id]' is followed by '[...id2]'; only an index.py may sit in"
        " a catch-all folder",
    ),
    (
        "middle-catch-all-with-fixed-route",
        ["/blog/[...id]/abc"],
        "pages/blog/[...id]/abc.py: a catch-all must be the last part of the URL,"
        " but '[...id]' is followed by 'abc'; only an index.py may sit in a"
        " catch-all folder",
    ),
    (
        "extra-dots-in-catch-all",
        ["/blog/[....id]/abc"],
        "pages/blog/[....id]/abc.py: segment names may not start with erroneous"
        " periods ('.id'); a catch-all takes exactly three, as in [...name]",
    ),
    (
        "missing-dots-in-catch-all",
        ["/blog/[..id]/abc"],
        "pages/blog/[..id]/abc.py: segment names may not start with erroneous"
        " periods ('..id'); a catch-all takes exactly three, as in [...name]",
    ),
    (
        "extra-opening-bracket",
        ["/blog/[[...id]"],
        "pages/blog/[[...id].py: segment names may not start or end with extra"
        " brackets ('[...id'); write [name], [...name] or [[...name]]",
    ),
    (
        "three-opening-brackets",
        ["/blog/[[[...id]]"],
        "pages/blog/[[[...id]].py: segment names may not start or end with extra"
        " brackets ('[...id'); write [name], [...name] or [[...name]]",
    ),
    (
        "extra-closing-bracket",
        ["/blog/[...id]]"],
        "pages/blog/[...id]].py: segment names may not start or end with extra"
        " brackets ('id]'); write [name], [...name] or [[...name]]",
    ),
    (
        "three-closing-brackets",
        ["/blog/[[...id]]]"],
        "pages/blog/[[...id]]].py: segment names may not start or end with extra"
        " brackets ('id]'); write [name], [...name] or [[...name]]",
    ),
    (
        "three-brackets-each-side",
        ["/blog/[[[...id]]]"],
        "pages/blog/[[[...id]]].py: segment names may not start or end with extra"
        " brackets ('[...id]'); write [name], [...name] or [[...name]]",
    ),
    (
        "optional-param-at-root",
        ["/[[blog]]"],
        "pages/[[blog]].py: optional route parameters are not supported"
        " ('[[blog]]'); write [blog] for one segment or [[...blog]] for zero or more",
    ),
    (
        "optional-param-last",
        ["/abc/[[blog]]"],
        "pages/abc/[[blog]].py: optional route parameters are not supported"
        " ('[[blog]]'); write [blog] for one segment or [[...blog]] for zero or more",
    ),
    (
        "optional-param-in-the-middle",
        ["/abc/[[blog]]/def"],
        "pages/abc/[[blog]]/def.py: optional route parameters are not supported"
        " ('[[blog]]'); write [blog] for one segment or [[...blog]] for zero or more",
    ),
    (
        "required-and-optional-catch-all",
        ["/[...one]", "/[[...one]]"],
        "pages/[[...one]].py: you cannot use both a required and an optional"
        " catch-all route at the same level ('[[...one]]' and '[...one]' in"
        " pages/[...one].py); keep one",
    ),
    (
        "apex-and-optional-catch-all",
        ["/", "/[[...all]]"],
        "pages/index.py and pages/[[...all]].py: you cannot define a route with the"
        " same specificity as an optional catch-all route ('/' and '/[[...all]]');"
        " /[[...all]] already serves /, so remove one",
    ),
    (
        "page-and-optional-catch-all",
        ["/sub", "/sub/[[...all]]"],
        "pages/sub.py and pages/sub/[[...all]].py: you cannot define a route with the"
        " same specificity as an optional catch-all route ('/sub' and"
        " '/sub/[[...all]]'); /sub/[[...all]] already serves /sub, so remove one",
    ),
    (
        "names-differing-only-by-non-word-characters",
        ["/blog/[helloworld]", "/blog/[helloworld]/[hello-world]"],
        "pages/blog/[helloworld]/[hello-world].py: you cannot have the slug names"
        " 'helloworld' and 'hello-world' differ only by non-word symbols within a"
        " single dynamic path; rename one of them",
    ),
]


@pytest.mark.parametrize(
    ("pages", "message"),
    [case[1:] for case in SORTER_REFUSALS],
    ids=[case[0] for case in SORTER_REFUSALS],
)
def test_what_get_sorted_routes_refuses_is_refused(
    tmp_path: Path, pages: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=r"\.py") as caught:
        scan_pages(tmp_path, pages)
    assert str(caught.value) == message


# -- Next.js: test/integration/dynamic-routing -----------------------------------------

DYNAMIC_ROUTING_FILES = [
    "_app.py",
    "index.py",
    "another.py",
    "[name]/index.py",
    "[name]/comments.py",
    "[name]/on-mount-redir.py",
    "[name]/[comment].py",
    "[name]/[comment]/[...rest].py",
    "b/[123].py",
    "blog/[name]/comment/[id].py",
    "c/[alongparamnameshouldbeallowedeventhoughweird].py",
    "catchall-dash/[...hello-world].py",
    "d/[id].py",
    "dash/[hello-world].py",
    "index/[...slug].py",
    "on-mount/[post].py",
    "p1/p2/all-ssg/[...rest].py",
    "p1/p2/all-ssr/[...rest].py",
    "p1/p2/nested-all-ssg/[...rest]/index.py",
    "p1/p2/predefined-ssg/[...rest].py",
]


@pytest.fixture
def dynamic_routing(tmp_path: Path) -> RouteTable:
    return scan(make_tree(tmp_path, DYNAMIC_ROUTING_FILES, "pages"), prefix="/")


def test_dynamic_routing_order_is_the_routes_manifests(
    dynamic_routing: RouteTable,
) -> None:
    # Next.js pins this order in the test's routes-manifest snapshot.
    assert patterns(dynamic_routing) == [
        "/",
        "/another",
        "/b/[123]",
        "/blog/[name]/comment/[id]",
        "/c/[alongparamnameshouldbeallowedeventhoughweird]",
        "/catchall-dash/[...hello-world]",
        "/d/[id]",
        "/dash/[hello-world]",
        "/index/[...slug]",
        "/on-mount/[post]",
        "/p1/p2/all-ssg/[...rest]",
        "/p1/p2/all-ssr/[...rest]",
        "/p1/p2/nested-all-ssg/[...rest]",
        "/p1/p2/predefined-ssg/[...rest]",
        "/[name]",
        "/[name]/comments",
        "/[name]/on-mount-redir",
        "/[name]/[comment]",
        "/[name]/[comment]/[...rest]",
    ]


LONG = "a9btBxtHQALZ6cxfuj18X6OLGNSkJVzrOXz41HG4QwciZfn7ggRZzPx21dWqGiTBAqFRiWv" * 3

DYNAMIC_ROUTING_MATCHES = [
    ("normal-route", "/", ("/", {})),
    ("another-normal-route", "/another", ("/another", {})),
    ("dynamic-page", "/post-1", ("/[name]", {"name": "post-1"})),
    (
        "non-dynamic-page-first",
        "/post-1/comments",
        ("/[name]/comments", {"name": "post-1"}),
    ),
    (
        "nested-dynamic-page",
        "/post-1/comment-1",
        ("/[name]/[comment]", {"name": "post-1", "comment": "comment-1"}),
    ),
    (
        "params-for-initial-props",
        "/post-1/cmnt-1",
        ("/[name]/[comment]", {"name": "post-1", "comment": "cmnt-1"}),
    ),
    (
        # Next.js answers 404 here because that page returns notFound.
        "no-optional-dynamic-page",
        "/blog/543/comment",
        (
            "/[name]/[comment]/[...rest]",
            {"name": "blog", "comment": "543", "rest": ["comment"]},
        ),
    ),
    (
        "static-branch-first",
        "/blog/321/comment/123",
        ("/blog/[name]/comment/[id]", {"name": "321", "id": "123"}),
    ),
    ("dynamic-page-named-api", "/api", ("/[name]", {"name": "api"})),
    (
        "long-url-and-dashed-name",
        f"/dash/{LONG}",
        ("/dash/[hello-world]", {"hello-world": LONG}),
    ),
    (
        "page-beside-params",
        "/post-1/on-mount-redir",
        ("/[name]/on-mount-redir", {"name": "post-1"}),
    ),
    (
        "dynamic-values-on-mount",
        "/on-mount/post-1",
        ("/on-mount/[post]", {"post": "post-1"}),
    ),
    (
        # Next.js answers 404 here: the catch-all needs a segment, so the static
        # branch p1/p2 falls back to the nested catch-all page, which says notFound.
        "catch-all-does-not-match-its-root",
        "/p1/p2/all-ssr",
        (
            "/[name]/[comment]/[...rest]",
            {"name": "p1", "comment": "p2", "rest": ["all-ssr"]},
        ),
    ),
    (
        "catch-all-one-segment",
        "/p1/p2/all-ssr/test1",
        ("/p1/p2/all-ssr/[...rest]", {"rest": ["test1"]}),
    ),
    (
        "catch-all-two-segments",
        "/p1/p2/all-ssr/test1/test2",
        ("/p1/p2/all-ssr/[...rest]", {"rest": ["test1", "test2"]}),
    ),
    (
        "catch-all-colon-and-digits",
        "/p1/p2/all-ssr/:42",
        ("/p1/p2/all-ssr/[...rest]", {"rest": [":42"]}),
    ),
    (
        "ssg-catch-all",
        "/p1/p2/all-ssg/hello1/hello2",
        ("/p1/p2/all-ssg/[...rest]", {"rest": ["hello1", "hello2"]}),
    ),
    (
        "catch-all-folder-index",
        "/p1/p2/nested-all-ssg/test1/test2",
        ("/p1/p2/nested-all-ssg/[...rest]", {"rest": ["test1", "test2"]}),
    ),
    (
        "predefined-catch-all",
        "/p1/p2/predefined-ssg/1st-level/2nd-level",
        ("/p1/p2/predefined-ssg/[...rest]", {"rest": ["1st-level", "2nd-level"]}),
    ),
    ("digits-as-param-name", "/b/123", ("/b/[123]", {"123": "123"})),
    (
        "long-param-name",
        "/c/x",
        (
            "/c/[alongparamnameshouldbeallowedeventhoughweird]",
            {"alongparamnameshouldbeallowedeventhoughweird": "x"},
        ),
    ),
    (
        "dashed-catch-all-name",
        "/catchall-dash/a/b",
        ("/catchall-dash/[...hello-world]", {"hello-world": ["a", "b"]}),
    ),
    (
        "folder-named-index",
        "/index/a/b",
        ("/index/[...slug]", {"slug": ["a", "b"]}),
    ),
    # Next.js serves public/hello.txt first; there is no public folder here.
    ("no-public-file", "/hello.txt", ("/[name]", {"name": "hello.txt"})),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [case[1:] for case in DYNAMIC_ROUTING_MATCHES],
    ids=[case[0] for case in DYNAMIC_ROUTING_MATCHES],
)
def test_dynamic_routing_matches(
    dynamic_routing: RouteTable, path: str, expected: tuple[str, Params]
) -> None:
    assert matched(dynamic_routing, path) == expected


def test_dynamic_routing_catch_all_strips_a_trailing_slash(
    dynamic_routing: RouteTable,
) -> None:
    path = "/p1/p2/all-ssr/test1/test2/"
    assert dynamic_routing.match(path) is None
    assert dynamic_routing.redirect_target(path) == "/p1/p2/all-ssr/test1/test2"


@pytest.mark.parametrize(
    ("decoded_path", "expected"),
    [
        # Next.js keeps "/test2" in one segment; the server decoded %2F already.
        ("/p1/p2/all-ssr/test1//test2", None),
        (
            "/p1/p2/all-ssr/test1/te/st2",
            ("/p1/p2/all-ssr/[...rest]", {"rest": ["test1", "te", "st2"]}),
        ),
    ],
    ids=["encoded-slash-at-start", "encoded-slash-in-the-middle"],
)
def test_an_encoded_slash_splits_segments_under_wsgi(
    dynamic_routing: RouteTable, decoded_path: str, expected: object
) -> None:
    assert matched(dynamic_routing, decoded_path) == expected


# -- Next.js: test/integration/dynamic-optional-routing --------------------------------

OPTIONAL_ROUTING_FILES = [
    "[[...optionalName]].py",
    "about.py",
    "api/post/[[...slug]].py",
    "get-static-paths/[[...slug]].py",
    "get-static-paths-fallback/[[...slug]].py",
    "get-static-paths-false/[[...slug]].py",
    "get-static-paths-null/[[...slug]].py",
    "get-static-paths-undefined/[[...slug]].py",
    "nested/[[...optionalName]].py",
]

OPTIONAL_ROUTING_MATCHES = [
    (
        "top-level-two-segments",
        "/hello/world",
        ("/[[...optionalName]]", {"optionalName": ["hello", "world"]}),
    ),
    (
        "top-level-one-segment",
        "/hello",
        ("/[[...optionalName]]", {"optionalName": ["hello"]}),
    ),
    ("top-level-no-segment", "/", ("/[[...optionalName]]", {"optionalName": []})),
    (
        "nested-two-segments",
        "/nested/hello/world",
        ("/nested/[[...optionalName]]", {"optionalName": ["hello", "world"]}),
    ),
    (
        "nested-one-segment",
        "/nested/hello",
        ("/nested/[[...optionalName]]", {"optionalName": ["hello"]}),
    ),
    (
        "nested-no-segment",
        "/nested",
        ("/nested/[[...optionalName]]", {"optionalName": []}),
    ),
    (
        "api-two-segments",
        "/api/post/ab/cd",
        ("/api/post/[[...slug]]", {"slug": ["ab", "cd"]}),
    ),
    ("api-one-segment", "/api/post/a", ("/api/post/[[...slug]]", {"slug": ["a"]})),
    ("api-no-segment", "/api/post", ("/api/post/[[...slug]]", {"slug": []})),
    (
        "static-paths-no-segment",
        "/get-static-paths",
        ("/get-static-paths/[[...slug]]", {"slug": []}),
    ),
    (
        "static-paths-one-segment",
        "/get-static-paths/p1",
        ("/get-static-paths/[[...slug]]", {"slug": ["p1"]}),
    ),
    (
        "static-paths-two-segments",
        "/get-static-paths/p2/p3",
        ("/get-static-paths/[[...slug]]", {"slug": ["p2", "p3"]}),
    ),
    (
        "root-on-undefined-param",
        "/get-static-paths-undefined",
        ("/get-static-paths-undefined/[[...slug]]", {"slug": []}),
    ),
    ("static-page-first", "/about", ("/about", {})),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [case[1:] for case in OPTIONAL_ROUTING_MATCHES],
    ids=[case[0] for case in OPTIONAL_ROUTING_MATCHES],
)
def test_optional_catch_all_matches(
    tmp_path: Path, path: str, expected: tuple[str, Params]
) -> None:
    table = scan(make_tree(tmp_path, OPTIONAL_ROUTING_FILES, "pages"), prefix="/")
    assert matched(table, path) == expected


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/nested/", "/nested"),
        ("/api/post/", "/api/post"),
        ("/get-static-paths/", "/get-static-paths"),
        ("/get-static-paths/p1/", "/get-static-paths/p1"),
        ("/get-static-paths/p2/p3/", "/get-static-paths/p2/p3"),
    ],
)
def test_optional_catch_all_redirects_a_trailing_slash(
    tmp_path: Path, path: str, target: str
) -> None:
    table = scan(make_tree(tmp_path, OPTIONAL_ROUTING_FILES, "pages"), prefix="/")
    assert table.match(path) is None
    assert table.redirect_target(path) == target


OPTIONAL_ROUTING_REFUSALS = [
    (
        "index-at-root",
        "index.py",
        "pages/index.py and pages/[[...optionalName]].py: you cannot define a route"
        " with the same specificity as an optional catch-all route ('/' and"
        " '/[[...optionalName]]'); /[[...optionalName]] already serves /, so remove"
        " one",
    ),
    (
        "same-page-at-root",
        "nested.py",
        "pages/nested.py and pages/nested/[[...optionalName]].py: you cannot define a"
        " route with the same specificity as an optional catch-all route ('/nested'"
        " and '/nested/[[...optionalName]]'); /nested/[[...optionalName]] already"
        " serves /nested, so remove one",
    ),
    (
        "mixed-with-regular-catch-all",
        "nested/[...param].py",
        "pages/nested/[[...optionalName]].py: you cannot use both a required and an"
        " optional catch-all route at the same level ('[[...optionalName]]' and"
        " '[...param]' in pages/nested/[...param].py); keep one",
    ),
    (
        "optional-but-no-catch-all",
        "invalid/[[param]].py",
        "pages/invalid/[[param]].py: optional route parameters are not supported"
        " ('[[param]]'); write [param] for one segment or [[...param]] for zero or"
        " more",
    ),
]


@pytest.mark.parametrize(
    ("extra", "message"),
    [case[1:] for case in OPTIONAL_ROUTING_REFUSALS],
    ids=[case[0] for case in OPTIONAL_ROUTING_REFUSALS],
)
def test_optional_catch_all_refusals(tmp_path: Path, extra: str, message: str) -> None:
    root = make_tree(tmp_path, [*OPTIONAL_ROUTING_FILES, extra], "pages")
    with pytest.raises(ValueError, match=r"\.py") as caught:
        scan(root, prefix="/")
    assert str(caught.value) == message


# -- Next.js: test/integration/api-support and api-catch-all ---------------------------

API_SUPPORT_FILES = [
    "index.py",
    "[post]/index.py",
    "[post]/comments.py",
    "[post]/[comment].py",
    "auth/[...nextauth].py",
    "blog/index.py",
    "blog/[post]/comment/[id].py",
    "catch-all/users/[...slug].py",
    "cookies.py",
    "query.py",
    "users.py",
]

API_SUPPORT_MATCHES = [
    ("index-api", "/api", ("/api", {})),
    ("json-suffix-kept", "/api/hello.json", ("/api/[post]", {"post": "hello.json"})),
    (
        "catch-all-beside-static",
        "/api/auth/signin",
        ("/api/auth/[...nextauth]", {"nextauth": ["signin"]}),
    ),
    ("undefined-path", "/api/not/unexisting/page/really", None),
    ("not-under-the-prefix", "/api-conflict", None),
    ("static-before-dynamic", "/api/query", ("/api/query", {})),
    ("static-folder-index", "/api/blog", ("/api/blog", {})),
    ("file-beside-folders", "/api/users", ("/api/users", {})),
    ("dynamic-route", "/api/post-1", ("/api/[post]", {"post": "post-1"})),
    ("build-api-routes", "/api/nextjs", ("/api/[post]", {"post": "nextjs"})),
    (
        "non-dynamic-page-first",
        "/api/post-1/comments",
        ("/api/[post]/comments", {"post": "post-1"}),
    ),
    (
        "dynamic-nested-route",
        "/api/post-1/comment-1",
        ("/api/[post]/[comment]", {"post": "post-1", "comment": "comment-1"}),
    ),
    ("no-optional-dynamic-page", "/api/blog/543/comment", None),
    (
        "dynamic-optional-nested-route",
        "/api/blog/post-1/comment/1",
        ("/api/blog/[post]/comment/[id]", {"post": "post-1", "id": "1"}),
    ),
    (
        "catch-all-under-static-folders",
        "/api/catch-all/users/a/b",
        ("/api/catch-all/users/[...slug]", {"slug": ["a", "b"]}),
    ),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [case[1:] for case in API_SUPPORT_MATCHES],
    ids=[case[0] for case in API_SUPPORT_MATCHES],
)
def test_api_support_matches(
    tmp_path: Path, path: str, expected: tuple[str, Params] | None
) -> None:
    table = scan(make_tree(tmp_path / "pages", API_SUPPORT_FILES))
    assert matched(table, path) == expected


@pytest.fixture
def api_catch_all(tmp_path: Path) -> RouteTable:
    return scan(make_tree(tmp_path / "pages", ["users/index.py", "users/[...slug].py"]))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/users/1", ("/api/users/[...slug]", {"slug": ["1"]})),
        ("/api/users", ("/api/users", {})),
        ("/api/users/", None),
    ],
    ids=["catch-all", "index-without-trailing-slash", "index-with-trailing-slash"],
)
def test_api_catch_all_matches(
    api_catch_all: RouteTable, path: str, expected: tuple[str, Params] | None
) -> None:
    assert matched(api_catch_all, path) == expected


def test_api_catch_all_redirects_the_trailing_slash(api_catch_all: RouteTable) -> None:
    assert api_catch_all.redirect_target("/api/users/") == "/api/users"


# -- Which files are routes ------------------------------------------------------------


def test_only_python_files_not_starting_with_underscore_or_dot_are_routes(
    tmp_path: Path,
) -> None:
    root = make_tree(
        tmp_path,
        [
            "__init__.py",
            "_db.py",
            ".hidden.py",
            "__pycache__/users.cpython-311.pyc",
            "__pycache__/stale.py",
            "_private/secret.py",
            ".git/hooks.py",
            "users/__init__.py",
            "users/_helpers.py",
            "users/[id].py",
            "README.md",
            "data.json",
            "notes.py.bak",
            "compiled.pyc",
            "stub.pyi",
            "hello.py",
        ],
    )
    assert patterns(scan(root)) == ["/api/hello", "/api/users/[id]"]


def test_a_table_shows_its_prefix_directory_and_size(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["a.py", "[b].py"])
    assert repr(scan(root)) == f"<RouteTable '/api' from {str(root)!r}: 2 routes>"


def test_an_empty_directory_has_no_routes(tmp_path: Path) -> None:
    table = scan(make_tree(tmp_path, []))
    assert (table.routes, table.match("/api")) == ((), None)


def test_index_serves_its_folder_at_every_level(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path,
        ["index.py", "users/index.py", "users/[id]/index.py", "[...all]/index.py"],
    )
    assert patterns(scan(root)) == [
        "/api",
        "/api/users",
        "/api/users/[id]",
        "/api/[...all]",
    ]


def test_a_route_records_its_file_segments_and_params(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "pages", ["users/[id]/posts/[...rest].py"])
    (route,) = scan(root).routes
    assert route == Route(
        pattern="/api/users/[id]/posts/[...rest]",
        file=root / "users" / "[id]" / "posts" / "[...rest].py",
        segments=(
            Segment(SegmentKind.STATIC, "api"),
            Segment(SegmentKind.STATIC, "users"),
            Segment(SegmentKind.PARAM, "id"),
            Segment(SegmentKind.STATIC, "posts"),
            Segment(SegmentKind.CATCH_ALL, "rest"),
        ),
        params=("id", "rest"),
    )
    assert route.file.is_absolute()
    assert route.dynamic


def test_a_relative_directory_gives_absolute_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, ["hello.py"])
    monkeypatch.chdir(tmp_path)
    table = scan("api")
    here = Path.cwd()  # tmp_path itself may sit behind a symbolic link
    assert (table.directory, table.routes[0].file) == (
        here / "api",
        here / "api" / "hello.py",
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            ["users.py", "users/index.py"],
            "api/users/index.py and api/users.py both serve /api/users (a duplicate"
            " page to Next.js); remove one",
        ),
        (
            ["users/[id].py", "users/[id]/index.py"],
            "api/users/[id]/index.py and api/users/[id].py both serve"
            " /api/users/[id] (a duplicate page to Next.js); remove one",
        ),
    ],
    ids=["file-and-folder-index", "dynamic-file-and-folder-index"],
)
def test_two_files_for_one_path_are_refused(
    tmp_path: Path, files: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match="both serve") as caught:
        scan(make_tree(tmp_path, files))
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            ["users/[id].py", "users/[slug]/posts.py"],
            "api/users/[slug]/posts.py: you cannot use different slug names for the"
            " same dynamic path ('id' !== 'slug'); api/users/[id].py names that"
            " parameter 'id', so use one name for both",
        ),
        (
            ["[].py"],
            "api/[].py: '[]' has an empty parameter name; name it, as in [id]",
        ),
        (
            ["[...].py"],
            "api/[...].py: '[...]' has an empty parameter name; name it, as in [id]",
        ),
        (
            ["[[...]].py"],
            "api/[[...]].py: '[[...]]' has an empty parameter name; name it, as in"
            " [id]",
        ),
        (
            ["[[]].py"],
            "api/[[]].py: '[[]]' has an empty parameter name; name it, as in [id]",
        ),
        (
            ["[.id].py"],
            "api/[.id].py: segment names may not start with erroneous periods"
            " ('.id'); a catch-all takes exactly three, as in [...name]",
        ),
        (
            ["users/re[view].py"],
            "api/users/re[view].py: 're[view]' is neither a static name nor a"
            " parameter; brackets must enclose the whole name, as in [id], [...slug]"
            " or [[...slug]]",
        ),
        (
            ["[id.py"],
            "api/[id.py: '[id' is neither a static name nor a parameter; brackets must"
            " enclose the whole name, as in [id], [...slug] or [[...slug]]",
        ),
        (
            ["id]/index.py"],
            "api/id]/index.py: 'id]' is neither a static name nor a parameter;"
            " brackets must enclose the whole name, as in [id], [...slug] or"
            " [[...slug]]",
        ),
        (
            ["[a]b].py"],
            "api/[a]b].py: parameter names may not hold brackets ('a]b'); rename it",
        ),
        (
            ["[a[b].py"],
            "api/[a[b].py: parameter names may not hold brackets ('a[b'); rename it",
        ),
        (
            ["[...path]/[id].py"],
            "api/[...path]/[id].py: a catch-all must be the last part of the URL, but"
            " '[...path]' is followed by '[id]'; only an index.py may sit in a"
            " catch-all folder",
        ),
        (
            ["[[...path]]/edit.py"],
            "api/[[...path]]/edit.py: a catch-all must be the last part of the URL,"
            " but '[[...path]]' is followed by 'edit'; only an index.py may sit in a"
            " catch-all folder",
        ),
        (
            ["[user-id]/[user.id].py"],
            "api/[user-id]/[user.id].py: you cannot have the slug names 'user-id' and"
            " 'user.id' differ only by non-word symbols within a single dynamic path;"
            " rename one of them",
        ),
        (
            # JavaScript's \W, which Next.js uses, takes "é" for a symbol too.
            ["[nom]/[nomé].py"],
            "api/[nom]/[nomé].py: you cannot have the slug names 'nom' and 'nomé'"
            " differ only by non-word symbols within a single dynamic path; rename one"
            " of them",
        ),
    ],
    ids=[
        "different-names-file-and-folder",
        "empty-param",
        "empty-catch-all",
        "empty-optional-catch-all",
        "empty-optional-param",
        "name-starting-with-a-period",
        "bracket-inside-a-name",
        "unclosed-bracket",
        "unopened-bracket-folder",
        "bracket-inside-a-param-name",
        "opening-bracket-inside-a-param-name",
        "param-after-catch-all",
        "static-after-optional-catch-all",
        "dash-and-dot-differ",
        "non-ascii-letters-differ",
    ],
)
def test_bad_names_are_refused_naming_the_file(
    tmp_path: Path, files: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=r"\.py") as caught:
        scan(make_tree(tmp_path, files))
    assert str(caught.value) == message


def test_an_underscore_is_a_word_character(tmp_path: Path) -> None:
    # As in JavaScript's \W: "user_id" and "userid" differ by more than symbols.
    table = scan(make_tree(tmp_path, ["[user_id]/[userid].py"]))
    assert matched(table, "/api/1/2") == (
        "/api/[user_id]/[userid]",
        {"user_id": "1", "userid": "2"},
    )


def test_a_param_beside_a_catch_all_of_another_name_is_allowed(tmp_path: Path) -> None:
    table = scan(make_tree(tmp_path, ["[id].py", "[...path].py"]))
    assert (matched(table, "/api/1"), matched(table, "/api/1/2")) == (
        ("/api/[id]", {"id": "1"}),
        ("/api/[...path]", {"path": ["1", "2"]}),
    )


# -- Precedence beyond Next.js's own cases ---------------------------------------------


@pytest.fixture
def blog(tmp_path: Path) -> RouteTable:
    return scan(
        make_tree(
            tmp_path,
            [
                "blog/[slug].py",
                "blog/[slug]/[id].py",
                "blog/featured/index.py",
                "blog/featured/[id]/edit.py",
                "blog/[...path].py",
            ],
        )
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/blog/featured", ("/api/blog/featured", {})),
        (
            "/api/blog/featured/7/edit",
            ("/api/blog/featured/[id]/edit", {"id": "7"}),
        ),
        # Into the static folder "featured", which has no [id] of its own: back out.
        (
            "/api/blog/featured/7",
            ("/api/blog/[slug]/[id]", {"slug": "featured", "id": "7"}),
        ),
        (
            "/api/blog/featured/7/draft",
            ("/api/blog/[...path]", {"path": ["featured", "7", "draft"]}),
        ),
        ("/api/blog/hello", ("/api/blog/[slug]", {"slug": "hello"})),
        ("/api/blog", None),
    ],
    ids=[
        "static",
        "static-branch",
        "falls-back-to-param",
        "falls-back-to-catch-all",
        "param",
        "no-route",
    ],
)
def test_a_deeper_static_branch_falls_back_to_dynamic_routes(
    blog: RouteTable, path: str, expected: tuple[str, Params] | None
) -> None:
    assert matched(blog, path) == expected


def test_static_children_sort_by_utf16_code_units_as_in_javascript(
    tmp_path: Path,
) -> None:
    # U+1F600 is stored as the surrogates D83D DE00, which sort before U+FF01.
    root = make_tree(tmp_path, ["\uff01/[id].py", "\U0001f600/[id].py", "a/[id].py"])
    assert patterns(scan(root)) == [
        "/api/a/[id]",
        "/api/\U0001f600/[id]",
        "/api/\uff01/[id]",
    ]


# -- Matching -------------------------------------------------------------------------


@pytest.fixture
def users(tmp_path: Path) -> RouteTable:
    return scan(
        make_tree(
            tmp_path,
            [
                "index.py",
                "users/index.py",
                "users/[id].py",
                "users/[id]/posts.py",
                "files/[...path].py",
                "docs/[[...page]].py",
                "café/[name].py",
                "ユーザー.py",
                "a.b/[id].py",
            ],
        )
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api", ("/api", {})),
        ("/api/users/42", ("/api/users/[id]", {"id": "42"})),
        ("/api/users/42/posts", ("/api/users/[id]/posts", {"id": "42"})),
        ("/api/users/42/comments", None),
        ("/api/files/a", ("/api/files/[...path]", {"path": ["a"]})),
        ("/api/files/a/b/c", ("/api/files/[...path]", {"path": ["a", "b", "c"]})),
        ("/api/files", None),
        ("/api/docs", ("/api/docs/[[...page]]", {"page": []})),
        ("/api/docs/x/y", ("/api/docs/[[...page]]", {"page": ["x", "y"]})),
        ("/api/café/žluť", ("/api/café/[name]", {"name": "žluť"})),
        ("/api/ユーザー", ("/api/ユーザー", {})),
        ("/api/users/a b?c#d", ("/api/users/[id]", {"id": "a b?c#d"})),
        ("/api/users/a\nb", ("/api/users/[id]", {"id": "a\nb"})),
        ("/api/files/a\nb/c", ("/api/files/[...path]", {"path": ["a\nb", "c"]})),
        ("/api/docs/\n", ("/api/docs/[[...page]]", {"page": ["\n"]})),
        ("/api/a.b/1", ("/api/a.b/[id]", {"id": "1"})),
        ("/api/axb/1", None),
        ("/", None),
        ("/other", None),
        ("/apiary", None),
        ("", None),
        ("api/users", None),
    ],
    ids=[
        "index",
        "param",
        "nested-param",
        "unknown-child",
        "catch-all-one",
        "catch-all-many",
        "catch-all-needs-one",
        "optional-catch-all-none",
        "optional-catch-all-many",
        "non-ascii-static-and-value",
        "non-ascii-file",
        "spaces-and-url-characters-in-a-value",
        "newline-in-a-param",
        "newline-in-a-catch-all",
        "newline-in-an-optional-catch-all",
        "dot-in-a-static-name",
        "dot-matches-only-a-dot",
        "root-outside-prefix",
        "other-prefix",
        "prefix-is-a-whole-segment",
        "empty",
        "no-leading-slash",
    ],
)
def test_match(
    users: RouteTable, path: str, expected: tuple[str, Params] | None
) -> None:
    assert matched(users, path) == expected


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/api/", "/api"),
        ("/api/users/", "/api/users"),
        ("/api/users/42/", "/api/users/42"),
        ("/api//users", "/api/users"),
        ("//api/users//42//", "/api/users/42"),
        ("/api/docs/", "/api/docs"),
        ("/api/nothing/", None),
        ("/api//nothing", None),
    ],
    ids=[
        "index-slash",
        "static-slash",
        "dynamic-slash",
        "repeated-slash",
        "everything-doubled",
        "optional-catch-all-slash",
        "unknown-slash",
        "unknown-repeated-slash",
    ],
)
def test_a_path_spelled_otherwise_is_not_matched_but_redirected(
    users: RouteTable, path: str, target: str | None
) -> None:
    assert (users.match(path), users.redirect_target(path)) == (None, target)


@pytest.mark.parametrize("path", ["/api", "/api/users", "/api/users/42", "/api/docs"])
def test_a_canonical_path_is_matched_and_never_redirected(
    users: RouteTable, path: str
) -> None:
    assert users.match(path) is not None
    assert users.redirect_target(path) is None


def test_an_empty_segment_never_matches_a_param(users: RouteTable) -> None:
    assert [
        users.match(path)
        for path in (
            "/api/users//posts",
            "/api/files/a//b",
            "/api/docs//",
            "/api/users/",
        )
    ] == [None, None, None, None]


@pytest.mark.parametrize(
    ("path", "canonical", "already"),
    [
        ("/", "/", True),
        ("/a", "/a", True),
        ("/a/b", "/a/b", True),
        ("", "/", False),
        ("a", "/a", False),
        ("/a/", "/a", False),
        ("//a", "/a", False),
        ("/a//b", "/a/b", False),
        ("//", "/", False),
        ("//example.com/x", "/example.com/x", False),
    ],
)
def test_canonical_path(path: str, canonical: str, already: bool) -> None:
    assert (canonical_path(path), is_canonical(path)) == (canonical, already)


def test_params_are_fresh_for_each_match(users: RouteTable) -> None:
    found = users.match("/api/files/a/b")
    assert found is not None
    path = found[1]["path"]
    assert isinstance(path, list)
    path.append("c")
    assert users.match("/api/files/a/b") == (found[0], {"path": ["a", "b"]})


# -- Prefix ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folders", "prefix", "expected_prefix", "pattern"),
    [
        ("api", None, "/api", "/api/hello"),
        ("pages/api", None, "/api", "/api/hello"),
        ("routes", None, "/routes", "/routes/hello"),
        ("api", "/v1", "/v1", "/v1/hello"),
        ("api", "/v1/things", "/v1/things", "/v1/things/hello"),
        ("api", "/", "/", "/hello"),
        ("api", "", "/", "/hello"),
        ("api", "/ünïcode", "/ünïcode", "/ünïcode/hello"),
        ("api", "/my api/v1", "/my api/v1", "/my api/v1/hello"),
    ],
    ids=[
        "directory-name",
        "pages-api",
        "other-name",
        "custom",
        "custom-two-segments",
        "root",
        "empty-is-root",
        "non-ascii",
        "space",
    ],
)
def test_prefix(
    tmp_path: Path, folders: str, prefix: str | None, expected_prefix: str, pattern: str
) -> None:
    root = tmp_path / folders
    root.mkdir(parents=True)
    (root / "hello.py").touch()
    table = scan(root, prefix=prefix)
    assert (table.prefix, patterns(table)) == (expected_prefix, [pattern])
    assert matched(table, pattern) == (pattern, {})
    [route] = table.routes
    assert route.segments == tuple(
        Segment(SegmentKind.STATIC, name) for name in pattern[1:].split("/")
    )


def test_index_at_the_root_prefix_serves_slash(tmp_path: Path) -> None:
    table = scan(make_tree(tmp_path, ["index.py"]), prefix="/")
    assert (patterns(table), matched(table, "/")) == (["/"], ("/", {}))


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("api", "prefix must start with '/', not 'api'; write '/api'"),
        ("/api/", "prefix must not end with '/', not '/api/'; write '/api'"),
        ("/v1/X/", "prefix must not end with '/', not '/v1/X/'; write '/v1/X'"),
        ("/a//b", "prefix must not hold an empty segment ('//'), not '/a//b'"),
        (
            "/[tenant]",
            "prefix must be static, without brackets, not '/[tenant]'; put dynamic"
            " segments in folder names",
        ),
        (
            "/api/x]",
            "prefix must be static, without brackets, not '/api/x]'; put dynamic"
            " segments in folder names",
        ),
        (
            "/api/x[",
            "prefix must be static, without brackets, not '/api/x['; put dynamic"
            " segments in folder names",
        ),
    ],
    ids=[
        "no-leading-slash",
        "trailing-slash",
        "trailing-slash-after-x",
        "empty-segment",
        "param",
        "closing-bracket",
        "opening-bracket",
    ],
)
def test_a_bad_prefix_is_refused(tmp_path: Path, prefix: str, message: str) -> None:
    with pytest.raises(ValueError, match="prefix") as caught:
        scan(make_tree(tmp_path, ["hello.py"]), prefix=prefix)
    assert str(caught.value) == message


def test_a_prefix_that_is_not_a_str_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError) as caught:
        scan(make_tree(tmp_path, []), prefix=b"/api")  # type: ignore[arg-type]
    assert (
        str(caught.value) == "prefix must be a str such as '/api', not b'/api' (bytes)"
    )


def test_the_file_systems_root_mounts_at_the_root() -> None:
    assert _default_prefix(Path("/")) == ()


@pytest.mark.parametrize("name", ["[tenant]", "a[b", "a]b"])
def test_a_directory_name_with_brackets_needs_a_prefix(
    tmp_path: Path, name: str
) -> None:
    root = make_tree(tmp_path, ["hello.py"], name)
    with pytest.raises(ValueError, match="prefix") as caught:
        scan(root)
    assert str(caught.value) == (
        f"the directory's name {name!r} cannot be the URL prefix: a prefix is"
        " static, without brackets; pass prefix='/api', say"
    )
    assert patterns(scan(root, prefix="/t")) == ["/t/hello"]


def test_file_names_that_are_not_utf8_sort_by_utf16_code_units(tmp_path: Path) -> None:
    # On POSIX, a name that is not UTF-8 is read with lone surrogates (PEP 383),
    # which UTF-16 can carry only with surrogatepass; they sort after U+D7FF.
    root = make_tree(tmp_path, [])
    names = ["a.py", os.fsdecode(b"b\xe9.py"), "b\ud7ff.py", "b\ue000.py"]
    try:
        for name in names:
            (root / name).touch()
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    assert patterns(scan(root)) == [
        "/api/a",
        "/api/b\ud7ff",
        "/api/b\udce9",
        "/api/b\ue000",
    ]


# -- The directory itself --------------------------------------------------------------


def test_a_missing_directory_is_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError) as caught:
        scan(missing)
    assert str(caught.value) == (
        f"route directory {str(missing)!r} does not exist; pass the folder that"
        " holds the route files"
    )


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    file = tmp_path / "api.py"
    file.touch()
    with pytest.raises(NotADirectoryError) as caught:
        scan(file)
    assert str(caught.value) == (
        f"route directory {str(file)!r} is a file, not a directory; pass the folder"
        " that holds it"
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symbolic_links_are_followed(tmp_path: Path) -> None:
    shared = make_tree(tmp_path, ["[id].py"], "shared")
    root = make_tree(tmp_path, ["hello.py"])
    (root / "users").symlink_to(shared, target_is_directory=True)
    (root / "alias.py").symlink_to(root / "hello.py")
    table = scan(root)
    assert patterns(table) == ["/api/alias", "/api/hello", "/api/users/[id]"]
    assert table.routes[2].file == root / "users" / "[id].py"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symbolic_link_loop_is_refused(tmp_path: Path) -> None:
    root = make_tree(tmp_path, ["users/[id].py"])
    (root / "users" / "again").symlink_to(root, target_is_directory=True)
    with pytest.raises(ValueError, match="symbolic link") as caught:
        scan(root)
    assert str(caught.value) == (
        "api/users/again: a symbolic link leads back to a folder that contains it;"
        " remove the link"
    )
