"""``api_handler``: run ``def handler(req, res)`` as a WSGI app and fold its errors."""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, overload

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ._cors import Cors, add_cors_headers, answer_preflight
from ._errors import ApiError, error_response, error_response_for
from ._headers import REPRESENTATION_HEADERS, lines_of, merge_vary
from ._request import DEFAULT_BODY_LIMIT, ApiRequest, api_request_class
from ._response import ApiResponse, ResponseAlreadySent
from ._sizes import parse_size

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

#: A handler: ``handler(req, res, **route_params)`` returning None or ``res``.
HandlerFunc = Callable[..., object]

logger = logging.getLogger("nextresp")

# RFC 9110, section 9.1: a method is a token.
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class ApiHandler:
    """A handler function wrapped for every host; made by :func:`api_handler`.

    Call it as a WSGI application, ``handler(environ, start_response)``; as a werkzeug
    endpoint, ``handler(request, **values)``, which returns the response; or as a
    Flask view, ``handler(**values)``, which answers ``flask.request``.
    """

    def __init__(
        self,
        func: HandlerFunc,
        *,
        etag: bool,
        problem_details: bool,
        propagate_exceptions: bool,
        methods: tuple[str, ...] | None,
        body_limit: int | None,
        response_class: type[ApiResponse] = ApiResponse,
        cors: Cors | None = None,
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        module, qualname = _names_of(func)
        # Hosts name views after them (Flask's endpoint is the view's __name__).
        self.__qualname__ = qualname
        self.__name__ = qualname.rpartition(".")[2]
        #: How logs and messages name the handler: ``module.qualified_name``.
        self.name = qualname if module is None else f"{module}.{qualname}"
        self.etag = etag
        self.problem_details = problem_details
        self.propagate_exceptions = propagate_exceptions
        self.methods = methods
        self.body_limit = body_limit
        #: The class of ``res`` and of the error responses.
        self.response_class = response_class
        #: Which other origins may call the handler, or None.
        self.cors = cors
        self._allowed: frozenset[str] | None = None
        if methods is not None:
            implied = {"HEAD"} if "GET" in methods else set()
            self._allowed = frozenset(methods) | implied

    def __call__(self, *args: Any, **route_params: Any) -> Any:
        if len(args) == 2 and isinstance(args[0], dict) and not route_params:
            environ, start_response = args
            req = ApiRequest.lazy(environ)
            if self._params_from_path is not None:  # see _find_params_from_path
                route_params = self._params_from_path(environ)
            try:
                response = self._respond(req, route_params)
            finally:
                if "files" in req.__dict__:  # uploads were parsed: close their files
                    req.close()
            # PERF: what werkzeug's Response.__call__ does, one call fewer.
            app_iter, status, headers = response.get_wsgi_response(environ)
            start_response(status, headers)
            return app_iter
        if len(args) == 1 and isinstance(args[0], Request):
            return self.respond(args[0], **route_params)
        if not args:
            return self.respond(_flask_request(self), **route_params)
        raise TypeError(
            f"{self!r} is called as a WSGI app (environ, start_response), as a"
            " werkzeug endpoint (request, **values) or as a Flask view (**values),"
            f" not with {len(args)} positional arguments"
        )

    def __repr__(self) -> str:
        return f"<api_handler {self.name}>"

    def _find_params_from_path(self, environ: WSGIEnvironment) -> dict[str, Any]:
        """Find, on the first bare WSGI call, where route parameters come from.

        A host that routes by file and passes no parameters (Vercel's Python runtime
        calling the ``app`` of ``api/users/[id].py``) leaves them in the path: when a
        module under a bracketed path exports this handler as ``app``, later calls
        take them from matching the path against that file's pattern; otherwise
        there is nothing to find and later calls skip this.
        """
        from ._file_route import file_route

        route = file_route(self)
        self._params_from_path = None if route is None else route.params
        return {} if route is None else route.params(environ)

    # PERF: a method until the first bare WSGI call decides; then None (one attribute
    # read per request) or the file route's look-up.
    _params_from_path: Callable[..., dict[str, Any]] | None = _find_params_from_path

    def respond(self, req: Request, **route_params: Any) -> Response:
        """Run the handler for ``req`` and return the finished response.

        An ``HTTPException`` (``ApiError`` among them) becomes the response, keeping
        the headers set on ``res``; any other exception becomes a bare 500 and is
        logged, unless ``propagate_exceptions`` is set.
        """
        host_class = type(req)
        req.__class__ = api_request_class(host_class)
        try:
            response = self._respond(req, route_params)  # type: ignore[arg-type]
        finally:
            req.__class__ = host_class
        # Finish it now: Flask turns it into its own class before sending it.
        if isinstance(response, ApiResponse):
            response.finalize(req.environ)
        return response

    def _respond(self, req: ApiRequest, route_params: dict[str, Any]) -> Response:
        if route_params:
            req.route_params = route_params
        limit = self.body_limit
        if limit is not None and (
            req.max_content_length is None or req.max_content_length > limit
        ):
            req.max_content_length = limit
        res = self.response_class.blank()
        if req.environ.get("wsgi.url_scheme") == "https":
            res._https = True
        if not self.etag:
            res.auto_etag = False
        try:
            if self._allowed is not None and req.method not in self._allowed:
                self._refuse_method(req, res)
            else:
                self._run(req, res, route_params)
        except HTTPException as exc:
            error = error_response_for(
                exc,
                req.environ,
                problem_details=self.problem_details,
                response_class=self.response_class,
            )
            return self._fold(res, error)
        except Exception as exc:
            if self.propagate_exceptions:
                raise
            if isinstance(exc, ResponseAlreadySent) and res._finished_by is not None:
                # As in Next.js and Express: the first answer stands.
                logger.exception(
                    "%s for %s %s called a helper after the response was finished;"
                    " the first response was sent",
                    self.name,
                    req.method,
                    req.path,
                )
                return res
            logger.exception(
                "unhandled exception in %s for %s %s", self.name, req.method, req.path
            )
            error = error_response(
                500,
                None,
                [],
                req.environ,
                problem_details=self.problem_details,
                response_class=self.response_class,
            )
            return self._fold(res, error)
        return res

    def _run(
        self, req: ApiRequest, res: ApiResponse, route_params: dict[str, Any]
    ) -> None:
        """Call the handler (as a task, if it is ``async def``) and check its result."""
        returned = self.func(req, res, **route_params)
        if returned is not None and inspect.iscoroutine(returned):
            returned = _run_coroutine(returned)
        if returned is not None and returned is not res:
            raise TypeError(
                f"{self.name}() returned {returned!r}; an api_handler answers"
                " through res (res.json(...), res.send(...)) and returns None or res"
            )
        if res._finished_by is None and type(res.response) is list and not res.response:
            logger.warning(
                "%s returned for %s %s without sending a response; answering %s with"
                " an empty body (finish it with res.json(), res.send() or res.end())",
                self.name,
                req.method,
                req.path,
                res.status_code,
            )

    def _refuse_method(self, req: ApiRequest, res: ApiResponse) -> None:
        """Answer OPTIONS with ``Allow``; refuse any other method not allowed, 405."""
        allow = ", ".join(self.methods or ())
        if req.method == "OPTIONS":
            res.status(204).set_header("Allow", allow).end()
            return
        raise ApiError(
            405, f"Method {req.method} Not Allowed", headers={"Allow": allow}
        )

    def _fold(self, res: ApiResponse, error: Response) -> Response:
        """Answer with ``error``, keeping the headers already set on ``res``.

        The headers that described the discarded body go with it; where ``error``
        sets a header too, its value wins, except ``Vary``, whose fields add up.
        """
        set_on_res = lines_of(res.headers)
        if set_on_res:
            lines = lines_of(error.headers)
            own = set()
            for name, _ in lines:  # PERF: a loop, not a set comprehension's frame
                own.add(name.lower())
            own.discard("vary")
            varies = False
            for line in set_on_res:
                lower = line[0].lower()
                if lower not in REPRESENTATION_HEADERS and lower not in own:
                    lines.append(line)
                    varies = varies or lower == "vary"
            if varies:
                merge_vary(lines)
        if res._on_close or type(res.response) is not list:  # a body to close
            res.close()
        return error


class CorsHandler(ApiHandler):
    """An `ApiHandler` that answers CORS preflights itself and gives every other
    answer, errors included, the headers its `Cors` configuration says."""

    cors: Cors
    # Flask reads these on a view: OPTIONS reaches the handler, whatever methods the
    # rule lists, instead of Flask's automatic answer, which knows nothing of CORS.
    required_methods = ("OPTIONS",)
    provide_automatic_options = False

    def _respond(self, req: ApiRequest, route_params: dict[str, Any]) -> Response:
        environ = req.environ
        preflight = answer_preflight(
            self.cors, environ, self.methods, self.response_class
        )
        if preflight is not None:
            return preflight
        response = super()._respond(req, route_params)
        add_cors_headers(self.cors, lines_of(response.headers), environ)
        return response


@overload
def api_handler(func: HandlerFunc, /) -> ApiHandler: ...


@overload
def api_handler(
    *,
    methods: Iterable[str] | None = None,
    body_limit: int | str | None = DEFAULT_BODY_LIMIT,
    etag: bool = True,
    problem_details: bool = True,
    propagate_exceptions: bool = False,
    response_class: type[ApiResponse] = ApiResponse,
    cors: Cors | None = None,
) -> Callable[[HandlerFunc], ApiHandler]: ...


def api_handler(
    func: HandlerFunc | None = None,
    /,
    *,
    methods: Iterable[str] | None = None,
    body_limit: int | str | None = DEFAULT_BODY_LIMIT,
    etag: bool = True,
    problem_details: bool = True,
    propagate_exceptions: bool = False,
    response_class: type[ApiResponse] = ApiResponse,
    cors: Cors | None = None,
) -> ApiHandler | Callable[[HandlerFunc], ApiHandler]:
    """Turn ``def handler(req, res, **route_params)`` into a WSGI application.

    ``req`` is an :class:`ApiRequest` and ``res`` an :class:`ApiResponse`; the
    handler may be ``async def``. Use it bare (``@api_handler``) or with options:

    - ``methods=["GET", "PUT"]``: other methods get 405 with ``Allow``; HEAD is
      allowed where GET is, and OPTIONS is answered 204 with ``Allow``.
    - ``body_limit``: the largest request body ``req.body`` reads, in bytes (1 MiB)
      or as Next.js writes it (``"1mb"``, ``"500kb"``, 1024-based); ``None`` for no
      limit of ours.
    - ``etag=False``: no automatic ``ETag`` and no automatic 304.
    - ``problem_details=False``: every error body is plain text, never JSON.
    - ``propagate_exceptions=True``: unexpected exceptions propagate to the server
      or middleware (debuggers, error reporters) instead of becoming a bare 500.
    - ``response_class``: an :class:`ApiResponse` subclass, the class of ``res`` and
      of every error response; its ``json_dumps``, ``auto_etag`` and
      ``error_body`` apply.
    - ``cors=Cors(origins=[...])``: pages from those origins may call the handler;
      preflights are answered, and every answer carries the CORS headers.
    """
    for option, value in (
        ("etag", etag),
        ("problem_details", problem_details),
        ("propagate_exceptions", propagate_exceptions),
    ):
        if not isinstance(value, bool):
            raise TypeError(
                f"api_handler option {option} must be True or False, not {value!r}"
            )
    limit = parse_size(body_limit) if isinstance(body_limit, str) else body_limit
    if body_limit is not None and (type(limit) is not int or limit < 0):
        error = (
            TypeError
            if type(body_limit) is not int and not isinstance(body_limit, str)
            else ValueError
        )
        raise error(
            "api_handler option body_limit must be a number of bytes (an int >= 0),"
            f" a size such as '1mb' or '500kb', or None, not {body_limit!r}"
        )
    allowed = None if methods is None else _check_methods(methods)
    if not (
        isinstance(response_class, type) and issubclass(response_class, ApiResponse)
    ):
        raise TypeError(
            "api_handler option response_class must be a subclass of ApiResponse,"
            f" not {response_class!r}"
        )
    if cors is not None and not isinstance(cors, Cors):
        raise TypeError(
            "api_handler option cors must be a Cors or None, as in"
            f" cors=Cors(origins=['https://app.example.com']), not {cors!r}"
        )

    def decorate(func: HandlerFunc) -> ApiHandler:
        if not callable(func):
            raise TypeError(
                f"api_handler decorates a function def handler(req, res), not"
                f" {func!r}; write @api_handler or @api_handler(etag=False)"
            )
        return (ApiHandler if cors is None else CorsHandler)(
            func,
            etag=etag,
            problem_details=problem_details,
            propagate_exceptions=propagate_exceptions,
            methods=allowed,
            body_limit=limit,
            response_class=response_class,
            cors=cors,
        )

    return decorate if func is None else decorate(func)


def _check_methods(methods: Iterable[str]) -> tuple[str, ...]:
    if isinstance(methods, str) or not isinstance(methods, Iterable):
        raise TypeError(
            f"api_handler option methods must be a list of method names such as"
            f' ["GET", "PUT"], not {methods!r}'
        )
    checked: list[str] = []
    for method in methods:
        if not (isinstance(method, str) and _METHOD.fullmatch(method)):
            raise ValueError(
                f"api_handler option methods holds {method!r}, which is not an"
                " HTTP method name"
            )
        if method.upper() not in checked:
            checked.append(method.upper())
    if not checked:
        raise ValueError("api_handler option methods must name at least one method")
    return tuple(checked)


def _run_coroutine(coroutine: Coroutine[Any, Any, object]) -> object:
    """Run an ``async def`` handler's coroutine; see ``_async.run``.

    ``asyncio`` costs milliseconds to import: only apps with such handlers pay it.
    """
    global _run_coroutine
    from ._async import run

    _run_coroutine = run
    return run(coroutine)


def _names_of(func: Callable[..., object]) -> tuple[str | None, str]:
    """Return the module and qualified name of any callable, for logs and messages.

    Functions and methods name themselves; a ``functools.partial`` is named after
    what it wraps, and any other callable object after its class.
    """
    target: object = func
    while isinstance(target, functools.partial):
        target = target.func
    named = target if hasattr(target, "__qualname__") else type(target)
    return getattr(named, "__module__", None), getattr(named, "__qualname__", "")


def _flask_request(handler: ApiHandler) -> Request:
    """Return the request of the Flask view ``handler`` is running as."""
    try:
        import flask
    except ImportError:
        flask = None  # type: ignore[assignment]
    if flask is None or not flask.has_request_context():
        raise TypeError(
            f"{handler!r} was called with no request: call it as a WSGI app"
            " (environ, start_response), as a werkzeug endpoint (request, **values),"
            " or as a Flask view inside a request"
        )
    request: Request = flask.request._get_current_object()  # type: ignore[attr-defined]
    return request
