"""``routes``: serve each Python file of a directory as Next.js serves ``pages/api``."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack
from urllib.parse import quote

from ._bodies import TEXT_PLAIN
from ._cors import add_cors_headers, answer_preflight
from ._errors import error_response
from ._handler import ApiHandler
from ._headers import lines_of
from ._method_guard import answer_options
from ._middleware import Middleware
from ._openapi import document, prepare_schemas
from ._openapi_source import SourceHints, hints_of
from ._options import ApiOptions, OptionAttributes, OptionKeywords, options_of
from ._request import ApiRequest
from ._response import ApiResponse
from ._route_files import check_parameters, handler_of, load, middleware_of
from ._route_scan import middleware_files, scan
from ._route_table import Route, RouteTable, canonical_path
from ._status import status_line

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

# Characters left as they are in a Location path: RFC 3986's pchar, less "%".
_PATH_SAFE = "/!$&'()*+,;=:@~"
# In a query string, existing escapes ("%") and separators stay as sent.
_QUERY_SAFE = _PATH_SAFE + "?%"
_PERMANENT_REDIRECT = status_line(308)
# The arguments a handler already takes: a parameter of that name cannot reach it.
_TAKEN = frozenset({"req", "res", "body", "query", "headers"})
_DOCUMENT_METHODS = ("GET", "HEAD", "OPTIONS")


class RoutesApp(OptionAttributes):
    """The WSGI application :func:`routes` returns: a route table and its handlers.

    Strategy: the table (``_route_table``) knows nothing of modules or WSGI, so
    ``nextresp routes`` prints exactly what this app matches; this class only
    imports each file once and sends each request to the handler of its route.
    """

    def __init__(
        self,
        table: RouteTable,
        handlers: dict[Route, ApiHandler],
        options: ApiOptions,
        *,
        hints: dict[Route, dict[str, SourceHints]] | None = None,
        openapi: str | None = None,
    ) -> None:
        #: The routes, in the order they are tried.
        self.table = table
        #: The handler that answers each route.
        self.handlers = handlers
        #: The tree's options: those of its files' handlers, and of the 404 and 308
        #: answers (``problem_details``, ``response_class``, ``cors``).
        self.options = options
        # PERF: a Route hashes its pattern, file and every segment, a few µs a request;
        # the table hands back its own Route objects, found here by identity.
        self._by_id = {id(route): handler for route, handler in handlers.items()}
        # A response class of the user's may answer a redirect otherwise.
        self._direct_redirect = options.response_class is ApiResponse
        #: What each route file's source shows of its functions' answers.
        self.hints = {} if hints is None else hints
        #: The path the OpenAPI document is served at, or None.
        self.openapi_path = openapi
        self._openapi_body: bytes | None = None

    def openapi(self, *, title: str = "API", version: str = "0.1.0") -> dict[str, Any]:
        """Return the tree's OpenAPI 3.1 document; see :func:`openapi`."""
        return document(
            (
                (route, self.handlers[route], self.hints.get(route, {}))
                for route in self.table.routes
            ),
            title=title,
            version=version,
        )

    def __repr__(self) -> str:
        return (
            f"<routes {self.table.prefix!r} from {str(self.table.directory)!r}:"
            f" {len(self.handlers)} routes>"
        )

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        raw = environ.get("PATH_INFO") or "/"  # PEP 3333: empty or absent at the root
        path: str | None
        if raw.isascii():  # PERF: ASCII reads the same as latin-1 and as UTF-8
            path = raw
        else:
            try:
                path = raw.encode("latin-1").decode()
            except UnicodeDecodeError:  # two spellings must never name one route
                path = None
        found = None
        if path is not None:
            if path == self.openapi_path:
                return self._serve_openapi(environ)(environ, start_response)
            found = self.table.match(path)
        if found is None:
            location = None
            if path is not None:
                location = self._redirect_location(environ, raw, path)
                if (
                    location is not None
                    and self._direct_redirect
                    and location[:2] != "//"
                ):
                    return self._redirect(environ, start_response, location)
            unmatched = self._unmatched(environ, path, location)
            cors = self.options.cors
            if cors is not None:
                add_cors_headers(cors, lines_of(unmatched.headers), environ)
            app_iter, status, headers = unmatched.get_wsgi_response(environ)
            start_response(status, headers)
            return app_iter
        route, params = found
        req = ApiRequest.lazy(environ)
        try:
            handler = self._by_id[id(route)]
            response = handler._respond(req, params)
        finally:
            if "files" in req.__dict__:  # uploads were parsed: close their files
                req.close()
        # PERF: what werkzeug's Response.__call__ does, one call fewer.
        app_iter, status, headers = response.get_wsgi_response(environ)
        start_response(status, headers)
        return app_iter

    def _serve_openapi(self, environ: WSGIEnvironment) -> ApiResponse:
        """Answer a request for the document: JSON with an ``ETag``, CORS as all."""
        options = self.options
        if options.cors is not None:
            preflight = answer_preflight(
                options.cors, environ, _DOCUMENT_METHODS, options.response_class
            )
            if preflight is not None:
                return preflight
        method = environ.get("REQUEST_METHOD")
        res = options.response_class.blank()
        if method in ("GET", "HEAD"):
            if self._openapi_body is None:
                self._openapi_body = json.dumps(self.openapi()).encode()
            res.set_header("Content-Type", "application/json")
            res.send(self._openapi_body)
        elif method == "OPTIONS":
            answer_options(res, _DOCUMENT_METHODS)
        else:
            res = error_response(
                405,
                None,
                [("Allow", "GET, HEAD, OPTIONS")],
                environ,
                problem_details=options.problem_details,
                response_class=options.response_class,
            )
        if options.cors is not None:
            add_cors_headers(options.cors, lines_of(res.headers), environ)
        return res

    def _unmatched(
        self, environ: WSGIEnvironment, path: str | None, location: str | None
    ) -> ApiResponse:
        """Redirect a non-canonical spelling of a route with 308 (to ``location``,
        from `_redirect_location`); else 404.

        A path that is not UTF-8 once percent-decoded (``%FF``) is a 400, as Next.js
        answers it: decoding it with replacement characters would let different
        bytes reach a handler as the same parameter.
        """
        options = self.options
        if path is None:
            return error_response(
                400,
                "The request path is not valid UTF-8 once percent-decoded",
                [],
                environ,
                problem_details=options.problem_details,
                response_class=options.response_class,
            )
        if location is None:
            return error_response(
                404,
                None,
                [],
                environ,
                problem_details=options.problem_details,
                response_class=options.response_class,
            )
        # As a handler's res.redirect(308, ...) answers: an empty body.
        return options.response_class.blank().redirect(308, location)

    def _redirect_location(
        self, environ: WSGIEnvironment, raw: str, path: str
    ) -> str | None:
        """Return the ``Location`` of the 308 that answers ``path``, or None (404)."""
        if self.table.redirect_target(path) is None and (
            self.openapi_path is None or canonical_path(path) != self.openapi_path
        ):
            return None
        # The canonical path of the bytes received: only slashes change.
        target = canonical_path(raw).encode("latin-1")
        script = environ.get("SCRIPT_NAME", "").encode("latin-1")
        location = quote(script.rstrip(b"/") + target, safe=_PATH_SAFE)
        query = environ.get("QUERY_STRING")
        if query:
            location += "?" + quote(query.encode("latin-1"), safe=_QUERY_SAFE)
        return location

    def _redirect(
        self, environ: WSGIEnvironment, start_response: StartResponse, location: str
    ) -> Iterable[bytes]:
        """Answer 308 to ``location`` with the lines ``_unmatched``'s answer sends.

        PERF: that answer, made by ``res.redirect`` and finished by werkzeug, costs
        twice what Falcon spends on a whole 404; these lines are the same, in the same
        order (werkzeug's ``iri_to_uri`` leaves a ``Location`` quoted as ours alone,
        but for one that starts with ``//``, which takes the general path).
        """
        lines = [("Location", location), ("Content-Length", "0")]
        cors = self.options.cors
        if cors is not None:
            add_cors_headers(cors, lines, environ)
        lines.append(("Content-Type", TEXT_PLAIN))
        start_response(_PERMANENT_REDIRECT, lines)
        return []


