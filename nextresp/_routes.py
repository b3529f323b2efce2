"""``routes``: serve each Python file of a directory as Next.js serves ``pages/api``."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import inspect
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Unpack
from urllib.parse import quote

from ._cors import add_cors_headers, answer_preflight
from ._errors import error_response
from ._handler import ApiHandler, handler_for
from ._headers import lines_of
from ._method_guard import answer_options
from ._methods import METHODS, methods_handler
from ._middleware import Middleware, check_middleware
from ._openapi import document, prepare_schemas
from ._openapi_source import SourceHints, hints_of
from ._options import ApiOptions, OptionAttributes, OptionKeywords, options_of
from ._request import ApiRequest
from ._response import ApiResponse
from ._route_scan import middleware_files, scan
from ._route_table import Route, RouteTable, canonical_path

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

# Characters left as they are in a Location path: RFC 3986's pchar, less "%".
_PATH_SAFE = "/!$&'()*+,;=:@~"
# In a query string, existing escapes ("%") and separators stay as sent.
_QUERY_SAFE = _PATH_SAFE + "?%"
_NOT_IN_NAME = re.compile(r"\W", re.ASCII)
# The arguments a handler already takes: a parameter of that name cannot reach it.
_TAKEN = frozenset({"req", "res", "body", "query"})
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
        try:
            path = raw.encode("latin-1").decode()
        except UnicodeDecodeError:  # two spellings must never name one route
            found, path = None, None
        else:
            if path == self.openapi_path:
                return self._serve_openapi(environ)(environ, start_response)
            found = self.table.match(path)
        if found is None:
            unmatched = self._unmatched(environ, raw, path)
            cors = self.options.cors
            if cors is not None:
                add_cors_headers(cors, lines_of(unmatched.headers), environ)
            return unmatched(environ, start_response)
        route, params = found
        req = ApiRequest.lazy(environ)
        try:
            response = self.handlers[route]._respond(req, dict(params))
        finally:
            if "files" in req.__dict__:  # uploads were parsed: close their files
                req.close()
        return response(environ, start_response)

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
        self, environ: WSGIEnvironment, raw: str, path: str | None
    ) -> ApiResponse:
        """Redirect a non-canonical spelling of a route with 308; else 404.

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
        if self.table.redirect_target(path) is None:
            return error_response(
                404,
                None,
                [],
                environ,
                problem_details=options.problem_details,
                response_class=options.response_class,
            )
        # The canonical path of the bytes received: only slashes change.
        target = canonical_path(raw).encode("latin-1")
        script = environ.get("SCRIPT_NAME", "").encode("latin-1")
        location = quote(script.rstrip(b"/") + target, safe=_PATH_SAFE)
        query = environ.get("QUERY_STRING")
        if query:
            location += "?" + quote(query.encode("latin-1"), safe=_QUERY_SAFE)
        # As a handler's res.redirect(308, ...) answers: an empty body.
        return options.response_class.blank().redirect(308, location)


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
                loaded[file] = _middleware_of(file, _display_file(table, file))
            folders += loaded[file]
        with_folders = (
            dataclasses.replace(checked, use=checked.use + folders)
            if folders
            else checked
        )
        module = _load(route.file, display)
        handler = _handler_of(module, display, with_folders)
        if handler._chain is not None and handler.route is None:
            handler.route = route.pattern  # AccessLog's name for the route
        handlers[route] = handler
        # Read once, here: the document is then assembled without reading a file.
        hints[route] = hints_of(route.file)
        _check_parameters(module, display, route.params)
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


def _middleware_of(file: Path, display: str) -> tuple[Middleware, ...]:
    """Return the middleware a ``_middleware.py`` defines, or say what it must hold."""
    module = _load(file, display)
    found = getattr(module, "middleware", None)
    if found is None:
        raise ValueError(
            f"{display}: expected middleware = [...] or def middleware(req, res,"
            " call_next), not a module that defines neither"
        )
    if callable(found) and not isinstance(found, type):
        return (found,)
    try:
        return check_middleware(found)
    except TypeError as exc:
        raise TypeError(f"{display}: {exc}") from None