def routes(
    directory: str | os.PathLike[str],
    *,
    prefix: str | None = None,
    openapi: str | None = None,
    options: ApiOptions | None = None,
    **keywords: Unpack[OptionKeywords],
) -> RoutesApp:
    """Serve every Python file under ``directory`` as Next.js serves ``pages/api``.

    ``api/users/[id].py`` answers ``/api/users/7``; see the routes guide for the
    rules. Each file is imported once, now, and answers through functions named
    after methods (``def GET(req, res, **params)``, as :func:`api_methods`), or
    through ``app`` (or ``handler``): an :func:`api_handler`, or a plain
    ``def handler(req, res)``. The options are those of :func:`api_handler`, for
    the files that do not build their own ``api_handler``, and for the 404 of a
    path no file serves, as keywords or as ``options=ApiOptions(...)``. A file's own
    ``api_handler`` keeps its options, but takes the tree's ``cors`` and
    ``on_error`` if it has none, and runs inside the tree's middleware.

    A ``_middleware.py`` in a folder (``middleware = [...]``, or one function
    named ``middleware``) applies to every route in that folder and below, the
    outermost folder's first, inside the middleware of ``use=``.

    ``openapi="/api/openapi.json"`` serves the tree's OpenAPI document at that
    path (see :func:`openapi`), with an ``ETag`` and the tree's CORS headers.

    Raises ``ValueError`` naming the file for a tree Next.js would refuse, and for
    a file that answers no request or answers it twice; ``ImportError`` naming the
    file, chained to the original error, for a file that fails to import.
    """
    checked = options_of(options, keywords, "routes")
    table = scan(directory, prefix=prefix)
    if openapi is not None:
        _check_openapi_path(openapi, table)
    handlers: dict[Route, ApiHandler] = {}
    hints: dict[Route, dict[str, SourceHints]] = {}
    loaded: dict[Path, tuple[Middleware, ...]] = {}
    for route in table.routes:
        display = _display(table, route)
        for name in route.params:
            if name in _TAKEN:
                raise ValueError(
                    f"{display}: expected a parameter name other than {name!r},"
                    f" which the handler takes as its own argument; rename [{name}]"
                )
        folders: tuple[Middleware, ...] = ()
        for file in middleware_files(table, route):
            if file not in loaded:
                loaded[file] = middleware_of(file, _display_file(table, file))
            folders += loaded[file]
        with_folders = (
            dataclasses.replace(checked, use=checked.use + folders)
            if folders
            else checked
        )
        module = load(route.file, display)
        handler = handler_of(module, display, with_folders)
        if handler._chain is not None and handler.route is None:
            handler.route = route.pattern  # AccessLog's name for the route
        handlers[route] = handler
        # Read once, here: the document is then assembled without reading a file.
        hints[route] = hints_of(route.file)
        check_parameters(module, display, route.params)
    prepare_schemas(handlers.values())
    return RoutesApp(table, handlers, checked, hints=hints, openapi=openapi)


def _check_openapi_path(path: object, table: RouteTable) -> None:
    """Refuse an ``openapi=`` that is not a canonical path, or that a route serves."""
    if not isinstance(path, str):
        raise TypeError(
            "routes option openapi must be the path to serve the document at, as in"
            f" openapi='/api/openapi.json', not {path!r}"
        )
    if not path.startswith("/") or canonical_path(path) != path:
        raise ValueError(
            "routes option openapi must be a path starting with / and without"
            f" empty segments or a trailing slash, as '/api/openapi.json', not {path!r}"
        )
    found = table.match(path)
    if found is not None:
        raise ValueError(
            f"routes option openapi is {path!r}, which the route {found[0].pattern}"
            " serves already; choose another path"
        )


def _display(table: RouteTable, route: Route) -> str:
    """Name a route's file as the tree's messages do: ``api/users/[id].py``."""
    return _display_file(table, route.file)


def _display_file(table: RouteTable, file: Path) -> str:
    return file.relative_to(table.directory.parent).as_posix()