def _display(table: RouteTable, route: Route) -> str:
    """Name a route's file as the tree's messages do: ``api/users/[id].py``."""
    return _display_file(table, route.file)


def _display_file(table: RouteTable, file: Path) -> str:
    return file.relative_to(table.directory.parent).as_posix()


def module_name(file: Path) -> str:
    """Return the name a route file is imported as: stable, unique, from its path.

    The last three parts of the path, ``api/users/[id].py`` say, become
    ``nextresp_route_api_users__id__`` and eight hex digits of the hash of the
    absolute path follow, so two trees never share a module and
    every process that imports the file (each gunicorn worker) names it alike.
    """
    absolute = os.path.abspath(file)
    digest = hashlib.sha1(absolute.encode("utf-8", "surrogateescape")).hexdigest()
    parts = Path(absolute).with_suffix("").parts[-3:]
    stem = _NOT_IN_NAME.sub("_", "_".join(parts))
    return f"nextresp_route_{stem}_{digest[:8]}"


def _load(file: Path, display: str) -> ModuleType:
    """Import a route file under `module_name`, registered in ``sys.modules``."""
    name = module_name(file)
    spec = importlib.util.spec_from_file_location(name, file)
    # A .py file always has a spec and a loader.
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs, as an import does: dataclasses and pickle look
    # classes up in sys.modules by their __module__.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        del sys.modules[name]
        if not isinstance(exc, Exception):
            raise
        raise ImportError(
            f"{display}: expected the route file to import, not to raise"
            f" {type(exc).__name__}: {exc}",
            name=name,
            path=str(file),
        ) from exc
    return module


def _check_parameters(
    module: ModuleType, display: str, params: tuple[str, ...]
) -> None:
    """Refuse a file whose method function cannot take one of its route parameters.

    ``def GET(req, res)`` in ``[id].py`` would fail with a TypeError on every
    request; the tree refuses it when it loads instead.
    """
    for method in METHODS:
        func = getattr(module, method, None)
        try:
            signature = inspect.signature(func)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # not a function, or a builtin
            continue
        taken = signature.parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in taken):
            continue
        names = {
            p.name for p in taken if p.kind not in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL)
        }
        for name in params:
            if name not in names:
                raise ValueError(
                    f"{display}: expected {method} to take the route parameter"
                    f" {name!r}, as in def {method}(req, res, {name}) or"
                    f" def {method}(req, res, **params)"
                )


def _handler_of(module: ModuleType, display: str, options: ApiOptions) -> ApiHandler:
    """Return the handler a route module answers through, or say why there is none."""
    functions = {m: getattr(module, m) for m in METHODS if hasattr(module, m)}
    exported = {n: getattr(module, n) for n in ("app", "handler") if hasattr(module, n)}
    if len({id(value) for value in exported.values()}) > 1:
        raise ValueError(
            f"{display}: expected one of app and handler, not both; keep app"
        )
    if functions and exported:
        raise ValueError(
            f"{display}: expected functions named after methods or"
            f" {' and '.join(exported)}, not both ({', '.join(functions)} and"
            f" {' and '.join(exported)}); keep one way of answering"
        )
    if functions:
        try:
            return methods_handler(functions, options)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{display}: {exc}") from None
    if not exported:
        raise ValueError(
            f"{display}: expected functions named after methods (def GET(req, res))"
            " or app = api_handler(...), not a module that answers no request"
        )
    name, value = next(iter(exported.items()))
    if isinstance(value, ApiHandler):
        # It keeps the options it was built with, but for the tree's CORS,
        # middleware and on_error: what the whole tree sets must not skip a file
        # silently. The tree's middleware runs outside the file's own.
        own = value.options
        cors = own.cors if own.cors is not None else options.cors
        on_error = own.on_error if own.on_error is not None else options.on_error
        if cors is not own.cors or on_error is not own.on_error or options.use:
            adjusted = dataclasses.replace(
                own, cors=cors, on_error=on_error, use=options.use + own.use
            )
            return handler_for(value.func, adjusted, value.methods)
        return value
    if inspect.isclass(value) or not callable(value):
        raise ValueError(
            f"{display}: expected {name} to be an api_handler or a function"
            f" def {name}(req, res), not {value!r}"
        )
    return handler_for(value, options)
